import test from 'ava';
import { limiter } from '../../../core/limit.js';

/** Runs `count` tasks through `limit`, each waiting for a tick; returns the most seen at once and the start order. */
async function measure(max: number, count: number): Promise<{ peak: number; order: number[]; results: number[] }> {
  const limit = limiter(max);
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  const results = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      limit(async () => {
        order.push(index);
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, index % 3));
        active--;
        return index * 2;
      }),
    ),
  );
  return { peak, order, results };
}

test('never more than max tasks at once, all of them run, in call order, each with its own result', async (t) => {
  const { peak, order, results } = await measure(4, 30);
  t.is(peak, 4);
  t.deepEqual(order, Array.from({ length: 30 }, (_, index) => index));
  t.deepEqual(results, Array.from({ length: 30 }, (_, index) => index * 2));
});

test('a failing task frees its slot and rejects only its own caller', async (t) => {
  const limit = limiter(1);
  const failing = limit(() => Promise.reject(new Error('boom')));
  const next = limit(async () => 'ran');
  await t.throwsAsync(failing, { message: 'boom' });
  t.is(await next, 'ran');
});

test('0 or Infinity means no limit', async (t) => {
  t.is((await measure(0, 10)).peak, 10);
  t.is((await measure(Number.POSITIVE_INFINITY, 10)).peak, 10);
});
