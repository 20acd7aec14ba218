/**
 * A per-project lock so concurrent `cidx apply` runs (two terminals, a git
 * hook and an editor) take turns instead of racing: the second one waits,
 * then observes a converged project and has nothing to do. The lock file
 * holds the owner's pid; a lock whose owner is gone is taken over.
 */
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import pRetry from 'p-retry';
import { CidxError } from './errors.js';

export interface LockOptions {
  /** Called once if the lock is held by someone else, with their pid. */
  onWait?: (pid: number | undefined) => void;
  /** Give up after this long. Default: 10 minutes (an apply may pull images). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type Release = () => Promise<void>;

class LockBusy extends Error {}

/** A lock file with no pid in it this long after creation was left by a crash between create and write. */
const ORPHAN_MS = 5_000;

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

export async function acquireLock(file: string, options: LockOptions = {}): Promise<Release> {
  await mkdir(path.dirname(file), { recursive: true });
  let announced = false;
  const tryOnce = async (): Promise<Release> => {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = await ownerPid(file);
      if (pid === undefined ? await olderThan(file, ORPHAN_MS) : !alive(pid)) {
        await rm(file, { force: true }); // its owner died without releasing it
        throw new LockBusy('stale lock removed');
      }
      if (!announced) {
        announced = true;
        options.onWait?.(pid);
      }
      throw new LockBusy(`locked by ${pid ?? 'another process'}`);
    }
  };
  try {
    return await pRetry(tryOnce, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 25,
      maxTimeout: 250,
      factor: 1.5,
      maxRetryTime: options.timeoutMs ?? 600_000,
      signal: options.signal,
      shouldRetry: ({ error }) => error instanceof LockBusy,
    });
  } catch (error) {
    if (error instanceof LockBusy) {
      throw new CidxError('LOCKED', `another cidx process still holds ${file}`, { hint: 'Wait for it to finish, or remove the file if no cidx process is running.' });
    }
    throw error;
  }
}

async function ownerPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
