/**
 * parseInspect against trimmed copies of real `container inspect` output
 * (test/fixtures/json/*-inspect*.json), captured from Docker Engine 20.10.24
 * and Podman 4.3.1 with image localhost/cidx-test:1. Each array is one
 * inspect call over: a running container published on 127.0.0.1::80 with cidx
 * labels; a created one; one that exited with code 3 (no labels); a paused one
 * published with `-p 8` (all interfaces); one with a passing HEALTHCHECK.
 */
import test from 'ava';
import type { ObservedContainer } from '../../../../core/model.js';
import { parseAnonymousVolumeNames, parseAnonymousVolumes, parseInspect } from '../../../../plugins/oci-cli/inspect.js';
import { fixtureJson, fixtureText } from '../../helpers/fixtures.js';

const byName = (containers: ObservedContainer[]) => new Map(containers.map((container) => [container.name, container]));

test('docker: one inspect of five containers decodes to five, in order, names without "/"', (t) => {
  const containers = parseInspect(fixtureText('docker-inspect.json'));
  t.deepEqual(containers.map((c) => c.name), ['cidxut-run', 'cidxut-created', 'cidxut-exited', 'cidxut-nolabel', 'cidxut-health']);
  t.true(containers.every((c) => /^[0-9a-f]{64}$/.test(c.id)));
});

test('docker: a running container with cidx labels', (t) => {
  const run = byName(parseInspect(fixtureText('docker-inspect.json'))).get('cidxut-run')!;
  t.like(run, {
    id: '9cf5a1141fc266cfd5f9fcd4eb4baba37612ded6e120b129c7d6f6fbf3a2a125',
    service: 'a',
    projectId: 'p1',
    configHash: 'h1',
    image: 'localhost/cidx-test:1',
    state: 'running',
    exitCode: 0,
    runtimeHealth: undefined,
  });
  t.regex(run.startedAt ?? '', /^2026-/);
  t.deepEqual(run.ports, [{ container: 80, hostIp: '127.0.0.1', hostPort: 32776 }]);
  t.deepEqual(run.labels, { 'io.cidx.config-hash': 'h1', 'io.cidx.project': 'p1', 'io.cidx.service': 'a' });
});

test('docker: a created container has no ports yet and no start time', (t) => {
  const created = byName(parseInspect(fixtureText('docker-inspect.json'))).get('cidxut-created')!;
  t.is(created.state, 'created');
  t.is(created.service, 'b');
  t.is(created.configHash, undefined);
  t.is(created.startedAt, undefined, "Docker's 0001-01-01 means never started");
  t.deepEqual(created.ports, [], 'HostConfig.PortBindings has HostPort "" until Docker starts it');
});

test('docker: exited with its code; no labels means no service', (t) => {
  const exited = byName(parseInspect(fixtureText('docker-inspect.json'))).get('cidxut-exited')!;
  t.is(exited.state, 'exited');
  t.is(exited.exitCode, 3);
  t.is(exited.service, '');
  t.is(exited.projectId, '');
  t.deepEqual(exited.labels, {});
  t.deepEqual(exited.ports, []);
});

test('docker: paused, published on all interfaces: both IPv4 and IPv6 bindings', (t) => {
  const paused = byName(parseInspect(fixtureText('docker-inspect.json'))).get('cidxut-nolabel')!;
  t.is(paused.state, 'paused');
  t.deepEqual(paused.ports, [
    { container: 8, hostIp: '0.0.0.0', hostPort: 32768 },
    { container: 8, hostIp: '::', hostPort: 32768 },
  ]);
});

test('docker: the HEALTHCHECK status is read from State.Health', (t) => {
  t.is(byName(parseInspect(fixtureText('docker-inspect.json'))).get('cidxut-health')!.runtimeHealth, 'healthy');
});

test('docker: a stopped container loses its published ports (NetworkSettings empty, PortBindings without HostPort)', (t) => {
  const [stopped] = parseInspect(fixtureText('docker-inspect-stopped.json'));
  t.is(stopped!.state, 'exited');
  t.deepEqual(stopped!.ports, []);
});

test('podman: names, states and labels', (t) => {
  const containers = byName(parseInspect(fixtureText('podman-inspect.json')));
  t.deepEqual([...containers.keys()], ['cidxut-run', 'cidxut-created', 'cidxut-exited', 'cidxut-nolabel', 'cidxut-health']);
  t.like(containers.get('cidxut-run'), { service: 'a', projectId: 'p1', configHash: 'h1', state: 'running', image: 'localhost/cidx-test:1' });
  t.is(containers.get('cidxut-created')!.state, 'created');
  t.like(containers.get('cidxut-exited'), { state: 'exited', exitCode: 3 });
  t.is(containers.get('cidxut-nolabel')!.state, 'paused');
});

