import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { hasCode } from '../../../core/errors.js';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { acquireLock, currentOwner, ownerAlive, parseOwner, processStart, takeOver, type LockOwner } from '../../../core/lock.js';

async function lockDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-lock-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A lock file left by this very pid, but by a process that started at another time: the pid was reused. */
function reusedPidOwner(): LockOwner {
  return { id: 'gone-owner', pid: process.pid, host: os.hostname(), start: '1' };
}

test('the lock file holds a whole owner token (id, pid, host, start time); release removes it and leaves no temp file', async (t) => {
  const dir = await lockDir(t);
  const file = path.join(dir, 'locks', 'p.lock');
  const release = await acquireLock(file);
  const owner = parseOwner(await readFile(file, 'utf8'));
  t.like(owner, { pid: process.pid, host: os.hostname() });
  t.regex(owner!.id, /^[0-9a-f-]{36}$/);
  if (process.platform === 'linux') t.is(owner!.start, processStart(process.pid));
  t.deepEqual(await readdir(path.dirname(file)), ['p.lock']);
  await release();
  t.deepEqual(await readdir(path.dirname(file)), []);
});

test('a second acquirer waits while the first holds the lock, and gets it once released', async (t) => {
  const file = path.join(await lockDir(t), 'p.lock');
  const release = await acquireLock(file);
  let waiting!: (pid: number | undefined) => void;
  const waitedFor = new Promise<number | undefined>((resolve) => (waiting = resolve));
  const second = acquireLock(file, { onWait: waiting });
  t.is(await waitedFor, process.pid);
  await release();
  const releaseSecond = await second;
  t.is(parseOwner(await readFile(file, 'utf8'))?.pid, process.pid);
  await releaseSecond();
});

test('a lock naming a live pid whose process started at another time is stale: the pid was reused', async (t) => {
  t.true(process.platform === 'linux', 'process start times come from /proc');
  const file = path.join(await lockDir(t), 'p.lock');
  await writeFile(file, JSON.stringify(reusedPidOwner()));
  t.false(ownerAlive(reusedPidOwner()));
  const release = await acquireLock(file, { timeoutMs: 30_000 });
  t.is(parseOwner(await readFile(file, 'utf8'))?.pid, process.pid);
  await release();
});

test('a lock naming a live pid with its own start time is held: LOCKED once the wait times out, naming the holder', async (t) => {
  const file = path.join(await lockDir(t), 'p.lock');
  const holder = { ...currentOwner(), id: 'someone-else' };
  await writeFile(file, JSON.stringify(holder));
  const error = await t.throwsAsync(acquireLock(file, { timeoutMs: 300 }));
  t.true(hasCode(error, 'LOCKED'), String(error));
  t.regex(error!.message, new RegExp(`pid ${process.pid} on ${os.hostname()}`));
  t.is(parseOwner(await readFile(file, 'utf8'))?.id, 'someone-else', 'a live lock was taken over');
});

test("a lock of another host is never judged stale: its processes can't be seen from here", (t) => {
  t.true(ownerAlive({ id: 'x', pid: 999_999_999, host: 'elsewhere', start: undefined }));
  t.false(ownerAlive({ id: 'x', pid: 999_999_999, host: os.hostname(), start: undefined }));
});

test('takeovers of one stale lock at once: never two holders at a time, and each gets its turn', async (t) => {
  const dir = await lockDir(t);
  for (let round = 0; round < 10; round++) {
    const file = path.join(dir, `round-${round}.lock`);
    await writeFile(file, JSON.stringify(reusedPidOwner()));
    let holders = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await acquireLock(file, { timeoutMs: 60_000 });
        most = Math.max(most, ++holders);
        await new Promise((resolve) => setTimeout(resolve, 5));
        holders--;
        await release();
      }),
    );
    t.is(most, 1, `round ${round}: ${most} held the lock at once`);
  }
  t.deepEqual(await readdir(dir), [], 'temp and stale files were left behind');
});

