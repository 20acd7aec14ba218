/**
 * examples/runtime-plugin: a third engine's runtime plugin, built only from
 * `cidx` and `cidx/oci-cli`, serves a project end to end. "nerd" is the
 * Docker CLI under another name (examples/runtime-plugin/nerd), which notes
 * every call it is given in NERD_LOG: the proof that the containers went
 * through it and not through the built-in Docker runtime.
 */
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import { projectId, type ProjectReport } from '../../core/index.js';
import { CLI, containerNames, httpStatus, removeByLabel, REPO_ROOT, repoFileUrl, TEST_IMAGE } from './project.js';

const NERD = path.join(REPO_ROOT, 'examples', 'runtime-plugin', 'nerd');

async function nerdProject(t: import('ava').ExecutionContext) {
  const base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'cidx-nerd-')));
  const log = path.join(base, 'nerd.log');
  await writeFile(
    path.join(base, 'cidx.config.ts'),
    `import { defineConfig } from 'cidx';
import { nerdRuntime } from '${repoFileUrl('examples/runtime-plugin/nerd-runtime.mjs')}';
export default defineConfig({
  runtime: 'nerd',
  services: { web: { image: '${TEST_IMAGE}', ports: { http: 8080 }, env: { HTTP_PORTS: '8080' }, health: { http: { port: 'http', path: '/' } } } },
  plugins: [nerdRuntime({ binary: ${JSON.stringify(NERD)} })],
});
`,
  );
  const id = projectId(base);
  t.teardown(async () => {
    await removeByLabel('docker', id);
    await execa('docker', ['network', 'rm', `cidx-${id}`], { reject: false });
    await rm(base, { recursive: true, force: true });
  });
  const { CIDX_RUNTIME: _ignored, ...env } = process.env;
  const cidx = async (args: string[]) => {
    const result = await execa('node', [CLI, ...args], {
      cwd: base,
      env: { ...env, CIDX_CACHE_DIR: path.join(base, '.cache'), NERD_LOG: log, NO_COLOR: '1' },
      extendEnv: false,
      reject: false,
      timeout: 120_000,
      stdin: 'ignore',
    });
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  };
  /** The calls nerd was given since the last look. */
  let seen = 0;
  const calls = async () => {
    const lines = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    const fresh = lines.slice(seen);
    seen = lines.length;
    return fresh;
  };
  return { id, cidx, calls };
}

test("a project with runtime: 'nerd' and the example plugin applies through nerd, healthy, its URL answering; status and down work too", async (t) => {
  const { id, cidx, calls } = await nerdProject(t);

  const apply = await cidx(['apply', '--json']);
  t.is(apply.exitCode, 0, apply.stderr);
  const report = JSON.parse(apply.stdout) as ProjectReport;
  t.is(report.runtime, 'nerd');
  t.like(report.services[0], { name: 'web', state: 'running', healthy: true, action: 'created' });
  const url = report.services[0]!.ports[0]!.url!;
  t.is(await httpStatus(url), 200, url);
  const applyCalls = await calls();
  t.true(applyCalls.some((call) => call.startsWith(`run -d --name cidx-${id}-web `)), applyCalls.join('\n'));
  t.true(applyCalls.some((call) => call.startsWith('network create ')), 'the plugin has the networks capability');

  const again = await cidx(['apply', '--json']);
  t.is(again.exitCode, 0, again.stderr);
  t.is((JSON.parse(again.stdout) as ProjectReport).services[0]!.action, 'unchanged');
  t.deepEqual(
    (await calls()).map((call) => call.split(' ').slice(0, 2).join(' ')),
    ['ps -a', 'container inspect'],
    'a no-op apply costs the same two calls as on the built-in Docker runtime',
  );

  const status = await cidx(['status', '--json']);
  t.is(status.exitCode, 0, status.stderr);
  t.like((JSON.parse(status.stdout) as ProjectReport).services[0], { name: 'web', state: 'running' });
  t.true((await calls()).length > 0, 'status asked nerd');

  // doctor checks the runtime the config's plugin provides, through that plugin.
  const doctor = await cidx(['doctor', '--json']);
  const nerd = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> }).checks.find((check) => check.name === 'nerd');
  t.like(nerd, { ok: true }, doctor.stdout);
  t.regex(nerd?.detail ?? '', /^client \S+, engine \S+/);
  t.true((await calls()).some((call) => call.startsWith('version') || call.startsWith('info')), 'doctor asked nerd');

  const down = await cidx(['down']);
  t.is(down.exitCode, 0, down.stderr);
  t.true((await calls()).some((call) => call.startsWith('rm -f ')), 'down removed through nerd');
  t.deepEqual(await containerNames('docker', id), []);
});

test('a runtime name no plugin serves lists the ones the plugins provide, the example plugin among them', async (t) => {
  const { cidx, calls } = await nerdProject(t);
  const result = await cidx(['status', '--runtime', 'nope']);
  t.is(result.exitCode, 1);
  t.regex(result.stderr, /no plugin provides the runtime "nope"/);
  t.regex(result.stderr, /Available: docker, podman, nerd, auto\./);
  t.deepEqual(await calls(), [], 'naming the runtimes calls no engine');
});
