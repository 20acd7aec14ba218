/**
 * Config errors as a person reads them: a code frame at the user's file and
 * line for a syntax error or a config that throws, and no zod wording
 * ("Invalid input: expected record, received array") for any wrong value.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { codeFrame } from '../../../../core/config/code-frame.js';
import { loadConfig } from '../../../../core/config/load.js';
import { CidxError } from '../../../../core/errors.js';
import { problems } from '../../helpers/config-problems.js';

const ZOD_WORDING = /Invalid input|received|Too (small|big)|Invalid (string|option|element|key)|expected (record|array|object),/;

test('no zod wording for wrong values anywhere in the config', (t) => {
  const configs: unknown[] = [
    { services: [] },
    { services: { web: { image: 'x', env: ['A=1'] } } },
    { services: { web: { image: 'x', env: { A: { nested: true } } } } },
    { services: { web: { image: '' } } },
    { services: { web: { image: 1 } } },
    { services: { web: { image: 'x', command: [] } } },
    { services: { web: { image: 'x', command: 'npm start' } } },
    { services: { web: { image: 'x', dependsOn: 'db' } } },
    { services: { web: { image: 'x', volumes: ['data:/data'] } } },
    { services: { web: { image: 'x', health: { http: { port: 'http', status: 'ok' } } } } },
    { services: { web: { image: 'x', health: { tcp: { port: 'x' }, successes: 0 } } } },
    { services: { web: { image: 'x', health: { tcp: { port: 'x' }, timeout: [] } } } },
    { project: 7, services: {} },
    { services: {}, disable: 'health-check' },
    { services: {}, plugins: {} },
    { services: {}, preferredPorts: [] },
    'not an object',
  ];
  for (const config of configs) {
    const lines = problems(config);
    t.true(lines.length > 0);
    for (const line of lines) t.notRegex(line, ZOD_WORDING, JSON.stringify(config));
  }
  t.deepEqual(problems({ services: { web: { image: 'x', env: ['A=1'] } } }), [
    'services.web.env: expected an object of variable name → value, e.g. { LOG_LEVEL: "debug" }; got a compose-style list: write ["KEY=value"] as { KEY: "value" }',
  ]);
  const secret = problems({ services: { web: { image: 'x', env: { TOKEN: { value: 'hunter2' } } } } });
  t.false(secret.join('\n').includes('hunter2'), 'an env value is never shown');
});

test('a code frame marks the line and column, with the lines around it', (t) => {
  t.deepEqual(codeFrame('a\nb\nc = d e\nf\ng\nh\n', { line: 3, column: 7 }), [
    '  1 | a',
    '  2 | b',
    '> 3 | c = d e',
    '    |       ^',
    '  4 | f',
    '  5 | g',
  ]);
  t.deepEqual(codeFrame('a\n', { line: 9, column: 1 }), []);
});

async function loadError(t: import('ava').ExecutionContext, source: string): Promise<{ error: CidxError; file: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-config-error-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'cidx.config.ts');
  await writeFile(file, source);
  const error = await t.throwsAsync(loadConfig({ cwd: dir }), { instanceOf: CidxError });
  t.is(error!.code, 'CONFIG_LOAD');
  return { error: error!, file };
}

test('a TypeScript syntax error names the file, line and column, with a code frame', async (t) => {
  const { error, file } = await loadError(t, "export default {\n  services: {\n    web: { image: 'x' ports: {} },\n  },\n};\n");
  t.is(error.message, `syntax error in ${file}:3:23: Unexpected token, expected ","`);
  t.deepEqual(error.details.slice(2, 4), ["> 3 |     web: { image: 'x' ports: {} },", '    |                       ^']);
});

test("a config that throws names the user's file and line (not a cache path or a data: URL), with a code frame", async (t) => {
  const { error, file } = await loadError(t, "const url: string | undefined = undefined;\n\nif (!url) throw new Error('QDRANT_URL is not set');\nexport default { services: {} };\n");
  t.is(error.message, `the config threw at ${file}:3:17: QDRANT_URL is not set`);
  t.true(error.details.includes("> 3 | if (!url) throw new Error('QDRANT_URL is not set');"), error.details.join('\n'));
  t.notRegex(error.message, /data:|cache/);
});
