/**
 * Whether a config file may be loaded. Loading a config runs its code as the
 * user who typed `cidx`, so, like git with a repository owned by someone else
 * (`safe.directory`), cidx refuses a config that another user could have
 * written: one owned by another user (root's are fine), one writable by its
 * group (unless that is the user's private group: state-dirs.ts) or by
 * others, or one in a directory where others could swap it (writable by them
 * without the sticky bit, or owned by another user). `CIDX_TRUSTED_CONFIGS`
 * lists exceptions.
 */
import { realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { CidxError } from '../errors.js';
import { currentUser, foreignWriteBits, modeText, whoMayWrite, type Me } from '../state-dirs.js';

/** Why `file` (with its stat and its directory's) is not safe to load; undefined when it is. */
export function configTrustProblem(file: string, info: Stats, dirInfo: Stats, me: Me | undefined = currentUser()): string | undefined {
  if (me === undefined) return undefined; // no POSIX owners (Windows)
  const foreign = (owner: number) => owner !== me.uid && owner !== 0;
  if (foreign(info.uid)) return `it is owned by another user (uid ${info.uid})`;
  const fileBits = foreignWriteBits(info, me);
  if (fileBits) return `it is writable by ${whoMayWrite(fileBits)} (mode ${modeText(info.mode)})`;
  const dir = path.dirname(file);
  if (foreign(dirInfo.uid)) return `its directory ${dir} is owned by another user (uid ${dirInfo.uid}), who could replace it`;
  const dirBits = foreignWriteBits(dirInfo, me);
  if (dirBits && (dirInfo.mode & 0o1000) === 0) return `its directory ${dir} is writable by ${whoMayWrite(dirBits)} (mode ${modeText(dirInfo.mode)}), who could replace it`;
  return undefined;
}

/**
 * True when `CIDX_TRUSTED_CONFIGS` (paths separated by the platform's path
 * delimiter) names the file, a directory above it, or is `*`.
 */
export function isListedAsTrusted(file: string, list: string | undefined): boolean {
  if (!list) return false;
  const real = realOrSelf(file);
  return list.split(path.delimiter).some((entry) => {
    if (entry.trim() === '*') return true;
    if (!entry || !path.isAbsolute(entry)) return false;
    const allowed = realOrSelf(path.resolve(entry));
    return real === allowed || real.startsWith(allowed.endsWith(path.sep) ? allowed : allowed + path.sep);
  });
}

/** Throws CONFIG_UNTRUSTED unless `file` is safe to load or listed in CIDX_TRUSTED_CONFIGS. */
export function assertTrustedConfig(file: string, info: Stats, env: NodeJS.ProcessEnv = process.env): void {
  const problem = configTrustProblem(file, info, statSync(path.dirname(file)));
  if (!problem || isListedAsTrusted(file, env.CIDX_TRUSTED_CONFIGS)) return;
  throw new CidxError('CONFIG_UNTRUSTED', `refusing to load ${file}: ${problem}, and loading a config runs its code as you`, {
    hint:
      `If you trust it, make it yours and writable by you only (e.g. \`chmod go-w ${file}\`, or \`chown\`), ` +
      `or allow it: CIDX_TRUSTED_CONFIGS=${file} (paths separated by "${path.delimiter}"; a directory allows the configs below it; "*" allows all).`,
  });
}

function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
