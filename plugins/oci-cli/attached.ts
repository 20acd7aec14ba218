/**
 * The engine CLI calls a user watches: `exec` attached to the user's terminal
 * (`cidx exec`) and `pull` with its progress streamed (`cidx pull`, apply's
 * pull phase). Kept apart from cli-runtime.ts, whose calls run captured.
 *
 * Still argv arrays to execa, no shell; still no env value in an argv: an
 * `exec`'s stdin is the user's, so its env file comes as descriptor 3
 * (`--env-file /dev/fd/3`), an unlinked file like `run`'s (env-passing.ts).
 */
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import { CidxError } from '../../core/errors.js';
import type { InteractiveExecOptions, PullOptions } from '../../core/runtime.js';
import type { Dialect } from './dialect.js';
import { passEnv, unlinkedFile } from './env-passing.js';
import { classifyFailure } from './failures.js';

export interface AttachedCli {
  dialect: Dialect;
  binary: string;
  env: NodeJS.ProcessEnv;
}

/** The descriptor an exec's env file is handed on: 0-2 are the user's terminal. */
const ENV_FD = 3;

export async function execAttached(cli: AttachedCli, id: string, command: string[], options: InteractiveExecOptions): Promise<number> {
  const { execa } = await import('execa');
  const passed = passEnv(options.env ?? {}, cli.dialect.name, cli.dialect.cliEnvNames, `/dev/fd/${ENV_FD}`);
  const args = ['exec', '--interactive'];
  if (options.tty) args.push('--tty');
  if (options.user !== undefined) args.push('--user', options.user);
  if (options.workdir !== undefined) args.push('--workdir', options.workdir);
  args.push(...passed.args, id, ...command);
  const envFd = passed.input === undefined ? 'ignore' : await unlinkedFile(passed.input);
  try {
    // Not detached: the command belongs to the terminal's foreground group, so it may read the
    // terminal and Ctrl-C reaches it (with a TTY the engine passes it into the container).
    const result = await execa(cli.binary, args, {
      reject: false,
      env: Object.keys(passed.cliEnv).length ? { ...cli.env, ...passed.cliEnv } : cli.env,
      extendEnv: false,
      stdio: ['inherit', 'inherit', 'inherit', envFd as 'ignore'], // a descriptor; execa's types name only some
    });
    const spawnError = (result as { code?: string }).code;
    if (spawnError === 'ENOENT') throw classify(cli, args, '', spawnError);
    return result.exitCode ?? signalExitCode(result.signal);
  } finally {
    if (typeof envFd === 'number') closeSync(envFd);
  }
}

/** `pull`, its stdout and stderr handed over line by line as they come (both engines print progress, on either). */
export async function pullAttached(cli: AttachedCli, image: string, options: PullOptions): Promise<void> {
  options.signal?.throwIfAborted();
  const { execa } = await import('execa');
  const args = ['pull', image];
  const child = execa(cli.binary, args, {
    reject: false,
    env: cli.env,
    extendEnv: false,
    stdin: 'ignore',
    // Own process group: Ctrl-C is cidx's to handle (it ends the pull through `signal`).
    detached: true,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    forceKillAfterDelay: 1_000,
  });
  const stderr: string[] = [];
  const feed = (keep: boolean) => {
    let partial = '';
    return (chunk: Buffer | string) => {
      // A terminal-less engine ends progress lines with \n; some redraw with \r: both end a line.
      const parts = (partial + String(chunk)).split(/\r?\n|\r/);
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (keep) stderr.push(line);
        if (line.trim()) options.onLine?.(line);
      }
    };
  };
  child.stdout?.on('data', feed(false));
  child.stderr?.on('data', feed(true));
  const result = await child;
  if (options.signal?.aborted) throw options.signal.reason;
  if (!result.failed) return;
  const output = stderr.join('\n') || String(result.stderr ?? '') || (result.message ?? '');
  throw classify(cli, args, output, (result as { code?: string }).code, image, Boolean(result.timedOut));
}

function classify(cli: AttachedCli, args: string[], stderr: string, spawnError: string | undefined, image?: string, timedOut = false): CidxError {
  return classifyFailure(
    {
      runtime: cli.dialect.name,
      binary: cli.binary,
      args,
      what: `${cli.dialect.name} ${args[0]}`,
      image,
      stderr,
      spawnError,
      timedOut,
      address: cli.dialect.engineAddress(cli.env),
    },
    cli.dialect.errors,
  );
}

/** A shell's convention for a command ended by a signal: 128 + its number. */
function signalExitCode(signal: string | undefined): number {
  const number = signal ? (constants.signals as Record<string, number>)[signal] : undefined;
  return number ? 128 + number : 1;
}
