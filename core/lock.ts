/**
 * A per-project lock so concurrent cidx runs on one project (two terminals,
 * a git hook and an editor) take turns instead of racing: the second one
 * waits, then observes a converged project and has nothing to do.
 *
 * The lock file holds its owner's token: a random id, pid, host and the
 * process's start time. It is written whole before it becomes the lock (a
 * temp file `link()`ed to the lock path, which fails if the path exists), so
 * a reader never sees a half-written one. A lock is stale when its owner is
 * gone: no such pid on this host, or the pid now belongs to a process that
 * started at another time (the pid was reused). A stale lock is taken over
 * by renaming it to a name of the taker's own, so of two takers only one
 * gets it; the taker then checks it moved the very file it judged stale. A
 * release removes the lock only while it still holds the releaser's token.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
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

/** Who holds a lock. `start` is the process's start time where the OS tells it (Linux), else undefined. */
export interface LockOwner {
  id: string;
  pid: number;
  host: string;
  start: string | undefined;
}

class LockBusy extends Error {
  constructor(readonly holder: LockOwner | undefined) {
    super('lock busy');
  }
}

/** A lock file with no owner in it this long after creation was left by an earlier cidx that crashed between create and write. */
const ORPHAN_MS = 5_000;

/**
 * When a process started, in clock ticks since boot (field 22 of
 * /proc/<pid>/stat): with the pid, it names one process, even after the pid
 * is reused. Undefined where there is no /proc, or no such process.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(): LockOwner {
  return { id: randomUUID(), pid: process.pid, host: os.hostname(), start: processStart(process.pid) };
}

/** The owner a lock file names; a bare pid is the format of earlier versions. Undefined when it names none. */
export function parseOwner(text: string): LockOwner | undefined {
  if (/^\d+\s*$/.test(text)) {
    const pid = Number.parseInt(text, 10);
    return pid > 0 ? { id: `pid:${pid}`, pid, host: os.hostname(), start: undefined } : undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner> | null;
    if (parsed && typeof parsed.id === 'string' && Number.isInteger(parsed.pid) && typeof parsed.host === 'string') {
      return { id: parsed.id, pid: parsed.pid!, host: parsed.host, start: typeof parsed.start === 'string' ? parsed.start : undefined };
    }
  } catch {
    // not a lock file cidx wrote
  }
  return undefined;
}

/** Alive: on this host, a process with that pid exists and, where both are known, started when the owner did. */
export function ownerAlive(holder: LockOwner, host = os.hostname()): boolean {
  // Another machine sharing this cache dir: its processes cannot be seen from here.
  if (holder.host !== host) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.start === undefined) return true;
  const start = processStart(holder.pid);
  return start === undefined || start === holder.start;
}

export async function acquireLock(file: string, options: LockOptions = {}): Promise<Release> {
  const me = currentOwner();
  const token = JSON.stringify(me);
  await unwritable(file, () => mkdir(path.dirname(file), { recursive: true, mode: 0o700 }));
  const temp = `${file}.${me.id}.tmp`;
  await unwritable(file, () => writeFile(temp, token, { mode: 0o600 }));
  let announced = false;
  const tryOnce = async (): Promise<Release> => {
    try {
      await createWhole(temp, file, token);
      return () => releaseLock(file, token);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw lockDirError(file, error);
    }
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) throw new LockBusy(undefined); // released meanwhile: try again
    const holder = parseOwner(text);
    if (holder === undefined ? await olderThan(file, ORPHAN_MS) : !ownerAlive(holder)) {
      await takeOver(file, text, me.id);
      throw new LockBusy(holder); // try again, on equal terms with anyone else
    }
    if (!announced) {
      announced = true;
      options.onWait?.(holder?.pid);
    }
    throw new LockBusy(holder);
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
      const who = error.holder ? `pid ${error.holder.pid} on ${error.holder.host}` : 'another process';
      throw new CidxError('LOCKED', `another cidx process (${who}) still holds ${file}`, {
        hint: 'Wait for it to finish. If no cidx process is running there, remove the file.',
      });
    }
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Moves the stale lock out of the way under a name only this process uses,
 * then checks that what it moved is what it judged stale. If another taker
 * was quicker and a live owner's lock was moved instead, it is put back at
 * once (link fails rather than overwrite, should a third process have taken
 * the free path meanwhile: then both live owners keep their files' claims).
 */
export async function takeOver(file: string, judged: string, takerId: string): Promise<void> {
  const aside = `${file}.${takerId}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it
    throw lockDirError(file, error);
  }
  try {
    const moved = await readFile(aside, 'utf8').catch(() => undefined);
    if (moved !== undefined && moved !== judged) await link(aside, file).catch(() => undefined);
  } finally {
    await rm(aside, { force: true });
  }
}

/** Creates `file` with `token` in it, or fails with EEXIST: a link of the finished temp file where the file system has links. */
async function createWhole(temp: string, file: string, token: string): Promise<void> {
  try {
    await link(temp, file);
  } catch (error) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    // No hard links here (some network and FUSE file systems): exclusive create, then write.
    // A reader may see it empty for a moment, which counts as held (see ORPHAN_MS).
    await writeFile(file, token, { flag: 'wx', mode: 0o644 });
  }
}

/** Removes the lock only while it is still ours: a lock taken over from us is someone else's now. */
async function releaseLock(file: string, token: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === token) await rm(file, { force: true });
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

async function unwritable<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw lockDirError(file, error);
  }
}

/** A lock directory cidx cannot write is the user's to fix, not a bug: say where and how. */
function lockDirError(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOSPC', 'EDQUOT', 'EEXIST', 'ENOENT', 'EISDIR'].includes(code)) return error;
  return new CidxError('LOCK_DIR_UNWRITABLE', `cannot write the project lock ${file}: ${(error as Error).message}`, { cause: error });
}
