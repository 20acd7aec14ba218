/**
 * The `cidx` command. Parses arguments, runs one command, and turns what it
 * throws into output and an exit code in one place: commands never exit.
 * Each command declares what it accepts (cli/commands/index.ts) and is
 * imported only when it runs, so `--help` starts in milliseconds.
 */
import { createRequire } from 'node:module';
import { CidxError, ExitCode, isCidxError } from '../core/errors.js';
import { messages } from './messages.js';
import { parseCommandLine } from './parse.js';
import { logLine } from './progress.js';
import { styler } from './style.js';
import { commandHelp, overview } from './usage.js';

export async function main(argv: string[]): Promise<number> {
  // Hidden, for shell completion (cli-verbs): before parsing, since it is handed half-typed command lines.
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
    const line = parseCommandLine(argv);
    if (line.kind === 'version') {
      process.stdout.write(`${(createRequire(import.meta.url)('../../package.json') as { version: string }).version}\n`);
      return ExitCode.ok;
    }
    if (line.kind === 'help' || line.kind === 'none') {
      process.stdout.write(`${line.kind === 'help' && line.command ? commandHelp(line.command) : overview()}\n`);
      return line.kind === 'none' ? ExitCode.usage : ExitCode.ok;
    }
    const runtime = line.options.runtime;
    if (typeof runtime === 'string' && !/^[a-z][a-z0-9-]*$/.test(runtime)) {
      throw new CidxError('USAGE', `--runtime expects docker, podman or auto, got "${runtime}"`);
    }
    const command = await line.spec.load();
    return await command({
      command: line.command,
      options: { ...line.options, debug },
      args: line.args,
      signal: controller.signal,
      // Through the progress renderer: a note while apply draws must not garble its live lines.
      log: logLine,
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
