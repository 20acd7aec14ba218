import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import test from 'ava';
import { loadConfig } from '../../../../core/config/load.js';
import { isLocationFree, transpileConfig } from '../../../../core/config/ts-loader.js';
import { CidxError } from '../../../../core/errors.js';

// Transpiled configs are cached under the user's cache dir: keep this file's in a throwaway one.
const CACHE = mkdtempSync(path.join(os.tmpdir(), 'cidx-ts-cache-'));
process.env.CIDX_CACHE_DIR = CACHE;
test.after.always(() => rmSync(CACHE, { recursive: true, force: true }));

const execFileAsync = promisify(execFile);
const cachedFiles = async () => (existsSync(path.join(CACHE, 'config')) ? (await readdir(path.join(CACHE, 'config'))).sort() : []);

/** Every import specifier left in transpiled code. */
const specifiers = (code: string) => [...code.matchAll(/\b(?:from|import)\s*\(?\s*(['"])([^'"]+)\1/g)].map((match) => match[2]!);

/** The one specifier `import … from 'cidx'` was rewritten to. */
async function rewritten(importLine: string): Promise<string> {
  const code = await transpileConfig(`${importLine}\nexport default { services: {}, x: [typeof defineConfig] };\n`, '/x/cidx.config.ts');
  const found = specifiers(code);
  if (found.length !== 1) throw new Error(`expected one import in: ${code}`);
  return found[0]!;
}

/** A throwaway project directory holding one config file; removed afterwards. */
async function withProject(file: string, source: string, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-ts-'));
  try {
    await writeFile(path.join(dir, file), source);
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('transpileConfig strips type annotations, interfaces and type-only imports', async (t) => {
  const source = [
    "import type { CidxUserConfig } from 'cidx';",
    'interface Extra { note: string }',
    'const port: number = 6333;',
    "const image = 'qdrant/qdrant' as const;",
    'function tag(name: string): string { return name; }',
    'export default { services: { qdrant: { image: tag(image), ports: { http: port } } } } satisfies CidxUserConfig;',
  ].join('\n');
  const code = await transpileConfig(source, '/x/cidx.config.ts');
  t.notRegex(code, /\binterface\b|: number|: string|as const|satisfies|import type/);
  t.regex(code, /const port = 6333;/);
  t.regex(code, /export default \{/);
});

test("transpileConfig rewrites `from 'cidx'` to an absolute file URL of cidx's own code", async (t) => {
  const entry = await rewritten("import { defineConfig } from 'cidx';");
  t.true(entry.startsWith('file:///'), entry);
  t.true(path.isAbsolute(fileURLToPath(entry)));
  t.true(existsSync(fileURLToPath(entry)), `${entry} exists`);
});

test('importing only defineConfig/definePlugin gets the light entry; anything else the full API', async (t) => {
  const light = await rewritten("import { defineConfig } from 'cidx';");
  t.is(await rewritten('import { defineConfig, definePlugin } from "cidx";'), light);
  t.is(await rewritten("import { defineConfig as dc } from 'cidx'; const defineConfig = dc;"), light);
  const full = await rewritten("import { defineConfig, createHooks } from 'cidx';\nexport const hooks = createHooks;");
  t.not(full, light);
  t.true(existsSync(fileURLToPath(full)), `${full} exists`);
  t.is(await rewritten("import * as cidx from 'cidx'; const defineConfig = cidx.defineConfig;"), full);
  t.is(await rewritten("const defineConfig = async () => import('cidx');"), full);
  const fullModule = (await import(full)) as Record<string, unknown>;
  const lightModule = (await import(light)) as Record<string, unknown>;
  t.is(typeof fullModule.createHooks, 'function');
  t.is(typeof lightModule.defineConfig, 'function');
  t.is(typeof lightModule.definePlugin, 'function');
});

test('transpileConfig leaves other packages that start with "cidx" alone', async (t) => {
  const code = await transpileConfig(
    "import a from 'cidx-plugin-foo';\nimport b from 'cidx/extra';\nimport c from '@acme/cidx';\nexport default [a, b, c];\n",
    '/x/cidx.config.ts',
  );
  t.true(code.includes("'cidx-plugin-foo'"));
  t.true(code.includes("'cidx/extra'"));
  t.true(code.includes("'@acme/cidx'"));
});

test('loadConfig loads a cidx.config.ts with type annotations and no imports, and writes nothing next to it', async (t) => {
  const source = [
    'type Port = number;',
    'const http: Port = 6333;',
    'const services: Record<string, { image: string; ports: Record<string, Port> }> = {',
    "  qdrant: { image: 'qdrant/qdrant:v1.12.4', ports: { http } },",
    '};',
    "export default { project: 'typed', services, preferredPorts: { qdrant: { http } } };",
  ].join('\n');
  await withProject('cidx.config.ts', source, async (dir) => {
    const loaded = await loadConfig({ cwd: dir });
    t.is(loaded.project.name, 'typed');
    t.is(loaded.project.configFile, path.join(dir, 'cidx.config.ts'));
    t.deepEqual(loaded.config.services.qdrant!.ports, { http: 6333 });
    t.deepEqual(loaded.config.preferredPorts, { qdrant: { http: 6333 } });
    t.deepEqual(await readdir(dir), ['cidx.config.ts']);
  });
});

test("loadConfig loads a config that imports defineConfig from 'cidx' (through the rewrite)", async (t) => {
  const source = [
    "import { defineConfig, definePlugin } from 'cidx';",
    "const marker = definePlugin({ name: 'marker', apply() {} });",
    'export default defineConfig({',
    "  services: { ollama: { image: 'ollama/ollama', ports: { http: 11434 }, env: { OLLAMA_KEEP_ALIVE: 300 } } },",
    '  plugins: [marker],',
    '});',
  ].join('\n');
  await withProject('cidx.config.ts', source, async (dir) => {
    const loaded = await loadConfig({ configFile: 'cidx.config.ts', cwd: dir });
    t.is(loaded.project.name, path.basename(dir).toLowerCase());
    t.deepEqual(loaded.config.services.ollama!.env, { OLLAMA_KEEP_ALIVE: '300' });
    t.is(loaded.config.plugins[0]!.name, 'marker');
    t.deepEqual(await readdir(dir), ['cidx.config.ts']);
  });
});

test("loadConfig loads a config that imports the public 'cidx/oci-cli', 'cidx/plugins' and 'cidx/swarm' entry points, wherever cidx is installed", async (t) => {
  const source = [
    "import { cliRuntimePlugin } from 'cidx/oci-cli';",
    "import { dockerDialect } from 'cidx/plugins';",
    "import { swarmRuntime } from 'cidx/swarm';",
    "export default { services: {}, plugins: [cliRuntimePlugin({ name: 'other', binary: 'docker', dialect: dockerDialect }), swarmRuntime()] };",
  ].join('\n');
  const code = await transpileConfig(source, '/x/cidx.config.ts');
  const found = specifiers(code);
  t.is(found.length, 3);
  t.true(found.every((specifier) => specifier.startsWith('file://')), found.join(', '));
  t.true(found[0]!.endsWith('/dist/plugins/oci-cli/index.js'));
  t.true(found[1]!.endsWith('/dist/plugins/index.js'));
  t.true(found[2]!.endsWith('/dist/plugins/swarm-runtime/index.js'));
  await withProject('cidx.config.ts', source, async (dir) => {
    const loaded = await loadConfig({ cwd: dir });
    t.is(loaded.config.plugins[0]!.name, 'other');
  });
});

test('a .mts config loads the same way', async (t) => {
  await withProject('cidx.config.mts', "const image: string = 'x';\nexport default { services: { a: { image } } };\n", async (dir) => {
    const loaded = await loadConfig({ cwd: dir });
    t.is(loaded.config.services.a!.image, 'x');
    t.deepEqual(await readdir(dir), ['cidx.config.mts']);
  });
});

test('a syntax error is CONFIG_LOAD naming the file, and nothing is left next to it', async (t) => {
  await withProject('cidx.config.ts', 'export default { services: { a: { image: } };\n', async (dir) => {
    const error = await t.throwsAsync(loadConfig({ cwd: dir }), { instanceOf: CidxError });
    t.is(error.code, 'CONFIG_LOAD');
    t.true(error.message.includes(dir), error.message);
    t.deepEqual(await readdir(dir), ['cidx.config.ts']);
  });
});

test('a config that throws while loading is CONFIG_LOAD with its message, and leaves no .mjs behind', async (t) => {
  await withProject('cidx.config.ts', "const fail = (why: string): never => { throw new Error(why); };\nexport default fail('no services today');\n", async (dir) => {
    const error = await t.throwsAsync(loadConfig({ cwd: dir }), { instanceOf: CidxError });
    t.is(error.code, 'CONFIG_LOAD');
    t.regex(error.message, /no services today/);
    t.deepEqual(await readdir(dir), ['cidx.config.ts']);
  });
});

test('a loaded .ts config is validated like any other', async (t) => {
  await withProject('cidx.config.ts', "export default { services: { q: { image: 'q', ports: { http: 70000 as number } } } };\n", async (dir) => {
    const error = await t.throwsAsync(loadConfig({ cwd: dir }), { instanceOf: CidxError });
    t.is(error.code, 'CONFIG_INVALID');
    t.deepEqual(error.details, ['services.q.ports.http: expected a port number 1-65535, got 70000']);
  });
});

test('isLocationFree: only file: URLs and Node builtins run the same from anywhere', (t) => {
  t.true(isLocationFree("import fs from 'fs';\nimport { join } from 'node:path';\nexport default 1;"));
  t.true(isLocationFree('export default { services: {} };'));
  t.true(isLocationFree("import os from 'node:os';\nimport { defineConfig } from 'file:///opt/cidx/dist/core/index.js';\nexport default 1;"));
  t.false(isLocationFree("import { ports } from './ports.js';\nexport default ports;"));
  t.false(isLocationFree("import qdrant from 'cidx-preset-qdrant';\nexport default qdrant;"));
  t.false(isLocationFree("const p = await import('../shared.mjs');\nexport default p;"));
  t.false(isLocationFree("const x = require('./x');"));
  t.false(isLocationFree("const p = await import(`./local-${process.env.STAGE}.mjs`);\nexport default p;"));
  t.false(isLocationFree("const file = './shared.mjs';\nconst p = await import(file);\nexport default p;"));
  t.true(isLocationFree("const os = await import('node:os');\nexport default os;"));
});

test.serial('a config is transpiled once; the cache keeps an edit script with no text of the source, and the next run uses it', async (t) => {
  const source = "const image: string = 'cached:1';\nconst secret: string = 's3cr3t-inline';\nexport default { services: { a: { image, env: { secret } } } };\n";
  await withProject('cidx.config.ts', source, async (dir) => {
    const before = await cachedFiles();
    const first = await loadConfig({ cwd: dir });
    t.is(first.config.services.a!.image, 'cached:1');
    const added = (await cachedFiles()).filter((file) => !before.includes(file));
    t.is(added.length, 1);
    t.regex(added[0]!, /^e[0-9]+-[0-9a-f]{24}\.json$/);
    const entry = await readFile(path.join(CACHE, 'config', added[0]!), 'utf8');
    t.false(entry.includes('s3cr3t'), entry);
    t.false(entry.includes('cached:1'), entry);
    t.deepEqual(await readdir(dir), ['cidx.config.ts'], 'nothing written next to the config');
    // Prove the next run rebuilds from the script rather than transpiling again: a script that keeps
    // everything but the first character can only come from the cache. A child process, so nothing is memoised.
    await writeFile(path.join(CACHE, 'config', added[0]!), JSON.stringify({ ops: [-1, '/', source.length - 1] }));
    const load = new URL('../../../../core/config/load.js', import.meta.url).href;
    const script = `const { loadConfig } = await import(${JSON.stringify(load)}); try { await loadConfig({ cwd: ${JSON.stringify(dir)} }); } catch (e) { console.log(e.code, e.message); }`;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, CIDX_CACHE_DIR: CACHE } });
    t.regex(stdout, /^CONFIG_LOAD /, 'the doctored script (a leading "/" instead of "c") was used');
  });
});

test.serial('a config with a relative import loads with nothing written next to it or into the cache as code', async (t) => {
  const source = "import { ports } from './ports.mjs';\nconst image: string = 'rel:1';\nexport default { services: { a: { image, ports } }, project: import.meta.url.endsWith('/cidx.config.ts') ? 'here' : 'elsewhere' };\n";
  await withProject('cidx.config.ts', source, async (dir) => {
    await writeFile(path.join(dir, 'ports.mjs'), 'export const ports = { http: 8080 };\n');
    const loaded = await loadConfig({ cwd: dir });
    t.deepEqual(loaded.config.services.a!.ports, { http: 8080 });
    t.is(loaded.project.name, 'here', 'import.meta.url names the config itself');
    t.deepEqual((await readdir(dir)).sort(), ['cidx.config.ts', 'ports.mjs']);
    t.true((await cachedFiles()).every((file) => file.endsWith('.json')), 'no .mjs in the cache');
  });
});

test.serial('a config importing a package is served at its own place: the package resolves from the project', async (t) => {
  const source = "import answer from 'cidx-test-pkg';\nexport default { project: `pkg-${answer}`, services: {} };\n";
  await withProject('cidx.config.ts', source, async (dir) => {
    await mkdir(path.join(dir, 'node_modules', 'cidx-test-pkg'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', 'cidx-test-pkg', 'package.json'), JSON.stringify({ name: 'cidx-test-pkg', type: 'module', exports: './index.js' }));
    await writeFile(path.join(dir, 'node_modules', 'cidx-test-pkg', 'index.js'), 'export default 42;\n');
    const loaded = await loadConfig({ cwd: dir });
    t.is(loaded.project.name, 'pkg-42');
    t.deepEqual((await readdir(dir)).sort(), ['cidx.config.ts', 'node_modules']);
  });
});

test.serial('a relative import that fails still leaves no sibling .mjs behind', async (t) => {
  await withProject('cidx.config.ts', "import { nope } from './missing.mjs';\nexport default nope;\n", async (dir) => {
    const error = await t.throwsAsync(loadConfig({ cwd: dir }), { instanceOf: CidxError });
    t.is(error.code, 'CONFIG_LOAD');
    t.deepEqual(await readdir(dir), ['cidx.config.ts']);
  });
});

test("a CidxError thrown while the config runs (a plugin checking its options) keeps its code and hint", async (t) => {
  const source = [
    "import { CidxError } from 'cidx';",
    "const myPlugin = (options: { port?: number }) => {",
    "  if (!options.port) throw new CidxError('USAGE', 'my-plugin needs a port', { hint: 'Pass { port: 1234 }.' });",
    "  return { name: 'my-plugin', apply() {} };",
    '};',
    "export default { services: {}, plugins: [myPlugin({})] };",
  ].join('\n');
  await withProject('cidx.config.ts', source, async (dir) => {
    const error = await t.throwsAsync(loadConfig({ cwd: dir }), { instanceOf: CidxError });
    t.is(error.code, 'USAGE');
    t.is(error.message, 'my-plugin needs a port');
    t.is(error.hint, 'Pass { port: 1234 }.');
  });
});
