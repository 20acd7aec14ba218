import test from 'ava';
import { createHooks } from '../../../../core/hooks.js';
import type { ContainerSpec } from '../../../../core/model.js';
import { LABELS, containerName, legacyVolumeName, ownerLabels, volumeName } from '../../../../core/project.js';
import { baseSpec, changedFields, preferredPorts, SPEC_DIGEST_LABEL, specDigest, specHash } from '../../../../core/reconcile/desired.js';
import { contextFor, desiredOne, PROJECT_FILE } from '../../helpers/contexts.js';

const QDRANT = {
  services: {
    qdrant: {
      image: 'qdrant/qdrant:v1.12.4',
      ports: { http: 6333, grpc: 6334 },
      env: { QDRANT__LOG_LEVEL: 'INFO', QDRANT__SERVICE__GRPC_PORT: 6334 },
      volumes: { storage: '/qdrant/storage', snapshots: '/qdrant/snapshots' },
    },
  },
};

function spec(overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  const { config, project } = contextFor(QDRANT);
  return { ...baseSpec(project, config, 'qdrant', config.services.qdrant!), ...overrides };
}

test('baseSpec maps the config to a runtime-neutral spec with identity labels', (t) => {
  const { project } = contextFor(QDRANT);
  const base = spec();
  t.is(base.name, containerName(project, 'qdrant'));
  t.is(base.image, 'qdrant/qdrant:v1.12.4');
  t.is(base.command, undefined);
  t.deepEqual(base.env, { QDRANT__LOG_LEVEL: 'INFO', QDRANT__SERVICE__GRPC_PORT: '6334' });
  t.deepEqual(base.ports, [{ name: 'http', container: 6333 }, { name: 'grpc', container: 6334 }]);
  t.is(base.hostIp, '127.0.0.1');
  t.deepEqual(base.volumes, [
    { source: volumeName(project, 'qdrant', 'storage'), target: '/qdrant/storage' },
    { source: volumeName(project, 'qdrant', 'snapshots'), target: '/qdrant/snapshots' },
  ]);
  t.deepEqual(base.labels, {
    [LABELS.project]: project.id,
    [LABELS.projectName]: 'example-project',
    [LABELS.root]: '/work/example-project',
    [LABELS.service]: 'qdrant',
    ...ownerLabels(),
  });
});

test('specHash is a 16-hex-digit digest, the same for the same spec', (t) => {
  t.regex(specHash(spec()), /^[0-9a-f]{16}$/);
  t.is(specHash(spec()), specHash(spec()));
});

test('specHash is stable under key order of env and labels, and under order of ports and volumes', (t) => {
  const base = spec({ labels: { ...spec().labels, 'com.example.a': '1', 'com.example.b': '2' } });
  const reordered: ContainerSpec = {
    hostIp: base.hostIp,
    volumes: [...base.volumes].reverse(),
    ports: [...base.ports].reverse(),
    labels: Object.fromEntries(Object.entries(base.labels).reverse()),
    env: Object.fromEntries(Object.entries(base.env).reverse()),
    command: base.command,
    image: base.image,
    name: base.name,
    network: base.network,
  };
  t.not(JSON.stringify(reordered), JSON.stringify(base));
  t.is(specHash(reordered), specHash(base));
  t.is(specDigest(reordered), specDigest(base));
});

test('specHash changes with each field that needs a new container', (t) => {
  const before = specHash(spec());
  const variants: Record<string, Partial<ContainerSpec>> = {
    image: { image: 'qdrant/qdrant:v1.13.0' },
    command: { command: ['./qdrant', '--disable-telemetry'] },
    env: { env: { ...spec().env, QDRANT__LOG_LEVEL: 'DEBUG' } },
    'env key added': { env: { ...spec().env, EXTRA: '1' } },
    ports: { ports: [{ name: 'http', container: 6333 }] },
    'port renamed': { ports: [{ name: 'rest', container: 6333 }, { name: 'grpc', container: 6334 }] },
    bind: { hostIp: '0.0.0.0' },
    volumes: { volumes: [] },
    'user label': { labels: { ...spec().labels, 'com.example.team': 'search' } },
  };
  for (const [what, change] of Object.entries(variants)) t.not(specHash(spec(change)), before, what);
});

test("cidx's own labels do not count: renaming the project keeps the hash", (t) => {
  const renamed = spec({ labels: { ...spec().labels, [LABELS.projectName]: 'renamed', [LABELS.root]: '/elsewhere' } });
  t.is(specHash(renamed), specHash(spec()));
});