test('release does not remove a lock someone else holds now', async (t) => {
  const file = path.join(await lockDir(t), 'p.lock');
  const release = await acquireLock(file);
  // Judged stale and taken over (say this process was stopped for a long time): the file is another owner's now.
  const next = JSON.stringify({ ...currentOwner(), id: 'next-owner' });
  await rm(file);
  await writeFile(file, next);
  await release();
  t.is(await readFile(file, 'utf8'), next);
});

test('a lock file of an earlier version (a bare pid) is honoured: held while that pid lives, taken over once it is gone', async (t) => {
  const dir = await lockDir(t);
  const live = path.join(dir, 'live.lock');
  await writeFile(live, `${process.pid}\n`);
  t.true(hasCode(await t.throwsAsync(acquireLock(live, { timeoutMs: 200 })), 'LOCKED'));
  const dead = path.join(dir, 'dead.lock');
  await writeFile(dead, '999999999\n');
  const release = await acquireLock(dead, { timeoutMs: 30_000 });
  await release();
});

test('an unwritable lock directory is a clear error naming the path, not a bug in cidx', async (t) => {
  const dir = await lockDir(t);
  const blocker = path.join(dir, 'not-a-dir');
  await writeFile(blocker, '');
  const file = path.join(blocker, 'locks', 'p.lock');
  const error = await t.throwsAsync(acquireLock(file));
  t.true(hasCode(error, 'LOCK_DIR_UNWRITABLE'), String(error));
  t.true(error!.message.includes(file), error!.message);
  t.regex((error as { hint?: string }).hint ?? '', /CIDX_CACHE_DIR/);
});

test('a taker that finds the lock it judged stale already replaced by a live one puts that one back', async (t) => {
  const dir = await lockDir(t);
  const file = path.join(dir, 'p.lock');
  const stale = JSON.stringify(reusedPidOwner());
  // Between this taker's judgement and its move, a quicker taker removed the stale lock and took the lock.
  const quicker = JSON.stringify({ ...currentOwner(), id: 'quicker' });
  await writeFile(file, quicker);
  await takeOver(file, stale, 'slower');
  t.is(await readFile(file, 'utf8'), quicker, "the slower taker removed the quicker one's lock");
  t.deepEqual(await readdir(dir), ['p.lock']);
  // And the lock it did judge stale, it removes.
  await writeFile(file, stale);
  await takeOver(file, stale, 'slower');
  t.deepEqual(await readdir(dir), []);
});

const LOCK_MODULE = fileURLToPath(new URL('../../../core/lock.js', import.meta.url));

test('four processes taking over one stale lock at the same moment: never two holders at a time', async (t) => {
  const dir = await lockDir(t);
  const file = path.join(dir, 'p.lock');
  const log = path.join(dir, 'holders.log');
  await writeFile(file, JSON.stringify(reusedPidOwner()));
  const at = Date.now() + 1_500; // every process starts trying at this moment
  const script = `
    const { appendFileSync } = await import('node:fs');
    const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
    await new Promise((resolve) => setTimeout(resolve, ${at} - Date.now()));
    const release = await acquireLock(${JSON.stringify(file)}, { timeoutMs: 60_000 });
    appendFileSync(${JSON.stringify(log)}, 'in ' + process.pid + '\\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    appendFileSync(${JSON.stringify(log)}, 'out ' + process.pid + '\\n');
    await release();`;
  const outcomes = await Promise.all(Array.from({ length: 4 }, () => execa(process.execPath, ['--input-type=module', '-e', script], { reject: false })));
  for (const outcome of outcomes) t.is(outcome.exitCode, 0, outcome.stderr);
  const lines = (await readFile(log, 'utf8')).trim().split('\n');
  t.is(lines.length, 8, lines.join(' | '));
  // Held one at a time: every "in" is followed by the same process's "out".
  for (let index = 0; index < lines.length; index += 2) t.is(lines[index + 1], lines[index]!.replace('in', 'out'), lines.join(' | '));
});
