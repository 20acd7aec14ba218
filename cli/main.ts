/**
 * The `cidx` command. Parses arguments, runs one command, and turns what it
 * throws into output and an exit code in one place: commands never exit.
 * Heavy modules are imported per command, so `--help` starts in milliseconds.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { CidxError, ExitCode, isCidxError } from '../core/errors.js';
import type { CommandContext } from './context.js';
import { messages } from './messages.js';
import { OPTIONS, valueOptionSpellings } from './options.js';
import { splitTrailingCommand } from './trailing-command.js';
import { styler } from './style.js';

type Command = (context: CommandContext) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  apply: async () => (await import('./commands/apply.js')).apply,
  plan: async () => (await import('./commands/plan.js')).plan,
  status: async () => (await import('./commands/status.js')).status,
  down: async () => (await import('./commands/down.js')).down,
  prune: async () => (await import('./commands/prune.js')).prune,
  port: async () => (await import('./commands/port.js')).port,
  env: async () => (await import('./commands/env.js')).env,
  logs: async () => (await import('./commands/logs.js')).logs,
  init: async () => (await import('./commands/init.js')).init,
  doctor: async () => (await import('./commands/doctor.js')).doctor,
  exec: async () => (await import('./commands/exec.js')).exec,
  run: async () => (await import('./commands/run.js')).run,
  pull: async () => (await import('./commands/pull.js')).pull,
  config: async () => (await import('./commands/config.js')).config,
  completion: async () => (await import('./commands/completion.js')).completion,
  'setup-global-registry': async () => async () => {
    throw new CidxError('LEGACY_COMMAND', messages.legacyRegistry);
  },
};

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (error) {
    throw new CidxError('USAGE', (error as Error).message.replace(/\. To specify.*$/s, ''));
  }
}

export async function main(argv: string[]): Promise<number> {
  // Hidden, for shell completion: before parsing, since it is handed half-typed command lines.
  if (argv[0] === '__complete') return (await import('./commands/complete.js')).complete(argv.slice(1));
  const debug = argv.includes('--debug') || process.env.CIDX_DEBUG === '1';
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130); // a second Ctrl-C means "now"
    // Like Terraform: a runtime call in flight (a `run` may be pulling an image) is left to finish,
    // so no half-made container is left behind; nothing new is started after it.
    const now = signal === 'SIGINT' ? 'press Ctrl-C again to quit now' : 'signal again to quit now';
    process.stderr.write(`\n${signal}: stopping once the runtime calls in flight return (${now})…\n`);
    controller.abort(new CidxError('INTERRUPTED', messages.interrupted));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // exec and run end with another program's command line: cidx parses only what comes before it.
    const split = splitTrailingCommand(argv, valueOptionSpellings());
    const { values, positionals } = parse(split.own);
    if (values.version) {
      process.stdout.write(`${(createRequire(import.meta.url)('../../package.json') as { version: string }).version}\n`);
      return ExitCode.ok;
    }
    const [name, ...own] = positionals;
    const args = [...own, ...split.trailing];
    const topic = name === 'help' ? args[0] : name;
    if (values.help || name === 'help') {
      // Own entries only: `cidx help constructor` is an unknown command, not Object's constructor.
      const help = topic && Object.hasOwn(messages.commandHelp, topic) ? messages.commandHelp[topic] : undefined;
      if (topic && !help) throw new CidxError('USAGE', `unknown command "${topic}"`);
      process.stdout.write(`${help ?? messages.usage}\n`);
      return ExitCode.ok;
    }
    if (!name) {
      process.stdout.write(`${messages.usage}\n`);
      return ExitCode.usage;
    }
    const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) throw new CidxError('USAGE', `unknown command "${name}"`);
    if (values.runtime && !/^[a-z][a-z0-9-]*$/.test(values.runtime)) {
      throw new CidxError('USAGE', `--runtime expects docker, podman or auto, got "${values.runtime}"`);
    }
    const command = await load();
    return await command({
      options: {
        config: values.config,
        runtime: values.runtime,
        json: values.json,
        volumes: values.volumes,
        dryRun: values['dry-run'],
        debug,
        format: values.format,
        tail: values.tail,
        follow: values.follow,
        force: values.force,
        user: values.user,
        env: values.env,
        workdir: values.workdir,
        down: values.down,
        pull: values.pull,
        showSecrets: values['show-secrets'],
      },
      args,
      signal: controller.signal,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    // Once interrupted, whatever failed afterwards failed because of the interruption: say so.
    const reported = controller.signal.aborted ? controller.signal.reason : error;
    return reportError(reported, debug);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function reportError(error: unknown, debug: boolean): number {
  const err = styler(process.stderr);
  if (isCidxError(error)) {
    const lines = [`${err('red', `error[${error.code}]`)} ${error.message}`, ...error.details.map((line) => `  ${line}`)];
    if (error.hint) lines.push(err('dim', `hint: ${error.hint}`));
    if (debug && error.stack) lines.push(error.stack, ...(error.cause instanceof Error && error.cause.stack ? [`cause: ${error.cause.stack}`] : []));
    process.stderr.write(`${lines.join('\n')}\n`);
    return error.exitCode;
  }
  const internal = error instanceof Error ? error : new Error(String(error));
  const lines = [`${err('red', 'error[INTERNAL]')} ${internal.message}`, err('dim', 'hint: this is a bug in cidx or a plugin; please report it with this output.')];
  lines.push(internal.stack ?? '');
  process.stderr.write(`${lines.join('\n')}\n`);
  return ExitCode.failure;
}
