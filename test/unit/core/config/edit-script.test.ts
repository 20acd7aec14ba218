import test from 'ava';
import { applyEditScript, editScript } from '../../../../core/config/edit-script.js';
import { transpileConfig } from '../../../../core/config/ts-loader.js';

/** sucrase's output alone, without cidx's import rewriting (none of these import anything). */
const strip = (source: string) => transpileConfig(source, '/x/cidx.config.ts');

test('the script rebuilds the transpiled code from the source, and holds none of its text', async (t) => {
  const source = [
    'interface Service { image: string; env?: Record<string, string> }',
    "const token: string = 'tok-7f3a9c';",
    'const port = 6333 as number;',
    "function svc(image: string, extra?: Partial<Service>): Service { return { image, ...extra }; }",
    "export default { services: { q: svc('qdrant/qdrant', { env: { TOKEN: token } }) }, x: port satisfies number };",
  ].join('\n');
  const target = await strip(source);
  const ops = editScript(source, target);
  t.truthy(ops);
  t.is(applyEditScript(source, ops!), target);
  const stored = JSON.stringify(ops);
  t.false(stored.includes('tok-7f3a9c'), stored);
  t.false(stored.includes('qdrant'), stored);
  t.true(ops!.every((op) => typeof op === 'number' || !/['"`]/.test(op)));
});

test('an enum with string values (sucrase writes them out again) gets no script', async (t) => {
  const source = "enum Secret { Key = 'sk-live-123' }\nexport default { services: {}, k: Secret.Key };\n";
  const target = await strip(source);
  t.true(target.includes("'sk-live-123'"));
  t.is(editScript(source, target), undefined);
});

test('plain JavaScript is one keep', (t) => {
  const source = 'export default { services: {} };\n';
  t.deepEqual(editScript(source, source), [source.length]);
});

test('a script that does not fit the source rebuilds nothing', (t) => {
  t.is(applyEditScript('abc', [5]), undefined, 'keeps past the end');
  t.is(applyEditScript('abc', [2]), undefined, 'stops short of the end');
  t.is(applyEditScript('abc', [1.5 as number, 1.5 as number]), undefined);
  t.is(applyEditScript('abc', [1, -1, 'X', 1]), 'aXc');
});