test('podman: null Labels read as no labels', (t) => {
  const raw = fixtureJson<Array<{ Name: string; Config: { Labels: unknown } }>>('podman-inspect.json');
  t.is(raw.find((c) => c.Name === 'cidxut-exited')!.Config.Labels, null, 'the fixture really has null Labels');
  const exited = byName(parseInspect(JSON.stringify(raw))).get('cidxut-exited')!;
  t.deepEqual(exited.labels, {});
  t.is(exited.service, '');
  t.is(exited.configHash, undefined);
});

test('podman: ports are known from create on, and an empty HostIp is kept empty', (t) => {
  const containers = byName(parseInspect(fixtureText('podman-inspect.json')));
  t.deepEqual(containers.get('cidxut-run')!.ports, [{ container: 80, hostIp: '127.0.0.1', hostPort: 42507 }]);
  t.deepEqual(containers.get('cidxut-created')!.ports, [{ container: 80, hostIp: '127.0.0.1', hostPort: 45747 }]);
  t.deepEqual(containers.get('cidxut-nolabel')!.ports, [{ container: 8, hostIp: '', hostPort: 43063 }]);
});

test('podman: an empty Health.Status is no status; "starting" is kept (no systemd, checks never run)', (t) => {
  const containers = byName(parseInspect(fixtureText('podman-inspect.json')));
  t.is(containers.get('cidxut-run')!.runtimeHealth, undefined);
  t.is(containers.get('cidxut-health')!.runtimeHealth, 'starting');
});

test("podman: a stopped container keeps its port", (t) => {
  const [stopped] = parseInspect(fixtureText('podman-inspect-stopped.json'));
  t.is(stopped!.state, 'exited');
  t.deepEqual(stopped!.ports, [{ container: 80, hostIp: '127.0.0.1', hostPort: 42507 }]);
});

test('podman: with NetworkSettings.Ports empty or null, ports come from HostConfig.PortBindings', (t) => {
  const [raw] = fixtureJson<Array<Record<string, unknown>>>('podman-inspect-stopped.json');
  for (const ports of [{}, null]) {
    const variant = { ...raw, NetworkSettings: { Ports: ports } };
    const [stopped] = parseInspect(JSON.stringify([variant]));
    t.deepEqual(stopped!.ports, [{ container: 80, hostIp: '127.0.0.1', hostPort: 42507 }], JSON.stringify(ports));
  }
});

test("podman's other state words map onto cidx's states", (t) => {
  const [raw] = fixtureJson<Array<{ State: Record<string, unknown> }>>('podman-inspect-stopped.json');
  const stateOf = (status: string) => parseInspect(JSON.stringify([{ ...raw, State: { ...raw!.State, Status: status } }]))[0]!.state;
  t.is(stateOf('configured'), 'created');
  t.is(stateOf('initialized'), 'created');
  t.is(stateOf('stopped'), 'exited');
  t.is(stateOf('stopping'), 'running');
  t.is(stateOf('removing'), 'removing');
  t.is(stateOf('something-new'), 'unknown');
});

test('TCP and UDP bindings with a real host port are kept, UDP marked as such; SCTP is not', (t) => {
  const json = JSON.stringify([
    {
      Id: 'x',
      Name: '/x',
      Config: { Image: 'img', Labels: { 'io.cidx.service': 's' } },
      State: { Status: 'running', ExitCode: 0 },
      NetworkSettings: {
        Ports: {
          '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
          '54/sctp': [{ HostIp: '127.0.0.1', HostPort: '5454' }],
          '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '' }, { HostIp: '127.0.0.1', HostPort: '0' }],
          '81/tcp': null,
          '82': [{ HostIp: '::1', HostPort: '8082' }],
        },
      },
    },
  ]);
  const ports = [...parseInspect(json)[0]!.ports].sort((a, b) => a.container - b.container);
  t.deepEqual(ports, [
    { container: 53, hostIp: '127.0.0.1', hostPort: 5353, protocol: 'udp' },
    { container: 80, hostIp: '127.0.0.1', hostPort: 8080 },
    { container: 82, hostIp: '::1', hostPort: 8082 },
  ]);
});

