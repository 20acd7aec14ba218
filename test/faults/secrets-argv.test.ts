/**
 * Env values are secrets as often as not. Every local user can read any
 * process's argv (`ps`, /proc/PID/cmdline), so no value may ever be part of
 * one: not cidx's, not the docker/podman CLI's, not while a `run` pulls.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
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

/** Every process's command line that holds `needle`, as "pid: argv". */
async function cmdlinesHolding(needle: string): Promise<{ hits: string[]; runs: number }> {
  const hits: string[] = [];
  let runs = 0;
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const argv = await readFile(`/proc/${pid}/cmdline`).catch(() => Buffer.alloc(0));
    const text = argv.toString('utf8');
    if (text.includes(needle)) hits.push(`${pid}: ${text.split('\0').join(' ')}`);
    if (/\0run\0-d\0--name\0cidx-/.test(text)) runs++;
  }
  return { hits, runs };
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: no env value appears in any process's argv while \`${runtime} run\` is in flight, and the container sees each value exactly`, withProject, config, async (t, project) => {
    // The first run dawdles 2 s before reaching the engine, as a pull would; its argv is cidx's.
    const shim = await runtimeShim(runtime, path.dirname(project.root), { delayFirstRun: 2 });
    const apply = project.spawn(['apply', '--json', '--debug', '--runtime', runtime], { env: shim.env });
    let done = false;
    const leaks = new Set<string>();
    let runsSeen = 0;
    const watching = (async () => {
      while (!done) {
        const { hits, runs } = await cmdlinesHolding(SECRET);
        for (const hit of hits) leaks.add(hit);
        runsSeen += runs;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const result = await apply.result;
    done = true;
    await watching;

    t.is(result.exitCode, 0, result.describe());
    t.true(runsSeen > 0, 'the watch never saw the `run` in flight: it proves nothing');
    t.deepEqual([...leaks], [], 'a process carried an env value in its argv');
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