test('desiredServices: health and dependsOn changes do not change the hash; env does', async (t) => {
  const config = (service: Record<string, unknown>) => ({
    services: { db: { image: 'db:1', ports: { sql: 5432 } }, app: { image: 'app:1', ports: { http: 8080 }, ...service } },
  });
  const base = await desiredOne(config({}), 'app');
  const withHealth = await desiredOne(config({ health: { http: { port: 'http', path: '/healthz' }, timeout: '5m' } }), 'app');
  const noHealth = await desiredOne(config({ health: false }), 'app');
  const withDeps = await desiredOne(config({ dependsOn: ['db'] }), 'app');
  const withEnv = await desiredOne(config({ env: { MODE: 'dev' } }), 'app');
  t.is(withHealth.hash, base.hash);
  t.is(noHealth.hash, base.hash);
  t.is(withDeps.hash, base.hash);
  t.not(withEnv.hash, base.hash);
});

test('desiredServices: a different project name (same directory) keeps the hash', async (t) => {
  const a = await desiredOne({ project: 'one', ...QDRANT }, 'qdrant');
  const b = await desiredOne({ project: 'two', ...QDRANT }, 'qdrant');
  t.not(a.spec.labels[LABELS.projectName], b.spec.labels[LABELS.projectName]);
  t.is(a.hash, b.hash);
});

test('desiredServices labels the spec with its hash and a per-field digest', async (t) => {
  const service = await desiredOne(QDRANT, 'qdrant');
  t.is(service.spec.labels[LABELS.configHash], service.hash);
  const digest = service.spec.labels[SPEC_DIGEST_LABEL]!;
  t.regex(digest, /^image=[0-9a-f]{6};command=[0-9a-f]{6};env=[0-9a-f]{6};ports=[0-9a-f]{6};bind=[0-9a-f]{6};volumes=[0-9a-f]{6};network=[0-9a-f]{6};labels=[0-9a-f]{6}$/);
  // The hash labels themselves are cidx labels: adding them does not change the hash.
  t.is(specHash(service.spec), service.hash);
  t.deepEqual(changedFields(digest, service.spec), []);
});

test('desiredServices runs containerSpec taps, and what they add is hashed', async (t) => {
  const plain = await desiredOne(QDRANT, 'qdrant');
  const hooks = createHooks();
  hooks.resolveSpec.tap('add-label', (spec, context) => ({ ...spec, labels: { ...spec.labels, 'com.example.service': context.service } }));
  const refined = await desiredOne(QDRANT, 'qdrant', { hooks });
  t.is(refined.spec.labels['com.example.service'], 'qdrant');
  t.not(refined.hash, plain.hash);
  t.deepEqual(changedFields(plain.spec.labels[SPEC_DIGEST_LABEL], refined.spec), ['labels']);
});

test('changedFields names exactly the fields that differ, in a fixed order', (t) => {
  const old = specDigest(spec());
  t.deepEqual(changedFields(old, spec({ env: { A: '1' } })), ['env']);
  t.deepEqual(changedFields(old, spec({ env: { A: '1' }, image: 'other' })), ['image', 'env']);
  t.deepEqual(changedFields(old, spec({ hostIp: '0.0.0.0', volumes: [] })), ['bind', 'volumes']);
  t.is(changedFields(undefined, spec()), undefined);
  t.is(changedFields('', spec()), undefined);
});

test('desiredServices: dependsOn, preferred ports and the default TCP probe on the first port', async (t) => {
  const raw = {
    services: {
      qdrant: { image: 'q', ports: { http: 6333, grpc: 6334 } },
      worker: { image: 'w', dependsOn: ['qdrant'] },
    },
    preferredPorts: { qdrant: 7333 },
  };
  const qdrant = await desiredOne(raw, 'qdrant');
  const worker = await desiredOne(raw, 'worker');
  t.deepEqual(qdrant.health, { tcp: { port: 'http' }, timeout: 60_000, interval: 50, successes: 1 });
  t.deepEqual({ ...qdrant.preferred }, { http: 7333 });
  t.is(worker.health, false, 'no ports: no default probe');
  t.deepEqual(worker.dependsOn, ['qdrant']);
  t.deepEqual({ ...worker.preferred }, {});
});

