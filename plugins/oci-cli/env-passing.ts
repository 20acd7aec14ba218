/**
 * How a service's environment reaches the engine CLI's `run` without
 * any value appearing in an argv: every local user can read a process's
 * argv (`ps`, /proc/PID/cmdline) for as long as it runs, and a `run` that
 * pulls runs for minutes.
 *
 * Values go in an env file the CLI reads from its stdin (`--env-file
 * /dev/stdin`). Node gives a child a socket, not a pipe, for stdin, and
 * /dev/stdin cannot be opened on a socket (ENXIO); a named pipe would block
 * the CLI's open once cidx closed its end. So stdin is a file: 0600, in a
 * 0700 directory in RAM (/dev/shm where there is one), unlinked before the
 * CLI starts, so no name leads to it and the memory goes with the last
 * descriptor. The OCI CLIs read that format the same
 * way (checked on the two built-in engines' CLIs): one `NAME=value` per line,
 * the value taken verbatim after the first `=` (quotes, `$`, `#`, spaces and
 * further `=` kept), leading blanks of the line dropped, `#` lines skipped.
 * It cannot carry a line break or a trailing carriage return, a name with
 * blanks or a leading `#` (Docker refuses it), nor a line over 64 KiB (Go's
 * line scanner). Those few variables go as `--env NAME` with the value in the
 * CLI's own environment instead, which carries any value; but the CLI reads
 * its environment too, so a name that steers it (HOME, PATH, a proxy, the
 * engine's own host variable: the dialect's `cliEnvNames`) cannot go that way
 * and is refused rather than put in an argv.
 */
import { constants, openSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CidxError } from '../../core/errors.js';

export interface PassedEnv {
  /** Arguments for `run`: `--env-file /dev/stdin`, `--env NAME`; never a value. */
  args: string[];
  /** The env file, for the CLI's stdin; undefined when there is none. */
  input: string | undefined;
  /** Variables to add to the CLI's own environment (only for `--env NAME`). */
  cliEnv: Record<string, string>;
}

/** Go's bufio.Scanner stops at 64 KiB a line; stay clear of it. */
const MAX_LINE_BYTES = 60 * 1024;

/**
 * Names any engine CLI reads from its own environment: the process's basics,
 * a Go runtime's, the dynamic linker's, ssh's (remote engines), proxies.
 * Each engine's own variables come from its dialect (`cliEnvNames`).
 */
const STEERS_CLI =
  /^(HOME|PATH|USER|LOGNAME|SHELL|TMPDIR|TZ|LANG|LANGUAGE|NOTIFY_SOCKET|GODEBUG|GOGC|GOMAXPROCS|GOMEMLIMIT|GOTRACEBACK|GOROOT)$|^(XDG|LD|SSH|LC|DBUS|GCONV|MALLOC)_|^(HTTPS?|NO|ALL|FTP)_PROXY$/i;

/** True when the env file carries this variable exactly. */
export function fitsEnvFile(name: string, value: string): boolean {
  return /^[^\s#][^\s]*$/.test(name) && !/[\r\n]/.test(value) && Buffer.byteLength(`${name}=${value}`) < MAX_LINE_BYTES;
}

/**
 * `runtime` names the engine in messages; `cliEnvNames` are the names its CLI reads besides the shared ones.
 * `envFile` is where the CLI finds the file: its stdin by default, `/dev/fd/3` for an `exec` whose stdin is the user's.
 */
export function passEnv(env: Record<string, string>, runtime: string, cliEnvNames?: RegExp, envFile = '/dev/stdin'): PassedEnv {
  const lines: string[] = [];
  const args: string[] = [];
  const cliEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (fitsEnvFile(name, value)) {
      lines.push(`${name}=${value}`);
      continue;
    }
    if (STEERS_CLI.test(name) || cliEnvNames?.test(name)) {
      throw new CidxError('CONFIG_INVALID', `env ${name}: this value cannot be handed to ${runtime} without showing it to every local user`, {
        details: [
          `a value with a line break (or a name with blanks) can only reach ${runtime} through its own environment,`,
          `where ${name} would change what ${runtime} itself does; cidx never puts a value in a command line.`,
        ],
        hint: 'Use another variable name, or put the value in a file the container reads (a volume) and pass its path.',
      });
    }
    args.push('--env', name);
    cliEnv[name] = value;
  }
  if (lines.length) args.unshift('--env-file', envFile);
  return { args, input: lines.length ? `${lines.join('\n')}\n` : undefined, cliEnv };
}

/**
 * A read descriptor of a file holding `content`, for a child's stdin; the
 * file has no name left when this resolves. The caller closes the descriptor.
 */
export async function unlinkedFile(content: string): Promise<number> {
  const dir = await mkdtemp(path.join('/dev/shm', 'cidx-')).catch(() => mkdtemp(path.join(tmpdir(), 'cidx-')));
  try {
    const file = path.join(dir, 'env');
    await writeFile(file, content, { mode: 0o600, flag: 'wx' });
    return openSync(file, constants.O_RDONLY);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
