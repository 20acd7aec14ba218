import test from 'ava';
import type { PortBinding, ServiceReport } from '../../../../core/model.js';
import { inReadingOrder, pickBinding, portReports, portsPublished, reachableHost } from '../../../../core/reconcile/report.js';
import { desiredOne, observedFrom } from '../../helpers/contexts.js';

const local = { engineHost: undefined };
const b = (hostIp: string, hostPort: number, container = 6333): PortBinding => ({ container, hostIp, hostPort });

test('pickBinding prefers the binding on the configured address', (t) => {
  const bindings = [b('0.0.0.0', 32769), b('127.0.0.1', 32770), b('::', 32768)];
  t.deepEqual(pickBinding(bindings, 6333, '127.0.0.1'), b('127.0.0.1', 32770));
  t.deepEqual(pickBinding([b('::1', 40000), b('127.0.0.1', 40001)], 6333, '::1'), b('::1', 40000));
});

test('pickBinding takes IPv4 over IPv6 when Docker gave them different ports (moby#42442)', (t) => {
  // As seen on Docker 20.10 for `-p 6333`: 0.0.0.0:32769 and [::]:32768.
  t.deepEqual(pickBinding([b('::', 32768), b('0.0.0.0', 32769)], 6333, '127.0.0.1'), b('0.0.0.0', 32769));
  t.deepEqual(pickBinding([b('0.0.0.0', 32769), b('::', 32768)], 6333, '10.0.0.5'), b('0.0.0.0', 32769));
});

test("pickBinding accepts Podman's empty HostIp as IPv4-compatible", (t) => {
  t.deepEqual(pickBinding([b('::', 1), b('', 43063)], 6333, '127.0.0.1'), b('', 43063));
});

test('pickBinding falls back to an IPv6 binding when it is all there is', (t) => {
  t.deepEqual(pickBinding([b('::', 32768)], 6333, '127.0.0.1'), b('::', 32768));
});

test('pickBinding only looks at the asked container port', (t) => {
  const bindings = [b('127.0.0.1', 1000, 6334), b('127.0.0.1', 2000, 6333)];
  t.deepEqual(pickBinding(bindings, 6333, '127.0.0.1'), b('127.0.0.1', 2000));
  t.is(pickBinding(bindings, 80, '127.0.0.1'), undefined);
  t.is(pickBinding([], 6333, '127.0.0.1'), undefined);
});

test('reachableHost: wildcard addresses become loopback of the same family', (t) => {
  t.is(reachableHost(b('0.0.0.0', 1), local), '127.0.0.1');
  t.is(reachableHost(b('', 1), local), '127.0.0.1');
  t.is(reachableHost(b('::', 1), local), '::1');
});

test('reachableHost: a specific address is used as is', (t) => {
  t.is(reachableHost(b('127.0.0.1', 1), local), '127.0.0.1');
  t.is(reachableHost(b('192.168.1.20', 1), local), '192.168.1.20');
  t.is(reachableHost(b('::1', 1), local), '::1');
});

test("reachableHost: a remote engine's wildcard binding is reached at the engine's host, a specific address as is", (t) => {
  for (const ip of ['0.0.0.0', '', '::']) t.is(reachableHost(b(ip, 1), { engineHost: 'build-box' }), 'build-box');
  t.is(reachableHost(b('10.0.0.7', 1), { engineHost: 'build-box' }), '10.0.0.7');
});

test("reachableHost: a remote engine's loopback binding is reachable from nowhere here, never from this machine's loopback", (t) => {
  for (const ip of ['127.0.0.1', '127.0.0.2', '::1']) t.is(reachableHost(b(ip, 1), { engineHost: 'build-box' }), undefined);
  const endpoint = { uri: 'tcp://198.18.0.2:2375', host: '198.18.0.2', local: false };
  t.is(reachableHost(b('127.0.0.1', 1), { engineHost: '198.18.0.2', endpoint }), undefined);
});

const QDRANT = { services: { qdrant: { image: 'q', ports: { http: 6333, grpc: 6334 } } }, preferredPorts: { qdrant: { http: 6333 } } };

test('portReports: no container yet → nulls, preferred still shown, no fallback', async (t) => {
  const service = await desiredOne(QDRANT, 'qdrant');
  t.deepEqual(portReports(service, undefined, local), [
    { name: 'http', container: 6333, protocol: 'tcp', host: null, hostIp: null, preferred: 6333, fallback: false, url: null },
    { name: 'grpc', container: 6334, protocol: 'tcp', host: null, hostIp: null, preferred: null, fallback: false, url: null },
  ]);
});

