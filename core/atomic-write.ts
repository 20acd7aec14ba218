/**
 * Writes that a concurrent reader (another cidx process) sees whole or not
 * at all: write a temp file beside the target, then rename it over. A failed
 * write leaves neither a half file nor the temp file behind.
 *
 * Everything cidx writes is private to the user: files 0600, directories it
 * creates 0700. The temp file is created exclusively (`wx`), so a file or
 * link planted under its name is never written through.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const tempFor = (file: string) => `${file}.${randomUUID().slice(0, 8)}.tmp`;
/** Names `tempFor` gives: stale-entry cleanups may remove these (a crash between write and rename). */
export const TEMP_SUFFIX = /\.[0-9a-f]{8}\.tmp$/;
const FILE = { mode: 0o600, flag: 'wx' } as const;
const DIR = { recursive: true, mode: 0o700 } as const;

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), DIR);
  const temp = tempFor(file);
  try {
    await writeFile(temp, data, FILE);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** For the launcher, which runs before any event loop work is worth starting. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), DIR);
  const temp = tempFor(file);
  try {
    writeFileSync(temp, data, FILE);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
