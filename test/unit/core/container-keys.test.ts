/**
 * The container keys in the spec and its hash: a config without them hashes
 * as before they existed (no container is recreated by an upgrade), and a
 * change to one of them is drift with its name in the reason.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { checkMountSources } from '../../../core/container-keys.js';
import { CidxError } from '../../../core/errors.js';
import type { ProjectIdentity } from '../../../core/model.js';
import { sharedVolumeName, volumeName } from '../../../core/project.js';
import { baseSpec, changedFields, specDigest, specHash } from '../../../core/reconcile/desired.js';
import { configSchema } from '../../../schemas/config.js';

const PROJECT: ProjectIdentity = { name: 'pinned', id: 'abcd1234', root: '/work/pinned', configFile: '/work/pinned/cidx.config.ts' };

function specOf(services: Record<string, Record<string, unknown>>, name: string, extra: Record<string, unknown> = {}) {
  const config = configSchema.parse({ services, ...extra });
  return baseSpec(PROJECT, config, name, config.services[name]!);
}

const QDRANT = { image: 'qdrant/qdrant:v1.12.4', ports: { http: 6333, grpc: 6334 }, env: { A: 'x', B: 2 }, command: ['serve', '--x'], volumes: { storage: '/qdrant/storage' } };

test('a config using none of the container keys hashes exactly as before they existed', (t) => {
  // Values computed by cidx before the container keys were added: changing them recreates every container on upgrade.
  const qdrant = specOf({ qdrant: QDRANT, plain: { image: 'busybox' } }, 'qdrant');
  t.is(specHash(qdrant), '6e289b4aa6788d22');
  t.is(specDigest(qdrant), 'image=c55601;command=b2e650;env=db8f8e;ports=071b1e;bind=882704;volumes=7d815a;network=7ecc43;labels=44136f');
  const plain = specOf({ qdrant: QDRANT, plain: { image: 'busybox' } }, 'plain');
  t.is(specHash(plain), 'd9f1c8aeda2960f8');
  t.is(specDigest(plain), 'image=00d7bb;command=74234e;env=44136f;ports=4f53cd;bind=882704;volumes=4f53cd;network=c430ae;labels=44136f');
  // A shared-volumes declaration nobody else uses changes no service's hash either.
  t.is(specHash(specOf({ qdrant: QDRANT }, 'qdrant', { volumes: { seed: {} } })), '6e289b4aa6788d22');
});

test('mount host paths resolve against the config directory, ~ against the home directory', (t) => {
  const spec = specOf({ web: { image: 'x', mounts: { './conf': '/etc/app:ro', '../shared/init.sql': '/init.sql', '/abs': '/abs', '~/.cache/x': '/x' } } }, 'web');
  t.deepEqual(spec.mounts!.map((mount) => mount.source), ['/work/pinned/conf', '/work/shared/init.sql', '/abs', path.join(os.homedir(), '.cache/x')]);
  t.true(spec.mounts![0]!.readOnly);
});

test('each key that changes is named in the drift reason; a key added or dropped counts', (t) => {
  const before = specOf({ web: { image: 'x', mounts: { './conf': '/etc/app' }, user: '1000' } }, 'web');
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ mounts: { './conf': '/etc/app:ro' }, user: '1000' }, ['mounts']],
    [{ mounts: { './conf': '/etc/app' }, user: '1001' }, ['user']],
    [{ mounts: { './conf': '/etc/app' } }, ['user']],
    [{ mounts: { './conf': '/etc/app' }, user: '1000', tmpfs: ['/tmp'], restart: 'always' }, ['tmpfs', 'restart']],
    [{ mounts: { './conf': '/etc/app' }, user: '1000', labels: { 'com.example.a': '1' } }, ['labels']],
    [{ mounts: { './conf': '/etc/app' }, user: '1000', resources: { memory: '1g' }, gpus: 'all', entrypoint: 'sh', workdir: '/w', extraHosts: { a: '10.0.0.1' } }, ['entrypoint', 'workdir', 'extraHosts', 'resources', 'gpus']],
  ];
  for (const [keys, fields] of cases) {
    const after = specOf({ web: { image: 'x', ...keys } }, 'web');
    t.not(specHash(after), specHash(before));
    t.deepEqual(changedFields(specDigest(before), after), fields, JSON.stringify(keys));
  }
  t.deepEqual(changedFields(specDigest(specOf({ web: { image: 'x', tmpfs: ['/tmp'] } }, 'web')), specOf({ web: { image: 'x' } }, 'web')), ['tmpfs']);
});

test('the order of mounts and tmpfs entries is no drift', (t) => {
  const a = specOf({ web: { image: 'x', mounts: { './a': '/a', './b': '/b' }, tmpfs: ['/t1', '/t2'] } }, 'web');
  const b = specOf({ web: { image: 'x', mounts: { './b': '/b', './a': '/a' }, tmpfs: ['/t2', '/t1'] } }, 'web');
  t.is(specHash(a), specHash(b));
});

test('a volume named in the top-level volumes is the shared one; others stay private, named as before', (t) => {
  const services = { seeder: { image: 'x', volumes: { seed: '/data', cache: '/cache' } }, server: { image: 'x', volumes: { seed: '/srv/data' } } };
  const seeder = specOf(services, 'seeder', { volumes: { seed: {} } });
  const server = specOf(services, 'server', { volumes: { seed: {} } });
  t.deepEqual(seeder.volumes, [
    { source: sharedVolumeName(PROJECT, 'seed'), target: '/data' },
    { source: volumeName(PROJECT, 'seeder', 'cache'), target: '/cache' },
  ]);
  t.deepEqual(server.volumes, [{ source: 'cidx-abcd1234-_shared.seed', target: '/srv/data' }]);
  // Without the declaration the same key is the service's own volume, exactly as before.
  t.deepEqual(specOf(services, 'server').volumes, [{ source: volumeName(PROJECT, 'server', 'seed'), target: '/srv/data' }]);
});

test('user labels go on the container, and cidx\'s own labels cannot be overridden', (t) => {
  const spec = specOf({ web: { image: 'x', labels: { 'com.example.team': 'data' } } }, 'web');
  t.is(spec.labels['com.example.team'], 'data');
  t.is(spec.labels['io.cidx.service'], 'web');
});

test('checkMountSources: every missing host path in one config error; existing files and directories pass', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-mounts-'));
  try {
    await writeFile(path.join(dir, 'init.sql'), 'select 1;');
    const ok = [{ name: 'db', spec: { mounts: [{ source: path.join(dir, 'init.sql'), target: '/i.sql' }, { source: dir, target: '/d' }] } }];
    await t.notThrowsAsync(checkMountSources(ok));
    await t.notThrowsAsync(checkMountSources([{ name: 'plain', spec: {} }]));
    const error = await t.throwsAsync(
      checkMountSources([...ok, { name: 'web', spec: { mounts: [{ source: path.join(dir, 'conf'), target: '/etc/app' }, { source: path.join(dir, 'init.sql', 'x'), target: '/x' }] } }]),
    );
    t.true(error instanceof CidxError);
    t.is((error as CidxError).code, 'CONFIG_INVALID');
    t.is(error!.message, "2 bind mounts' host paths are missing");
    t.deepEqual((error as CidxError).details, [
      `services.web.mounts  host path ${path.join(dir, 'conf')} does not exist (mounted at /etc/app)`,
      `services.web.mounts  host path ${path.join(dir, 'init.sql', 'x')} does not exist (mounted at /x)`,
    ]);
    t.regex((error as CidxError).hint ?? '', /owned by root/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
