/**
 * UDP ports and profiles on the real engines, in one lean project per
 * runtime: a service publishing 53/tcp, 53/udp and a second UDP port whose
 * preferred host port is taken (a UDP socket held here), beside a service in
 * the `debug` profile. UDP answers must come back over a real socket at the
 * reported host port; the excluded service is listed, comes in with
 * --profile, and is never removed for being left out again.
 */
import dgram from 'node:dgram';
import test from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { endpoint } from '../helpers/net.js';
import { withProject } from '../helpers/project.js';
import { service } from '../helpers/reports.js';
import { projectContainers, RUNTIMES, TEST_IMAGE } from '../helpers/runtime.js';

/** TEST_IMAGE plus a static /bin/udp-echo (test/fixtures/image/build.sh): busybox's nc has no UDP mode. */
const UDP_IMAGE = process.env.CIDX_TEST_UDP_IMAGE ?? 'localhost/cidx-test-udp:1';

/** Sends `text` to host:port over UDP and resolves with the answer. */
function udpAsk(host: string, port: number, text: string, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const done = (error: Error | undefined, answer?: string) => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(answer!);
    };
    const timer = setTimeout(() => done(new Error(`no UDP answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('message', (message) => done(undefined, message.toString()));
    socket.on('error', (error) => done(error));
    socket.send(text, port, host);
  });
}

/** Binds a UDP port on 127.0.0.1 (any free one) and keeps it until closed. */
function holdUdpPort(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

const config = (heldPort: number) => ({
  services: {
    dns: {
      image: UDP_IMAGE,
      // Each udp-echo binds its port, serves it in a child and execs the rest: /entry.sh ends as PID 1.
      command: ['/bin/udp-echo', '53', '/bin/udp-echo', '5353', '/entry.sh'],
      env: { TCP_PORTS: '53' },
      ports: { tcp: 53, udp: '53/udp', echo: { port: 5353, protocol: 'udp' } },
      health: { tcp: { port: 'tcp' }, timeout: '30s' },
    },
    extra: { image: TEST_IMAGE, profiles: ['debug'], health: false },
  },
  preferredPorts: { dns: { echo: heldPort } },
});

const udpPort = (report: ProjectReport, name: string) => service(report, 'dns').ports.find((port) => port.name === name)!;

for (const runtime of RUNTIMES) {
  test(`${runtime}: UDP ports answer at their reported host ports; a profile's service is excluded until --profile, and never removed for being left out`, async (t) => {
    const held = await holdUdpPort();
    const heldPort = held.address().port;
    try {
      await withProject.exec(t, config(heldPort), async (t, project) => {
        const first = await project.cidx(['apply', '--json', '--runtime', runtime]);
        t.is(first.exitCode, 0, first.describe());
        const report = first.json();
        t.deepEqual(report.services.map((entry) => entry.name), ['dns'], 'extra is left out without its profile');
        t.deepEqual(report.excluded, [{ name: 'extra', profiles: ['debug'], reason: 'profile debug not active', state: 'missing' }]);
        const [tcp, udp, echo] = [udpPort(report, 'tcp'), udpPort(report, 'udp'), udpPort(report, 'echo')];
        t.like(tcp, { protocol: 'tcp', hostIp: '127.0.0.1' });
        t.regex(tcp.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
        t.like(udp, { protocol: 'udp', hostIp: '127.0.0.1' });
        t.is(udp.url, `udp://127.0.0.1:${udp.host}`);
        // The held UDP port was refused by the engine: the runtime chose another, reported as a fallback.
        t.like(echo, { protocol: 'udp', preferred: heldPort, fallback: true });
        t.not(echo.host, heldPort);

        // Really over UDP, at the reported host ports.
        t.is(await udpAsk('127.0.0.1', udp.host!, 'ping'), 'ping');
        t.is(await udpAsk('127.0.0.1', echo.host!, 'pong'), 'pong');

        const port = await project.cidx(['port', 'dns', '53/udp', '--runtime', runtime]);
        t.is(port.stdout.trim(), `127.0.0.1:${udp.host}`, port.describe());
        const portJson = await project.cidx(['port', 'dns', 'udp', '--json', '--runtime', runtime]);
        t.like(portJson.json(), { name: 'udp', protocol: 'udp', host: udp.host, url: udp.url });
        const env = (await project.cidx(['env', '--format', 'json', '--runtime', runtime])).json<Record<string, string>>();
        t.like(env, { CIDX_DNS_UDP_URL: udp.url!, CIDX_DNS_UDP_PORT: String(udp.host), CIDX_DNS_TCP_URL: tcp.url! });

        const plan = await project.cidx(['plan', '--runtime', runtime]);
        t.regex(plan.stdout, /^- excluded\s+extra\s+profile debug not active$/m, plan.describe());

        // With the profile: extra comes in, dns is kept as it is.
        const withProfile = await project.cidx(['apply', '--profile', 'debug', '--json', '--runtime', runtime]);
        t.is(withProfile.exitCode, 0, withProfile.describe());
        t.deepEqual(withProfile.json().services.map((entry) => [entry.name, entry.action]), [['dns', 'unchanged'], ['extra', 'created']]);
        t.is(withProfile.json().excluded, undefined);

        // Without it again: extra is listed as excluded but running, and nothing plans to remove it.
        const planJson = (await project.cidx(['plan', '--json', '--runtime', runtime])).json<{ steps: Array<{ service: string; op: string }>; excluded: unknown }>();
        t.deepEqual(planJson.steps.map((step) => [step.service, step.op]), [['dns', 'noop']]);
        t.deepEqual(planJson.excluded, [{ name: 'extra', profiles: ['debug'], reason: 'profile debug not active', state: 'running' }]);
        const status = await project.cidx(['status', '--runtime', runtime]);
        t.regex(status.stdout, /- excluded\s+extra\s+profile debug not active; its container from an earlier apply is left as it is/, status.describe());
        const again = await project.cidx(['apply', '--json', '--runtime', runtime]);
        t.is(again.exitCode, 0, again.describe());
        t.deepEqual((await projectContainers(runtime, project.id)).map((container) => container.Config.Labels?.['io.cidx.service']).sort(), ['dns', 'extra']);

        // down removes the left-out service's container too; the next apply asks for the cached UDP ports again.
        const down = await project.cidx(['down', '--runtime', runtime]);
        t.is(down.exitCode, 0, down.describe());
        t.deepEqual(await projectContainers(runtime, project.id), []);
        const back = await project.cidx(['apply', '--json', '--runtime', runtime]);
        t.is(back.exitCode, 0, back.describe());
        t.is(udpPort(back.json(), 'udp').host, udp.host, 'the port cache gave 53/udp its host port back');
        const { host, port: hostPort } = endpoint(udpPort(back.json(), 'udp').url!);
        t.is(await udpAsk(host, hostPort, 'again'), 'again');
      });
    } finally {
      held.close();
    }
  });
}
