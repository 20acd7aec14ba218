/** The progress renderer: live lines on a terminal, plain lines elsewhere; log lines never garble it. */
import test from 'ava';
import { createProgress, isCI, logLine, truncate } from '../../../cli/progress.js';
import { visibleLength } from '../../../cli/style.js';

function fakeStream(isTTY: boolean, columns = 80) {
  const chunks: string[] = [];
  const stream = { isTTY, columns, write: (chunk: string) => chunks.push(chunk) } as unknown as NodeJS.WriteStream;
  return { stream, chunks, text: () => chunks.join('') };
}

const clock = () => {
  let ms = 0;
  return { now: () => ms, advance: (by: number) => (ms += by) };
};
// eslint-disable-next-line no-control-regex
const plainText = (text: string) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

test('CI=false and CI=0 are not CI; CI=true and CI=1 are', (t) => {
  t.false(isCI({ CI: 'false' }));
  t.false(isCI({ CI: '0' }));
  t.false(isCI({ CI: '' }));
  t.false(isCI({}));
  t.true(isCI({ CI: 'true' }));
  t.true(isCI({ CI: '1' }));
});

test('on a terminal: each service line shows its phase and the time since it started', (t) => {
  const { stream, text } = fakeStream(true);
  const time = clock();
  const progress = createProgress(stream, { now: time.now, env: { TERM: 'xterm' } });
  progress.update('qdrant', 'creating');
  time.advance(1500);
  progress.update('qdrant', 'waiting for health');
  progress.update('ollama', 'creating');
  time.advance(1000);
  progress.update('qdrant', 'healthy');
  progress.done();
  const last = plainText(text()).trimEnd().split('\n').slice(-2);
  t.deepEqual(last, ['  qdrant  healthy  2.5s', '  ollama  creating  1s']);
});

test('on a terminal: a line wider than the terminal is cut, so the redraw moves over whole rows', (t) => {
  const { stream, chunks } = fakeStream(true, 30);
  const progress = createProgress(stream, { now: () => 0, env: { TERM: 'xterm', FORCE_COLOR: '1' } });
  progress.update('a-service-with-a-long-name', 'recreating: its host port is taken');
  progress.done();
  const line = chunks.at(-1)!.replace('\u001b[2K', '').trimEnd();
  t.true(visibleLength(line) <= 29, line);
  t.true(plainText(line).endsWith('…'), 'a phase too long for any room is cut too');
  progress.update('a-service-with-a-long-name', 'creating');
  t.is(plainText(chunks.at(-1)!).split('\n').at(-2), '  a-service-w…  creating  0ms', 'the name gives way first');
  t.is(truncate('short', 10), 'short');
});

test('on a terminal: a log line is written above the live lines, which are drawn again below it', (t) => {
  const { stream, chunks } = fakeStream(true);
  const progress = createProgress(stream, { now: () => 0, env: { TERM: 'xterm' } });
  progress.update('qdrant', 'creating');
  progress.update('ollama', 'creating');
  logLine('[my-plugin] seeding\nsecond line');
  progress.done();
  const redraw = chunks.at(-1)!;
  t.true(redraw.startsWith('\u001b[2A'), 'back up over the two live lines');
  t.deepEqual(plainText(redraw).split('\n').slice(0, 4), ['[my-plugin] seeding', 'second line', '  qdrant  creating  0ms', '  ollama  creating  0ms']);
  const { stream: after, chunks: afterChunks } = fakeStream(true);
  logLine('plain once done', after);
  t.deepEqual(afterChunks, ['plain once done\n'], 'after done(), log lines are plain again');
});

for (const [why, isTTY, env] of [
  ['not a TTY', false, { TERM: 'xterm' }],
  ['CI=true', true, { TERM: 'xterm', CI: 'true' }],
  ['NO_COLOR', true, { TERM: 'xterm', NO_COLOR: '1' }],
  ['TERM=dumb', true, { TERM: 'dumb' }],
] as const) {
  test(`${why}: plain "service: phase" lines without escape codes; the final phase with its time`, (t) => {
    const { stream, text } = fakeStream(isTTY);
    const time = clock();
    const progress = createProgress(stream, { now: time.now, env });
    progress.update('qdrant', 'creating');
    progress.update('qdrant', 'waiting for health');
    time.advance(2100);
    progress.update('qdrant', 'healthy');
    progress.log('a note');
    progress.done();
    t.is(text(), 'qdrant: creating\nqdrant: waiting for health\nqdrant: healthy (2.1s)\na note\n');
  });
}

test('CI=false on a terminal is live', (t) => {
  const { stream, text } = fakeStream(true);
  const progress = createProgress(stream, { now: () => 0, env: { TERM: 'xterm', CI: 'false' } });
  progress.update('qdrant', 'creating');
  progress.done();
  t.true(text().includes('\u001b[2K'));
});
