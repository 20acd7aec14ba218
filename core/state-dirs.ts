/**
 * Where cidx may write outside a project: the user's cache directory only.
 * Never a system path, never anything needing root.
 */
import os from 'node:os';
import path from 'node:path';

/** `$CIDX_CACHE_DIR`, else `$XDG_CACHE_HOME/cidx`, else the platform's user cache dir. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CIDX_CACHE_DIR) return path.resolve(env.CIDX_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, 'cidx');
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'cidx');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'cidx', 'Cache');
  return path.join(home, '.cache', 'cidx');
}
