/** Strict per-command parsing: every command accepts what it declares and nothing else. */
import test from 'ava';
import { COMMANDS } from '../../../cli/commands/index.js';
import { parseCommandLine, type ParsedLine } from '../../../cli/parse.js';
import { commandHelp, overview } from '../../../cli/usage.js';
import { isCidxError, type CidxError } from '../../../core/errors.js';

const run = (argv: string[]) => {
  const line = parseCommandLine(argv);
  if (line.kind !== 'run') throw new Error(`expected a command, got ${line.kind}`);
  return line;
};

const usageError = (t: import('ava').ExecutionContext, argv: string[]): CidxError => {
  const error = t.throws(() => parseCommandLine(argv), undefined, argv.join(' '));
  if (!isCidxError(error)) throw new Error(`not a CidxError: ${String(error)}`);
  t.is(error.code, 'USAGE', argv.join(' '));
  t.is(error.exitCode, 2);
  return error;
};

test('every command refuses an unknown option, with its usage line and where to look', (t) => {
  for (const name of Object.keys(COMMANDS)) {
    const error = usageError(t, [name, '--no-such-option']);
    t.is(error.message, `${name}: unknown option --no-such-option`);
    t.regex(error.details[0] ?? '', new RegExp(`^usage: cidx ${name}\\b`));
    t.regex(error.hint ?? '', new RegExp(`cidx ${name} --help`));
  }
});

test('every command refuses an argument beyond what it declares', (t) => {
  for (const [name, spec] of Object.entries(COMMANDS)) {
    if (spec.args.some((arg) => arg.variadic || arg.verbatim)) continue;
    const filled = spec.args.map((arg) => `${arg.name}-value`);
    const error = usageError(t, [name, ...filled, 'extra']);
    t.is(error.message, `${name}: unexpected argument "extra"`);
  }
});

test('every command has help generated from its declaration, naming each of its options', (t) => {
  for (const [name, spec] of Object.entries(COMMANDS)) {
    const help = commandHelp(name);
    t.true(help.startsWith(`Usage: cidx ${name}`), name);
    for (const option of Object.keys(spec.options)) t.true(help.includes(`--${option}`), `${name} --${option}`);
    t.deepEqual(parseCommandLine([name, '--help']), { kind: 'help', command: name });
    t.deepEqual(parseCommandLine(['help', name]), { kind: 'help', command: name });
  }
  t.false(overview().includes('setup-global-registry'), 'hidden commands stay out of the overview');
});

test('a near miss gets a did-you-mean: --volume → --volumes, a command typo → the command', (t) => {
  t.regex(usageError(t, ['down', '--volume']).hint ?? '', /did you mean --volumes\?/);
  t.regex(usageError(t, ['prune', '--dryrun']).hint ?? '', /did you mean --dry-run\?/);
  t.regex(usageError(t, ['aply']).hint ?? '', /did you mean "apply"\?/);
});

test('an option of another command is an error, never ignored or reinterpreted', (t) => {
  usageError(t, ['init', '--dry-run']);
  usageError(t, ['init', '--runtime', 'podman']);
  usageError(t, ['apply', '--volumes']);
  usageError(t, ['port', 'web', '--follow']);
  usageError(t, ['env', '--force']);
});

test('compose spellings: up and ps are aliases, down -v is --volumes, apply -f names -c', (t) => {
  t.is(run(['up']).command, 'apply');
  t.is(run(['ps', '--json']).command, 'status');
  t.deepEqual(run(['down', '-v']).options, { volumes: true });
  const file = usageError(t, ['apply', '-f', 'other/cidx.config.ts']);
  t.is(file.message, 'apply: -f is not an option of apply');
  t.regex(file.hint ?? '', /-c\/--config/);
  t.regex(usageError(t, ['up', '-d']).hint ?? '', /background/);
  t.regex(usageError(t, ['plan', '--file=x.ts']).hint ?? '', /-c\/--config/);
  t.deepEqual(run(['logs', 'web', '-f']).options, { follow: true }, 'on logs, -f is --follow');
});

test('--version only before a command: after one, -v is the command\'s own or an error', (t) => {
  for (const spelling of ['-v', '-V', '--version']) t.deepEqual(parseCommandLine([spelling]), { kind: 'version' } satisfies ParsedLine);
  t.deepEqual(parseCommandLine(['-c', 'x.ts', '--version']), { kind: 'version' });
  usageError(t, ['status', '-v']);
  usageError(t, ['apply', '--version']);
  usageError(t, ['down', '-V']);
});

test('options before the command word are checked against the command', (t) => {
  const line = run(['-c', 'other.ts', '--runtime', 'podman', 'status', '--json']);
  t.deepEqual(line.options, { config: 'other.ts', runtime: 'podman', json: true });
  t.deepEqual(run(['--config=a.ts', 'plan']).options, { config: 'a.ts' });
  usageError(t, ['--runtime', 'podman', 'init']);
  usageError(t, ['--json', 'apply']);
  t.deepEqual(parseCommandLine([]), { kind: 'none' });
  t.deepEqual(parseCommandLine(['--help']), { kind: 'help' });
});

test('values: --name value, --name=value, -xvalue, bundled flags; a missing value or a value for a flag is an error', (t) => {
  t.deepEqual(run(['logs', 'web', '--tail', '20']).options, { tail: '20' });
  t.deepEqual(run(['logs', 'web', '--tail=20', '-f']).options, { tail: '20', follow: true });
  t.deepEqual(run(['apply', '-cx.ts']).options, { config: 'x.ts' });
  t.regex(usageError(t, ['logs', 'web', '--tail']).message, /--tail needs a value/);
  t.regex(usageError(t, ['down', '--volumes=yes']).message, /--volumes takes no value/);
  t.regex(usageError(t, ['down', '-vx']).message, /unknown option -x \(in -vx\)/);
});

test('required and optional arguments; -- ends the options', (t) => {
  t.regex(usageError(t, ['port']).message, /missing <service>/);
  t.deepEqual(run(['port', 'qdrant', 'http']).args, ['qdrant', 'http']);
  t.deepEqual(run(['prune', '--dry-run', '--', '-odd-id']).args, ['-odd-id']);
  t.regex(usageError(t, ['help', 'nope']).message, /unknown command "nope"/);
  t.deepEqual(run(['prune', 'a', 'b', 'c']).args, ['a', 'b', 'c']);
});
