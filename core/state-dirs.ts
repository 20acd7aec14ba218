/**
 * Where cidx may write outside a project: the user's cache directory only.
 * Never a system path, never anything needing root.
 *
 * What is read back from the cache steers what cidx runs (a V8 code cache is
 * executed, a validated-config entry decides which containers start), so a
 * cache directory is used only when nobody else can write to it: owned by
 * this user (or root) and not writable by group or others. Directories cidx
 * creates are 0700, and its files 0600 (core/atomic-write.ts).
 *
 * `CIDX_CACHE_DIR` may name a directory that holds other things (`$HOME`,
 * a shared cache). cidx deletes stale entries only in a cache root carrying
 * its own CACHEDIR.TAG, which it writes only into a root it created, found
 * empty, or at its default location (a directory named for cidx).
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CidxError } from './errors.js';

/** `$CIDX_CACHE_DIR`, else `$XDG_CACHE_HOME/cidx`, else the platform's user cache dir. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CIDX_CACHE_DIR) return path.resolve(env.CIDX_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'cidx');
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'cidx');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'cidx', 'Cache');
  return path.join(home, '.cache', 'cidx');
}

/** The marker file: the cachedir.org convention, so backup tools skip the cache too. */
export const CACHE_MARKER = 'CACHEDIR.TAG';
const MARKER_TEXT =
  'Signature: 8a477f597d28d172789f06886806bc55\n' +
  '# This file is a cache directory tag created by cidx.\n' +
  '# cidx deletes its own stale files in this directory; it never deletes anything it did not create.\n';

const PRIVATE = 0o700;

/** Who runs cidx: the user and primary group ids, undefined without POSIX owners (Windows). */
export interface Me {
  uid: number;
  gid: number;
}

export function currentUser(): Me | undefined {
  return process.getuid && process.getgid ? { uid: process.getuid(), gid: process.getgid() } : undefined;
}

/**
 * The write bits of `info` that let someone else write: others always; the
 * group unless it is the user's private group. Most Linux distributions give
 * each user a group of their own (same name and, by convention, the same
 * number) and a umask of 002, so every file a user creates is group-writable
 * by nobody but them. Root gets no such allowance: group 0 is shared.
 */
export function foreignWriteBits(info: Pick<Stats, 'mode' | 'gid'>, me: Me): number {
  const privateGroup = me.uid !== 0 && info.gid === me.gid && me.gid === me.uid;
  return info.mode & (privateGroup ? 0o002 : 0o022);
}

/** Why `info` (a directory's stat) is not safe to read code or verdicts from; undefined when it is. */
export function dirTrustProblem(dir: string, info: Stats, me: Me | undefined = currentUser()): string | undefined {
  if (!info.isDirectory()) return `${dir} is not a directory`;
  if (me === undefined) return undefined; // no POSIX owners (Windows): nothing to compare
  if (info.uid !== me.uid && info.uid !== 0) return `${dir} is owned by another user (uid ${info.uid})`;
  const bits = foreignWriteBits(info, me);
  if (bits) return `${dir} is writable by ${whoMayWrite(bits)} (mode ${modeText(info.mode)})`;
  return undefined;
}

export function whoMayWrite(mode: number): string {
  return [mode & 0o020 ? 'its group' : '', mode & 0o002 ? 'other users' : ''].filter(Boolean).join(' and ');
}

export function modeText(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

export interface CacheDirResult {
  /** The directory, ready to use; undefined when it must not be used. */
  dir?: string;
  /** Why not, for an error or `cidx doctor`. */
  problem?: string;
}

const memo = new Map<string, CacheDirResult>();

/**
 * The cache subdirectory `name` (e.g. 'code', 'validated'), created 0700 when
 * missing. No `dir` when the cache root or the subdirectory is unsafe or
 * cannot be created: speed caches then run without a cache. Checked once per
 * process: a few `stat`s, cheap enough for `cidx port`.
 */
export function privateCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): CacheDirResult {
  const root = cacheDir(env);
  const key = `${root}\0${name}`;
  let result = memo.get(key);
  if (!result) {
    result = openCacheDir(root, name, env);
    memo.set(key, result);
  }
  return result;
}