test('ephemeralPorts: Docker leaves runtime-chosen HostPorts empty in PortBindings (a restart may move them); Podman pins them', (t) => {
  const docker = byName(parseInspect(fixtureText('docker-inspect.json')));
  t.true(docker.get('cidxut-run')!.ephemeralPorts);
  t.true(docker.get('cidxut-created')!.ephemeralPorts);
  t.false(docker.get('cidxut-exited')!.ephemeralPorts, 'no ports published at all');
  const podman = byName(parseInspect(fixtureText('podman-inspect.json')));
  t.false(podman.get('cidxut-run')!.ephemeralPorts);
  t.false(podman.get('cidxut-created')!.ephemeralPorts);
  t.false(podman.get('cidxut-nolabel')!.ephemeralPorts);
});

test('an empty inspect is no containers', (t) => {
  t.deepEqual(parseInspect('[]'), []);
});

test('a container with nothing but an Id still decodes', (t) => {
  const containers = parseInspect('[{"Id":"abc"}]');
  t.is(containers.length, 1);
  t.like(containers[0], {
    id: 'abc',
    name: '',
    service: '',
    projectId: '',
    configHash: undefined,
    image: '',
    state: 'unknown',
    exitCode: undefined,
    startedAt: undefined,
    ports: [],
    labels: {},
    runtimeHealth: undefined,
  });
});

// `Mounts` as both engines printed them for the test image with `VOLUME /anon` and `-v rc-probe-vol:/data`.
const DOCKER_MOUNTS = [
  { Type: 'volume', Name: 'rc-probe-vol', Source: '/var/lib/docker/volumes/rc-probe-vol/_data', Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' },
  { Type: 'volume', Name: '63464b6dd0b876d355d98856694ce5e7d08b73004c988f49fc1c329937d7270b', Source: '/var/lib/docker/volumes/63464b6dd0b876d355d98856694ce5e7d08b73004c988f49fc1c329937d7270b/_data', Destination: '/anon', Driver: 'local', Mode: '', RW: true, Propagation: '' },
  { Type: 'bind', Source: '/etc/hosts', Destination: '/etc/hosts', Mode: '', RW: false, Propagation: 'rprivate' },
];
const PODMAN_MOUNTS = [
  { Type: 'volume', Name: '1776d3de6c8342889b41a55afe6782acf68754fd2fce2c52d4b956f01c9bb759', Source: '/var/lib/containers/storage/volumes/1776d3de6c8342889b41a55afe6782acf68754fd2fce2c52d4b956f01c9bb759/_data', Destination: '/anon', Driver: 'local', Mode: '', Options: ['nodev', 'exec', 'nosuid', 'rbind'], RW: true, Propagation: 'rprivate' },
  { Type: 'volume', Name: 'rc-probe-vol', Source: '/var/lib/containers/storage/volumes/rc-probe-vol/_data', Destination: '/data', Driver: 'local', Mode: '', Options: ['nosuid', 'nodev', 'rbind'], RW: true, Propagation: 'rprivate' },
];

test('parseAnonymousVolumes: only the volumes the engine named itself, never named volumes or binds', (t) => {
  t.deepEqual(parseAnonymousVolumes(JSON.stringify([{ Id: 'x', Mounts: DOCKER_MOUNTS }])), [
    { source: '63464b6dd0b876d355d98856694ce5e7d08b73004c988f49fc1c329937d7270b', target: '/anon' },
  ]);
  t.deepEqual(parseAnonymousVolumes(JSON.stringify([{ Id: 'x', Mounts: PODMAN_MOUNTS }])), [
    { source: '1776d3de6c8342889b41a55afe6782acf68754fd2fce2c52d4b956f01c9bb759', target: '/anon' },
  ]);
});

test('parseAnonymousVolumes: no mounts, null mounts, no container', (t) => {
  t.deepEqual(parseAnonymousVolumes('[{"Id":"x"}]'), []);
  t.deepEqual(parseAnonymousVolumes('[{"Id":"x","Mounts":null}]'), []);
  t.deepEqual(parseAnonymousVolumes('[]'), []);
});

test('parseAnonymousVolumeNames: each container\'s engine-named volumes by its id; named volumes never', (t) => {
  const json = JSON.stringify([{ Id: 'a', Mounts: DOCKER_MOUNTS }, { Id: 'b', Mounts: PODMAN_MOUNTS }, { Id: 'd', Mounts: null }]);
  t.deepEqual([...parseAnonymousVolumeNames(json)], [
    ['a', ['63464b6dd0b876d355d98856694ce5e7d08b73004c988f49fc1c329937d7270b']],
    ['b', ['1776d3de6c8342889b41a55afe6782acf68754fd2fce2c52d4b956f01c9bb759']],
    ['d', []],
  ]);
  t.deepEqual([...parseAnonymousVolumeNames('[]')], []);
});
