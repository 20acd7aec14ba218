/**
 * UDP and explicit protocols, end to end through the pure parts: the schema's
 * forms, the spec and its hash, the publish argument, the report's URL, the
 * engines' refusal of a taken UDP port, the port cache file and `cidx env`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { envVariables } from '../../../core/env-vars.js';
import { portReports, portsPublished } from '../../../core/reconcile/report.js';
import { specDigest, specHash } from '../../../core/reconcile/desired.js';
import { configSchema } from '../../../schemas/config.js';
import { publishArg } from '../../../plugins/oci-cli/cli-runtime.js';
import { classifyFailure } from '../../../plugins/oci-cli/failures.js';
import { cacheFile, readCache } from '../../../plugins/port-cache/store.js';
import { desiredOne, inertRuntime, observedFrom } from '../helpers/contexts.js';
import { withTempDir } from '../helpers/fixtures.js';

const withPorts = (ports: unknown, extra: Record<string, unknown> = {}) => ({ services: { dns: { image: 'img', ports, ...extra } } });
const parsePorts = (ports: unknown) => configSchema.parse(withPorts(ports)).services.dns!.ports;
const messages = (raw: unknown) => configSchema.safeParse(raw).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

test('every TCP form comes out as the plain number it always was; UDP as { port, protocol }', (t) => {
  t.deepEqual(parsePorts({ a: 80, b: '81', c: '82/tcp', d: { port: 83 }, e: { port: 84, protocol: 'tcp' } }), { a: 80, b: 81, c: 82, d: 83, e: 84 });
  t.deepEqual(parsePorts({ a: '53/udp', b: { port: 54, protocol: 'udp' }, c: '55/UDP' }), {
    a: { port: 53, protocol: 'udp' },
    b: { port: 54, protocol: 'udp' },
    c: { port: 55, protocol: 'udp' },
  });
});

test('bad port values say which forms are accepted; a compose mapping points to preferredPorts', (t) => {
  for (const bad of ['53/sctp', '0/udp', '70000', 'http', { port: 53, protocol: 'icmp' }, { port: 53, proto: 'udp' }]) {
    const found = messages(withPorts({ dns: bad }));
    t.true(found.length > 0 && found.every((line) => line.startsWith('services.dns.ports.dns')), `${JSON.stringify(bad)}: ${found.join(' | ')}`);
  }
  t.regex(messages(withPorts({ web: '8080:80' })).join('\n'), /preferredPorts/);
  t.regex(messages(withPorts({ dns: { port: 53, protocol: 'icmp' } })).join('\n'), /expected 'tcp' or 'udp'/);
});

test('53/tcp and 53/udp are two ports, not a duplicate; the same number twice in one protocol is', (t) => {
  t.deepEqual(messages(withPorts({ tcp: 53, udp: '53/udp' })), []);
  t.deepEqual(messages(withPorts({ a: '53/udp', b: { port: 53, protocol: 'udp' } })), ['services.dns.ports.b: container port 53/udp is already declared as "a"; declare each container port once']);
  t.deepEqual(messages(withPorts({ a: 53, b: '53/tcp' })), ['services.dns.ports.b: container port 53 is already declared as "a"; declare each container port once']);
});

test('a health probe naming a UDP port is a config error', (t) => {
  const found = messages(withPorts({ dns: '53/udp' }, { health: { tcp: { port: 'dns' } } }));
  t.deepEqual(found, ['services.dns.health.tcp.port: port "dns" is UDP; tcp probes connect over TCP: name a TCP port, or probe with `command`']);
  t.regex(messages(withPorts({ dns: '53/udp' }, { health: { http: { port: 53 } } })).join('\n'), /unknown port 53/);
  t.deepEqual(messages(withPorts({ dns: '53/udp', admin: 8080 }, { health: { http: { port: 'admin' } } })), []);
});

test('a config without UDP ports hashes exactly as before UDP existed, whichever TCP form it uses', async (t) => {
  // Pinned in desired.test.ts too: the hash of this qdrant spec since volume names used `.`.
  const qdrant = (ports: unknown) => ({
    services: {
      qdrant: {
        image: 'qdrant/qdrant:v1.12.4',
        ports,
        env: { QDRANT__LOG_LEVEL: 'INFO', QDRANT__SERVICE__GRPC_PORT: 6334 },
        volumes: { storage: '/qdrant/storage', snapshots: '/qdrant/snapshots' },
      },
    },
  });
  for (const ports of [{ http: 6333, grpc: 6334 }, { http: '6333/tcp', grpc: { port: 6334, protocol: 'tcp' } }]) {
    const service = await desiredOne(qdrant(ports), 'qdrant');
    t.is(service.hash, '84765678340ba679', JSON.stringify(ports));
    t.deepEqual(service.spec.ports, [{ name: 'http', container: 6333 }, { name: 'grpc', container: 6334 }], 'no protocol key on a TCP port');
  }
  const tcp = await desiredOne(qdrant({ http: 6333, grpc: 6334 }), 'qdrant');
  const udp = await desiredOne(qdrant({ http: 6333, grpc: '6334/udp' }), 'qdrant');
  t.not(udp.hash, tcp.hash, 'turning a port into UDP recreates the container');
  t.is(specDigest(udp.spec).split(';').filter((pair, index) => pair !== specDigest(tcp.spec).split(';')[index]).map((pair) => pair.split('=')[0]).join(), 'ports');
  t.is(specHash({ ...tcp.spec, ports: tcp.spec.ports.map((port) => ({ ...port, protocol: 'tcp' as const })) }), tcp.hash, "a plugin's explicit 'tcp' is TCP");
});

test('publishArg names the protocol; the default probe skips a UDP first port', async (t) => {
  t.is(publishArg({ container: 53, protocol: 'udp', hostIp: '127.0.0.1', hostPort: undefined }), '127.0.0.1::53/udp');
  t.is(publishArg({ container: 80, hostIp: '::1', hostPort: 8080 }), '[::1]:8080:80/tcp');
  const dns = await desiredOne(withPorts({ dns: '53/udp', admin: 8080 }), 'dns');
  t.deepEqual(dns.health && dns.health.tcp, { port: 'admin' });
  t.false((await desiredOne(withPorts({ dns: '53/udp' }), 'dns')).health, 'no TCP port, no default probe');
});

test('reports: 53/tcp and 53/udp read their own bindings; a UDP URL is udp://, never http://', async (t) => {
  const service = await desiredOne(withPorts({ tcp: 53, udp: '53/udp' }), 'dns');
  const container = observedFrom(service, {
    ports: [
      { container: 53, hostIp: '127.0.0.1', hostPort: 41000 },
      { container: 53, hostIp: '127.0.0.1', hostPort: 42000, protocol: 'udp' },
    ],
  });
  const [tcp, udp] = portReports(service, container, inertRuntime());
  t.like(tcp, { name: 'tcp', protocol: 'tcp', host: 41000, url: 'http://127.0.0.1:41000' });
  t.like(udp, { name: 'udp', protocol: 'udp', host: 42000, url: 'udp://127.0.0.1:42000' });
  t.false(portsPublished(service, observedFrom(service, { ports: [{ container: 53, hostIp: '127.0.0.1', hostPort: 41000 }] })), 'the UDP binding is still missing');
  t.deepEqual(envVariables([{ service, ports: [tcp!, udp!] }]), {
    CIDX_DNS_TCP_HOST: '127.0.0.1',
    CIDX_DNS_TCP_PORT: '41000',
    CIDX_DNS_TCP_URL: 'http://127.0.0.1:41000',
    CIDX_DNS_UDP_HOST: '127.0.0.1',
    CIDX_DNS_UDP_PORT: '42000',
    CIDX_DNS_UDP_URL: 'udp://127.0.0.1:42000',
  });
});

test("both engines' refusal of a taken UDP port is a port refusal naming the port", (t) => {
  // Captured here: a node dgram socket held 127.0.0.1:45353 while each engine published 127.0.0.1:45353:53/udp.
  const stderr = {
    docker: 'docker: Error response from daemon: driver failed programming external connectivity on endpoint x (d62c): Error starting userland proxy: listen udp4 127.0.0.1:45353: bind: address already in use.',
    podman: 'Error: cannot listen on the UDP port: listen udp4 127.0.0.1:45353: bind: address already in use',
  };
  for (const [runtime, text] of Object.entries(stderr)) {
    const error = classifyFailure({ runtime, binary: runtime, args: ['run'], what: 'starting x', stderr: text, spawnError: undefined, timedOut: false, address: 'local' });
    t.like(error, { code: 'PORT_REFUSED', port: 45353 }, runtime);
  }
});

test('the port cache carries the protocol; files written before UDP existed read as TCP', async (t) => {
  await withTempDir('cidx-ports-', async (dir) => {
    const file = cacheFile(dir, 'p1', 'local');
    await mkdir(path.dirname(file), { recursive: true });
    const services = {
      old: { http: { host: 41000, hostIp: '127.0.0.1', runtime: 'docker' } },
      dns: { dns: { host: 42000, hostIp: '127.0.0.1', protocol: 'udp', runtime: 'podman' }, odd: { host: 42001, hostIp: '', protocol: 'sctp' } },
    };
    await writeFile(file, JSON.stringify({ version: 1, root: '/x', updatedAt: '', services }));
    const read = await readCache(file);
    t.deepEqual({ ...read.old!.http! }, { host: 41000, hostIp: '127.0.0.1', runtime: 'docker' });
    t.deepEqual({ ...read.dns!.dns! }, { host: 42000, hostIp: '127.0.0.1', protocol: 'udp', runtime: 'podman' });
    t.deepEqual({ ...read.dns!.odd! }, { host: 42001, hostIp: '' }, 'an unknown protocol reads as TCP');
  });
});