/** Like `privateCacheDir`, for a directory a command cannot do without (locks): throws CACHE_UNTRUSTED instead. */
export function requirePrivateCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const { dir, problem } = privateCacheDir(name, env);
  if (dir) return dir;
  throw new CidxError('CACHE_UNTRUSTED', `cidx cannot use its cache directory: ${problem}`);
}

/** True when the cache root carries cidx's own marker: only then are stale entries deleted. */
export function isOwnCache(root: string = cacheDir()): boolean {
  try {
    return readFileSync(path.join(root, CACHE_MARKER), 'utf8').includes('created by cidx');
  } catch {
    return false;
  }
}

function openCacheDir(root: string, name: string, env: NodeJS.ProcessEnv): CacheDirResult {
  try {
    const rootProblem = openRoot(root, env);
    if (rootProblem) return { problem: rootProblem };
    const dir = path.join(root, name);
    try {
      mkdirSync(dir, { mode: PRIVATE });
      return { dir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const info = statSync(dir);
    const problem = dirTrustProblem(dir, info);
    if (problem) return { problem };
    // Made by an older cidx under the process umask (0755): tighten it, but only in a root that is ours.
    if ((info.mode & 0o077) !== 0 && process.getuid?.() === info.uid && isOwnCache(root)) chmodSync(dir, PRIVATE);
    return { dir };
  } catch (error) {
    return { problem: `${root}: ${(error as Error).message}` };
  }
}

function openRoot(root: string, env: NodeJS.ProcessEnv): string | undefined {
  let info: Stats;
  try {
    info = statSync(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(root, { recursive: true, mode: PRIVATE });
    writeMarker(root);
    return undefined;
  }
  const problem = dirTrustProblem(root, info);
  if (problem) return problem;
  if (!existsSync(path.join(root, CACHE_MARKER))) {
    // An empty directory, or the default location (its name is ours): adopt it. Anything else may hold the user's files.
    const adopt = !env.CIDX_CACHE_DIR || readdirSync(root).length === 0;
    if (adopt) {
      writeMarker(root);
      if ((info.mode & 0o077) !== 0 && process.getuid?.() === info.uid) chmodSync(root, PRIVATE);
    }
  }
  return undefined;
}

function writeMarker(root: string): void {
  try {
    writeFileSync(path.join(root, CACHE_MARKER), MARKER_TEXT, { mode: 0o600, flag: 'wx' });
  } catch {
    // Another cidx wrote it first, or the root is read-only: either way nothing to do.
  }
}

/** For tests: forget what was checked, as a new process would. */
export function resetCacheDirMemo(): void {
  memo.clear();
}

/** Which of cidx's own files in a cache subdirectory are stale: an exact name pattern and an age. */
export interface StaleRule {
  name: RegExp;
  /** Removed once its mtime is older than this; 0: as soon as it is seen. */
  olderThanMs: number;
}

/**
 * Removes, one by one, the regular files in `dir` that match a rule, and only
 * in a cache root marked as cidx's own. Never recursive, never a directory,
 * never a name cidx does not write. Returns how many were removed; failures
 * (a file another process removed first) are ignored: a cache never fails a command.
 */
export function removeStaleFiles(dir: string, rules: StaleRule[], root: string = cacheDir()): number {
  if (!isOwnCache(root)) return 0;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const now = Date.now();
  const uid = process.getuid?.();
  for (const name of names) {
    const rule = rules.find((candidate) => candidate.name.test(name));
    if (!rule) continue;
    try {
      const file = path.join(dir, name);
      const info = lstatSync(file);
      if (!info.isFile() || (uid !== undefined && info.uid !== uid) || now - info.mtimeMs < rule.olderThanMs) continue;
      unlinkSync(file);
      removed++;
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}