test('preferredPorts normalises a bare number to the first port and copies a map', (t) => {
  const { config } = contextFor({
    services: { q: { image: 'q', ports: { http: 6333, grpc: 6334 } }, o: { image: 'o', ports: { http: 11434 } } },
    preferredPorts: { q: 8080, o: { http: 21434 } },
  });
  // Spread: the result has a null prototype (see the test below).
  t.deepEqual({ ...preferredPorts(config, 'q') }, { http: 8080 });
  t.deepEqual({ ...preferredPorts(config, 'o') }, { http: 21434 });
  t.deepEqual({ ...preferredPorts(config, 'missing') }, {});
});

test("preferredPorts: services and ports named like Object's members find only what the config says", (t) => {
  const { config } = contextFor({
    services: { constructor: { image: 'c', ports: { toString: 80, hasOwnProperty: 81 } }, toString: { image: 't', ports: { constructor: 82 } } },
    preferredPorts: { toString: { constructor: 9082 } },
  });
  const forConstructor = preferredPorts(config, 'constructor');
  t.deepEqual({ ...forConstructor }, {});
  // Downstream code looks preferences up by port name: nothing may be inherited.
  t.is(forConstructor['toString'], undefined);
  t.is(forConstructor['hasOwnProperty'], undefined);
  t.deepEqual({ ...preferredPorts(config, 'toString') }, { constructor: 9082 });
  t.is(preferredPorts(config, 'hasOwnProperty')['constructor'], undefined);
});

test('another checkout gets its own container name; the hash differs only through its own volumes', async (t) => {
  const otherFile = PROJECT_FILE.replace('example-project', 'other-checkout');
  const stateless = { services: { ollama: { image: 'ollama/ollama', ports: { http: 11434 } } } };
  const here = await desiredOne(stateless, 'ollama');
  const there = await desiredOne(stateless, 'ollama', { configFile: otherFile });
  t.not(here.spec.name, there.spec.name);
  t.is(here.hash, there.hash);
  const withVolumes = await desiredOne(QDRANT, 'qdrant', { configFile: otherFile });
  t.not(withVolumes.hash, (await desiredOne(QDRANT, 'qdrant')).hash, 'volumes are project-scoped, so their names differ');
});

test('every service joins the project network under its own name; the network counts for drift, its project-scoped name does not', (t) => {
  const { project } = contextFor(QDRANT);
  const base = spec();
  t.deepEqual(base.network, { name: `cidx-${project.id}`, aliases: ['qdrant'] });
  t.not(specHash({ ...base, network: undefined }), specHash(base), 'leaving the network needs a new container');
  t.not(specHash({ ...base, network: { name: base.network!.name, aliases: ['qdrant', 'vectors'] } }), specHash(base), 'a new alias too');
  t.is(specHash({ ...base, network: { name: 'cidx-0therid', aliases: ['qdrant'] } }), specHash(base));
  t.deepEqual(changedFields(specDigest(base), { ...base, network: undefined }), ['network']);
});

test('volume names cannot collide across services: db + main-data and db-main + data get different volumes', (t) => {
  const { project } = contextFor(QDRANT);
  t.is(volumeName(project, 'db', 'main-data'), `cidx-${project.id}-db.main-data`);
  t.is(volumeName(project, 'db-main', 'data'), `cidx-${project.id}-db-main.data`);
  t.not(volumeName(project, 'db', 'main-data'), volumeName(project, 'db-main', 'data'));
  // The names earlier versions used were the same volume for both.
  t.is(legacyVolumeName(project, 'db', 'main-data'), legacyVolumeName(project, 'db-main', 'data'));
});

test('the hash is the one earlier versions computed: a container on legacy-named volumes is not drift', (t) => {
  const { project } = contextFor(QDRANT);
  const base = spec();
  const legacy = { ...base, volumes: base.volumes.map((mount) => ({ ...mount, source: mount.source.replace(/\.(?=[^.]+$)/, '-') })) };
  t.is(legacy.volumes[0]!.source, legacyVolumeName(project, 'qdrant', 'storage'));
  t.is(specHash(legacy), specHash(base));
  // Pinned: the hash of this spec as cidx computed it before volume names used `.` and containers had owner labels.
  t.is(specHash(base), '84765678340ba679');
  t.not(specHash({ ...base, volumes: [{ source: 'elsewhere', target: '/qdrant/storage' }] }), specHash(base), 'another source is still drift');
});
