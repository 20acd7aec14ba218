/**
 * Watching every process's argv while cidx works: the proof that a secret
 * never reaches a command line. `/proc/<pid>/cmdline` is what `ps` shows
 * anyone on the machine.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Every process's command line holding `needle`, as "pid: argv", and how many `run`s of cidx's were in flight. */
export async function cmdlinesHolding(needle: string): Promise<{ hits: string[]; runs: number }> {
  const hits: string[] = [];
  let runs = 0;
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const text = (await readFile(`/proc/${pid}/cmdline`).catch(() => Buffer.alloc(0))).toString('utf8');
    if (text.includes(needle)) hits.push(`${pid}: ${text.split('\0').join(' ')}`);
    if (/\0run\0-d\0--name\0cidx-/.test(text)) runs++;
  }
  return { hits, runs };
}

export interface ArgvWatch<T> {
  result: T;
  /** Command lines that held the needle while `work` ran. */
  leaks: string[];
  /** How many times a `run` of cidx's was seen in flight: 0 means the watch proves nothing. */
  runsSeen: number;
}

/** Polls every process's argv for `needle` until `work` settles. */
export async function watchArgv<T>(needle: string, work: Promise<T>): Promise<ArgvWatch<T>> {
  let done = false;
  const leaks = new Set<string>();
  let runsSeen = 0;
  const watching = (async () => {
    while (!done) {
      const { hits, runs } = await cmdlinesHolding(needle);
      for (const hit of hits) leaks.add(hit);
      runsSeen += runs;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    return { result: await work, leaks: [...leaks], runsSeen };
  } finally {
    done = true;
    await watching;
  }
}
