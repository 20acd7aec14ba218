import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parsePsJson } from '../../../../plugins/oci-cli/ps-json.js';

const fixture = fileURLToPath(new URL('../../../../../test/fixtures/json/podman-ps.json', import.meta.url));

test('podman ps JSON decodes to observed containers with cidx labels, states and published ports', async (t) => {
  const containers = parsePsJson(await readFile(fixture, 'utf8'));
  const byService = Object.fromEntries(containers.map((container) => [container.service, container]));
  t.deepEqual(Object.keys(byService).sort(), ['cleaner', 'ollama', 'qdrant']);
  for (const container of containers) {
    t.is(container.projectId, '4c978538');
    t.regex(container.configHash ?? '', /^[0-9a-f]{16}$/);
    t.is(container.name, `cidx-4c978538-${container.service}`);
    t.false(container.ephemeralPorts, 'podman keeps the host ports it chose at create');
  }
  t.is(byService.qdrant!.state, 'running');
  t.is(byService.cleaner!.state, 'exited');
  t.is(byService.cleaner!.exitCode, 0);
  t.deepEqual(byService.qdrant!.ports.map((port) => port.container).sort(), [6333, 6334]);
  t.true(byService.qdrant!.ports.every((port) => port.hostIp === '127.0.0.1' && port.hostPort > 0));
  t.is(byService.cleaner!.ports.length, 1, 'a stopped container still shows its pinned port');
  t.regex(byService.qdrant!.startedAt ?? '', /^\d{4}-\d\d-\d\dT/);
});

test('a port range expands into one binding per port; udp is kept and marked, unpublished ports are left out', (t) => {
  const [container] = parsePsJson(
    JSON.stringify([
      {
        Id: 'abc',
        Names: ['x'],
        Labels: null,
        State: 'configured',
        Ports: [
          { host_ip: '', container_port: 7000, host_port: 41000, range: 3, protocol: 'tcp' },
          { host_ip: '127.0.0.1', container_port: 53, host_port: 5353, range: 1, protocol: 'udp' },
          { host_ip: '127.0.0.1', container_port: 80, host_port: 0, range: 1, protocol: 'tcp' },
        ],
      },
    ]),
  );
  t.is(container!.state, 'created');
  t.is(container!.service, '');
  t.deepEqual(container!.ports, [
    { container: 7000, hostIp: '', hostPort: 41000 },
    { container: 7001, hostIp: '', hostPort: 41001 },
    { container: 7002, hostIp: '', hostPort: 41002 },
    { container: 53, hostIp: '127.0.0.1', hostPort: 5353, protocol: 'udp' },
  ]);
});

test('empty output and null mean no containers', (t) => {
  t.deepEqual(parsePsJson(''), []);
  t.deepEqual(parsePsJson('null'), []);
  t.deepEqual(parsePsJson('[]'), []);
});
