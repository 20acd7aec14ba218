/**
 * Env values are secrets as often as not. Every local user can read any
 * process's argv (`ps`, /proc/PID/cmdline), so no value may ever be part of
 * one: not cidx's, not the docker/podman CLI's, not while a `run` pulls.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import test from 'ava';
import { watchArgv } from '../helpers/argv-watch.js';
import { withProject } from '../helpers/project.js';
import { service } from '../helpers/reports.js';
import { RUNTIMES, runtimeCli, runtimeShim, TEST_IMAGE } from '../helpers/runtime.js';

const SECRET = `cidx-secret-${randomBytes(8).toString('hex')}`;

/** Values with everything an env file or a shell could mangle, each holding the secret. */
const ENV: Record<string, string> = {
  TOKEN: SECRET,
  WITH_EQUALS: `a=b=${SECRET}==`,
  SPACES: `  lead ${SECRET} trail  `,
  QUOTES: `"${SECRET}" 'single' \`tick\``,
  DOLLAR: `$HOME \${${SECRET}} $(id) \\n`,
  HASH: `#${SECRET}`,
  UNICODE: `ü ✓ 😀 ${SECRET}`,
  MULTI_LINE: `-----BEGIN KEY-----\n${SECRET}\n-----END KEY-----\n`,
  // Names the engine CLI itself reads: they belong to the container, and must not steer the CLI.
  PATH: `/bin:/sbin:/usr/bin:/${SECRET}`,
  HOME: `/${SECRET}`,
  DOCKER_HOST: `unix:///${SECRET}.sock`,
  DOCKER_CONFIG: `/${SECRET}`,
  CONTAINER_HOST: `unix:///${SECRET}.sock`,
  XDG_RUNTIME_DIR: `/${SECRET}`,
  TMPDIR: `/${SECRET}`,
  HTTP_PROXY: `http://${SECRET}:1`,
};

const config = {
  services: {
    vault: { image: TEST_IMAGE, env: { ...ENV, HTTP_PORTS: '8080' }, ports: { http: 8080 }, health: { http: { port: 'http', path: '/healthz' }, timeout: '30s' } },
  },
};

for (const runtime of RUNTIMES) {
  test(`${runtime}: no env value appears in any process's argv while \`${runtime} run\` is in flight, and the container sees each value exactly`, withProject, config, async (t, project) => {
    // The first run dawdles 2 s before reaching the engine, as a pull would; its argv is cidx's.
    const shim = await runtimeShim(runtime, path.dirname(project.root), { delayFirstRun: 2 });
    const apply = project.spawn(['apply', '--json', '--debug', '--runtime', runtime], { env: shim.env });
    const { result, leaks, runsSeen } = await watchArgv(SECRET, apply.result);

    t.is(result.exitCode, 0, result.describe());
    t.true(runsSeen > 0, 'the watch never saw the `run` in flight: it proves nothing');
    t.deepEqual(leaks, [], 'a process carried an env value in its argv');
    t.false(result.stdout.includes(SECRET) || result.stderr.includes(SECRET), `--debug output shows an env value\n${result.describe()}`);

    const id = service(result.json(), 'vault').container!.id;
    // PID 1's environment, NUL-separated: exact, whatever the value holds.
    const environ = await runtimeCli(runtime, ['exec', id, 'cat', '/proc/1/environ']);
    const seen = new Map(
      environ
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] as const),
    );
    for (const [name, value] of Object.entries(ENV)) t.is(seen.get(name), value, name);
  });
}
