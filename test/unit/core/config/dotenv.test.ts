/**
 * Env files in Compose's syntax: the parser as a table of (file text,
 * environment) → variables, and the two places cidx reads them (`.env` for
 * the config's evaluation, `envFile` for a container).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { parseDotEnv, readEnvFiles, withProjectDotEnv } from '../../../../core/config/dotenv.js';
import { isCidxError } from '../../../../core/errors.js';
import { desiredOne } from '../../helpers/contexts.js';

const cases: Array<{ title: string; text: string; env?: Record<string, string>; expected: Record<string, string> }> = [
  { title: 'plain pairs, blank lines and comments', text: '# c\n\nA=1\n  B = two \n#C=3\n', expected: { A: '1', B: 'two' } },
  { title: 'export prefix', text: 'export A=1\nexport  B="x"\n', expected: { A: '1', B: 'x' } },
  { title: 'inline comment after a blank; a # inside a word stays', text: 'A=1 # one\nB=a#b\nC=#c\n', expected: { A: '1', B: 'a#b', C: '#c' } },
  { title: 'single quotes keep everything verbatim', text: "A='$HOME \\n # x'\n", env: { HOME: '/h' }, expected: { A: '$HOME \\n # x' } },
  { title: 'double quotes: escapes, and a # is not a comment', text: 'A="a\\nb\\t\\"q\\" \\\\ \\$X # y"\n', env: { X: 'no' }, expected: { A: 'a\nb\t"q" \\ $X # y' } },
  { title: 'double quotes may span lines', text: 'KEY="-----BEGIN-----\nabc\n-----END-----"\nB=2\n', expected: { KEY: '-----BEGIN-----\nabc\n-----END-----', B: '2' } },
  { title: 'a comment after a closing quote', text: 'A="x" # c\nB=\'y\'   # c\n', expected: { A: 'x', B: 'y' } },
  { title: '$VAR and ${VAR}, from earlier lines', text: 'A=1\nB=$A-${A}\n', expected: { A: '1', B: '1-1' } },
  { title: 'the environment wins over the file for interpolation', text: 'A=file\nB=${A}\n', env: { A: 'env' }, expected: { A: 'file', B: 'env' } },
  {
    title: ':- and - defaults',
    text: 'E=\nA=${UNSET:-d1}\nB=${E:-d2}\nC=${UNSET-d3}\nD=${E-d4}\n',
    expected: { E: '', A: 'd1', B: 'd2', C: 'd3', D: '' },
  },
  { title: ':+ and + alternatives', text: 'S=x\nE=\nA=${S:+alt}\nB=${E:+alt}\nC=${E+alt}\nD=${UNSET+alt}\n', expected: { S: 'x', E: '', A: 'alt', B: '', C: 'alt', D: '' } },
  { title: 'nested defaults', text: 'A=${X:-${Y:-deep}}\n', expected: { A: 'deep' } },
  { title: '$$ is a dollar; a lone $ stays', text: 'A=$$HOME\nB=cost $ 5\n', env: { HOME: '/h' }, expected: { A: '$HOME', B: 'cost $ 5' } },
  { title: 'unset variables are empty', text: 'A=x${NOPE}y\n', expected: { A: 'xy' } },
  { title: 'CRLF line ends', text: 'A=1\r\nB="2"\r\n', expected: { A: '1', B: '2' } },
  { title: 'a byte-order mark is skipped', text: '\uFEFFA=1\n', expected: { A: '1' } },
  { title: 'a bare name sets nothing', text: 'A\nB=1\n', expected: { B: '1' } },
];

for (const { title, text, env = {}, expected } of cases) {
  test(`parseDotEnv: ${title}`, (t) => {
    t.deepEqual({ ...parseDotEnv(text, (name) => env[name]) }, expected);
  });
}

test('parseDotEnv: errors name the file and line, never the value', (t) => {
  for (const [text, message] of [
    ['A=1\nB="secret-value\n', /f\.env, line 2: the value of B has no closing "/],
    ["A='secret-value\n", /line 1: the value of A has no closing '/],
    ['A=${REQUIRED:?set it}\n', /line 1: REQUIRED is required: set it/],
    ['A="x" secret-value\n', /line 1: unexpected text after the closing quote/],
    ['=secret-value\n', /line 1: expected NAME=value/],
  ] as const) {
    const error = t.throws(() => parseDotEnv(text, () => undefined, 'f.env'));
    t.true(isCidxError(error) && error.code === 'CONFIG_INVALID');
    t.regex(error!.message, message);
    t.false(error!.message.includes('secret-value'));
  }
});

test('.env: the config sees its variables while it is evaluated, set ones win, and they are gone afterwards', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-dotenv-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, '.env'), 'CIDX_T_NEW=from-file\nCIDX_T_SET=from-file\nCIDX_T_REF=${CIDX_T_SET}\n');
  process.env.CIDX_T_SET = 'from-env';
  t.teardown(() => delete process.env.CIDX_T_SET);
  const seen = await withProjectDotEnv(dir, async () => ({ ...process.env }));
  t.is(seen.CIDX_T_NEW, 'from-file');
  t.is(seen.CIDX_T_SET, 'from-env');
  t.is(seen.CIDX_T_REF, 'from-env');
  t.is(process.env.CIDX_T_NEW, undefined);
  t.is(process.env.CIDX_T_SET, 'from-env');
  // No .env: nothing happens.
  await rm(path.join(dir, '.env'));
  t.is(await withProjectDotEnv(dir, async () => process.env.CIDX_T_NEW), undefined);
});

test('.env: one that others may write is refused, as an untrusted config is', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-dotenv-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, '.env'), 'A=1\n', { mode: 0o666 });
  const { chmod } = await import('node:fs/promises');
  await chmod(path.join(dir, '.env'), 0o666);
  const error = await t.throwsAsync(withProjectDotEnv(dir, async () => undefined));
  t.true(isCidxError(error) && error.code === 'CONFIG_UNTRUSTED', String(error));
  t.regex(error!.message, /refusing to read .*\.env: it is writable by/);
});

test('envFile: later files win, env wins over them, a missing file is a config error unless optional, a change is "env changed"', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-envfile-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'a.env'), 'A=1\nB=from-a\nC=from-a\n');
  await writeFile(path.join(dir, 'b.env'), 'B=from-b\n');
  t.deepEqual(readEnvFiles(dir, 'svc', ['a.env', 'b.env', { path: 'none.env', required: false }]), { A: '1', B: 'from-b', C: 'from-a' });
  const missing = t.throws(() => readEnvFiles(dir, 'svc', ['none.env']));
  t.true(isCidxError(missing) && missing.code === 'CONFIG_INVALID' && missing.exitCode === 2);
  t.regex(missing!.message, /services\.svc\.envFile: no such file none\.env/);

  const configFile = path.join(dir, 'cidx.config.ts');
  const raw = { services: { svc: { image: 'img', envFile: ['a.env', 'b.env'], env: { C: 'from-env' } } } };
  const service = await desiredOne(raw, 'svc', { configFile });
  t.deepEqual(service.spec.env, { A: '1', B: 'from-b', C: 'from-env' });
  await writeFile(path.join(dir, 'b.env'), 'B=changed\n');
  const changed = await desiredOne(raw, 'svc', { configFile });
  t.not(changed.hash, service.hash);
  const { changedFields } = await import('../../../../core/reconcile/desired.js');
  t.deepEqual(changedFields(service.spec.labels['io.cidx.spec-digest'], changed.spec), ['env']);
  t.false(JSON.stringify(changed.spec.labels).includes('changed'), 'a value found its way into a label');
});
