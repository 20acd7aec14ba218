import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { cacheFile, readCache, writeCache, type CachedPorts } from '../../../../plugins/port-cache/store.js';
import { withTempDir } from '../../helpers/fixtures.js';

const withDir = (run: (dir: string) => Promise<void>) => withTempDir('cidx-port-cache-', run);

const PORTS: CachedPorts = {
  qdrant: { http: { host: 32768, hostIp: '127.0.0.1' }, grpc: { host: 32769, hostIp: '127.0.0.1' } },
  ollama: { http: { host: 11434, hostIp: '' } },
};

test('cacheFile is <dir>/ports/<project id>@<engine key>.json', (t) => {
  t.is(cacheFile('/home/me/.cache/cidx', '1a2b3c4d', '0123456789ab'), path.join('/home/me/.cache/cidx', 'ports', '1a2b3c4d@0123456789ab.json'));
});

test('round trip: what is written is read back, in a versioned file naming the project root', async (t) => {
  await withDir(async (dir) => {
    const file = cacheFile(dir, 'abcd1234', 'e');
    await writeCache(file, '/work/project', PORTS);
    t.deepEqual(await readCache(file), PORTS);
    const body = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    t.is(body.version, 1);
    t.is(body.root, '/work/project');
    t.false(Number.isNaN(Date.parse(String(body.updatedAt))));
    t.deepEqual(await readdir(path.dirname(file)), ['abcd1234@e.json'], 'no temp file left behind');
  });
});

test('a missing file reads as empty', async (t) => {
  await withDir(async (dir) => {
    t.deepEqual(await readCache(cacheFile(dir, 'none', 'e')), {});
  });
});

const broken: Array<[string, string]> = [
  ['truncated', '{"version":1,"root":"/x","services":{"qdrant":{"http":{"host":3'],
  ['empty', ''],
  ['not JSON', 'ports: 6333\n'],
  ['null', 'null'],
  ['an array', '[1,2,3]'],
  ['another version', JSON.stringify({ version: 2, root: '/x', services: PORTS })],
  ['no version', JSON.stringify({ root: '/x', services: PORTS })],
  ['services null', JSON.stringify({ version: 1, root: '/x', services: null })],
  ['services a string', JSON.stringify({ version: 1, root: '/x', services: 'qdrant' })],
  ['a package.json', JSON.stringify({ name: 'cidx', version: '0.1.0' })],
];
for (const [what, content] of broken) {
  test(`a ${what} file reads as empty`, async (t) => {
    await withDir(async (dir) => {
      const file = cacheFile(dir, 'p', 'e');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
      t.deepEqual(await readCache(file), {});
    });
  });
}

test('malformed entries are dropped, good ones kept', async (t) => {
  await withDir(async (dir) => {
    const file = cacheFile(dir, 'p', 'e');
    await mkdir(path.dirname(file), { recursive: true });
    const services = {
      a: { ok: { host: 40000, hostIp: '127.0.0.1' }, zero: { host: 0 }, big: { host: 70000 }, text: { host: '40001' }, frac: { host: 1.5 }, none: null },
      b: 'not an object',
      c: null,
      d: { noIp: { host: 40002 }, numIp: { host: 40003, hostIp: 7 } },
    };
    await writeFile(file, JSON.stringify({ version: 1, root: '/x', updatedAt: '', services }));
    t.deepEqual(await readCache(file), {
      a: { ok: { host: 40000, hostIp: '127.0.0.1' } },
      d: { noIp: { host: 40002, hostIp: '' }, numIp: { host: 40003, hostIp: '' } },
    });
  });
});

test('a bad file is replaced by the next write', async (t) => {
  await withDir(async (dir) => {
    const file = cacheFile(dir, 'p', 'e');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{"version":1,"serv');
    await writeCache(file, '/x', PORTS);
    t.deepEqual(await readCache(file), PORTS);
  });
});

test('many concurrent writers leave one valid file holding one writer\'s ports, and no temp files', async (t) => {
  await withDir(async (dir) => {
    const file = cacheFile(dir, 'race', 'e');
    const written: CachedPorts[] = Array.from({ length: 64 }, (_, i) => ({ svc: { http: { host: 30000 + i, hostIp: '127.0.0.1' } } }));
    // Readers race the writers too: they must never see a torn file.
    const reads = Array.from({ length: 64 }, () => readCache(file));
    await Promise.all([...written.map((services) => writeCache(file, '/x', services)), ...reads]);
    for (const seen of await Promise.all(reads)) {
      t.true(Object.keys(seen).length === 0 || written.some((services) => JSON.stringify(services) === JSON.stringify(seen)));
    }
    const text = await readFile(file, 'utf8');
    const body = JSON.parse(text) as { version: number; services: CachedPorts };
    t.is(body.version, 1);
    t.true(written.some((services) => JSON.stringify(services) === JSON.stringify(body.services)));
    t.deepEqual(await readdir(path.dirname(file)), ['race@e.json']);
  });
});

test('a write into a directory that cannot be created fails and leaves nothing behind', async (t) => {
  await withDir(async (dir) => {
    await writeFile(path.join(dir, 'blocker'), 'a file where a directory should be');
    await t.throwsAsync(writeCache(cacheFile(path.join(dir, 'blocker'), 'p', 'e'), '/x', PORTS));
    t.deepEqual(await readdir(dir), ['blocker']);
  });
});

test("services and ports named like Object's members are plain entries: nothing inherited, Object untouched", async (t) => {
  await withDir(async (dir) => {
    const file = cacheFile(dir, 'proto', 'e');
    t.is((await readCache(file))['constructor'], undefined, 'a missing file knows no service called constructor');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify({ version: 1, root: '/x', services: { constructor: { toString: { host: 8080, hostIp: '' } } } }));
    const cached = await readCache(file);
    t.deepEqual({ ...cached['constructor'] }, { toString: { host: 8080, hostIp: '' } });
    t.is(cached['toString'], undefined);
    t.is(cached['constructor']!['valueOf'], undefined);
    t.false(Object.hasOwn(Object, 'toString'), 'the cache wrote a port onto the global Object');
  });
});