test('portReports: got the preferred port → no fallback; got another → fallback', async (t) => {
  const service = await desiredOne(QDRANT, 'qdrant');
  const onPreferred = observedFrom(service, { ports: [b('127.0.0.1', 6333), b('127.0.0.1', 41000, 6334)] });
  t.deepEqual(portReports(service, onPreferred, local), [
    { name: 'http', container: 6333, protocol: 'tcp', host: 6333, hostIp: '127.0.0.1', preferred: 6333, fallback: false, url: 'http://127.0.0.1:6333' },
    { name: 'grpc', container: 6334, protocol: 'tcp', host: 41000, hostIp: '127.0.0.1', preferred: null, fallback: false, url: 'http://127.0.0.1:41000' },
  ]);
  const elsewhere = observedFrom(service, { ports: [b('127.0.0.1', 32771), b('127.0.0.1', 41000, 6334)] });
  const [http] = portReports(service, elsewhere, local);
  t.is(http!.host, 32771);
  t.true(http!.fallback);
});

test('portReports: a port the container does not publish (yet) has no URL', async (t) => {
  const service = await desiredOne(QDRANT, 'qdrant');
  const partly = observedFrom(service, { ports: [b('127.0.0.1', 32771)] });
  const [http, grpc] = portReports(service, partly, local);
  t.is(http!.url, 'http://127.0.0.1:32771');
  t.is(grpc!.host, null);
  t.is(grpc!.url, null);
  t.false(portsPublished(service, partly));
  t.true(portsPublished(service, observedFrom(service, { ports: [b('127.0.0.1', 1), b('127.0.0.1', 2, 6334)] })));
});

test("portReports: Podman's empty HostIp reports the configured bind address", async (t) => {
  const service = await desiredOne(QDRANT, 'qdrant');
  const [http] = portReports(service, observedFrom(service, { ports: [b('', 43063)] }), local);
  t.is(http!.hostIp, '127.0.0.1');
  t.is(http!.url, 'http://127.0.0.1:43063');
});

test('portReports: IPv6 hosts are bracketed in URLs', async (t) => {
  const service = await desiredOne({ ...QDRANT, bind: '::1' }, 'qdrant');
  const [http] = portReports(service, observedFrom(service, { ports: [b('::1', 40000)] }), local);
  t.is(http!.hostIp, '::1');
  t.is(http!.url, 'http://[::1]:40000');
});

test('portReports: with a remote engine the URL of a wildcard binding uses its host, the report keeps the binding address', async (t) => {
  const service = await desiredOne({ ...QDRANT, bind: '0.0.0.0' }, 'qdrant');
  const [http] = portReports(service, observedFrom(service, { ports: [b('0.0.0.0', 32771)] }), { engineHost: 'build-box' });
  t.is(http!.hostIp, '0.0.0.0');
  t.is(http!.url, 'http://build-box:32771');
  t.is(http!.unreachable, undefined);
});

test('portReports: a loopback binding on a remote engine has no URL, and says why and what to do', async (t) => {
  const service = await desiredOne(QDRANT, 'qdrant');
  const [http] = portReports(service, observedFrom(service, { ports: [b('127.0.0.1', 32771)] }), { engineHost: 'build-box' });
  t.is(http!.host, 32771);
  t.is(http!.url, null);
  t.regex(http!.unreachable ?? '', /127\.0\.0\.1 of build-box.*loopback.*bind: '0\.0\.0\.0'/);
});

test("portReports: several copies (replicas) each get their URL in instances; the port's own URL is the first copy's", async (t) => {
  const service = await desiredOne({ ...QDRANT, bind: '0.0.0.0' }, 'qdrant');
  const instances = [
    { name: 'qdrant.1', ports: [b('198.18.0.6', 32770)] },
    { name: 'qdrant.2', ports: [b('198.18.0.7', 32771)] },
  ];
  const [http] = portReports(service, observedFrom(service, { ports: instances.flatMap((copy) => copy.ports), instances }), local);
  t.is(http!.url, 'http://198.18.0.6:32770');
  t.deepEqual(http!.instances, [
    { name: 'qdrant.1', host: 32770, url: 'http://198.18.0.6:32770' },
    { name: 'qdrant.2', host: 32771, url: 'http://198.18.0.7:32771' },
  ]);
  const [single] = portReports(service, observedFrom(service, { ports: instances[0]!.ports, instances: instances.slice(0, 1) }), local);
  t.is(single!.instances, undefined, 'one copy is just the port');
  const [plain] = portReports(service, observedFrom(service, { ports: [b('0.0.0.0', 32770)] }), local);
  t.false('instances' in plain!, 'a plain container has none');
});

test('inReadingOrder puts keys in the documented order and drops undefined ones', (t) => {
  const report = {
    ports: [],
    container: null,
    error: undefined,
    healthy: true,
    state: 'running',
    name: 'qdrant',
    reason: 'up to date',
    action: 'unchanged',
  } as unknown as ServiceReport;
  t.deepEqual(Object.keys(inReadingOrder(report)), ['name', 'state', 'healthy', 'action', 'reason', 'container', 'ports']);
});
