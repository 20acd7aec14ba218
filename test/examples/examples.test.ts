/**
 * The examples the README points at keep working: they type-check against
 * the public API, the quickstart plans without pulling, the offline example
 * (the README's first command) comes up healthy, and the monorepo's two
 * projects stay apart. Each runs on a copy in a throwaway directory, so a
 * user's own run of the examples is never touched.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import test from 'ava';
import { execa } from 'execa';
import { projectId } from '../../core/index.js';
import type { ProjectReport } from '../../core/model.js';
import { httpGet } from '../helpers/net.js';
import { containerNames, httpStatus, removeByLabel, REPO_ROOT, RUNTIMES, tempProject } from './project.js';

const example = (relative: string) => readFile(path.join(REPO_ROOT, 'examples', relative), 'utf8');

test('the examples type-check against the public API (examples/tsconfig.json)', async (t) => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = await execa('node', [tsc, '-p', path.join(REPO_ROOT, 'examples', 'tsconfig.json')], { reject: false });
  t.is(result.exitCode, 0, String(result.stdout));
});

for (const runtime of RUNTIMES) {
  test(`${runtime}: plan accepts the quickstart on its real images without pulling them`, async (t) => {
    const project = await tempProject(t, runtime, { 'cidx.config.ts': await example('quickstart/cidx.config.ts') });
    const result = await project.cidx(['plan', '--json']);
    t.is(result.exitCode, 0, result.stderr);
    t.deepEqual(JSON.parse(result.stdout), {
      steps: ['qdrant', 'ollama', 'data-cleaner'].map((service) => ({ service, op: 'create', reason: 'not created yet' })),
    });
  });

  test(`${runtime}: the offline example brings up three healthy services whose URLs answer, then goes away`, async (t) => {
    const project = await tempProject(t, runtime, { 'cidx.config.ts': await example('offline/cidx.config.ts') });
    const report = await project.apply();
    t.deepEqual(
      report.services.map(({ name, state, healthy, action }) => ({ name, state, healthy, action })),
      ['qdrant', 'ollama', 'data-cleaner'].map((name) => ({ name, state: 'running', healthy: true, action: 'created' })),
    );
    const urls = report.services.flatMap((service) => service.ports.filter((port) => port.name === 'http').map((port) => port.url!));
    t.is(urls.length, 3);
    for (const url of urls) {
      t.regex(url, /^http:\/\/127\.0\.0\.1:\d+$/, 'published on loopback');
      t.is(await httpStatus(url), 200, url);
    }
    t.true((await project.apply()).services.every((service) => service.action === 'unchanged'), 'a second apply is a no-op');
    const down = await project.cidx(['down', '--volumes']);
    t.is(down.exitCode, 0, down.stderr);
    t.deepEqual(await containerNames(runtime, project.id), []);
  });

  test(`${runtime}: the stack example seeds through a job, reads .env, mounts a repo file, leaves the tools profile out until asked`, async (t) => {
    const project = await tempProject(t, runtime, {
      'cidx.config.ts': await example('stack/cidx.config.ts'),
      '.env': await example('stack/.env'),
      'db/init.sql': await example('stack/db/init.sql'),
    });
    const report = await project.apply();
    t.deepEqual(
      report.services.map(({ name, state, action }) => ({ name, state, action })),
      [
        { name: 'db', state: 'running', action: 'created' },
        { name: 'migrate', state: 'exited', action: 'created' },
        { name: 'api', state: 'running', action: 'created' },
      ],
    );
    t.like(report.services.find((service) => service.name === 'migrate'), { job: { status: 'succeeded', exitCode: 0 } });
    t.deepEqual(report.excluded?.map((service) => service.name), ['admin']);
    const api = report.services.find((service) => service.name === 'api')!.ports[0]!.url!;
    t.is((await httpGet(api)).body, 'hello from .env', 'the greeting comes from .env');
    t.is((await httpGet(`${api}/seed/schema.sql`)).body, await example('stack/db/init.sql'), 'api serves what the job copied from the mounted file');

    const again = await project.apply();
    t.true(again.services.every((service) => service.action === 'unchanged'), 'a job that succeeded is not run again');
    const tools = await project.cidx(['apply', '--profile', 'tools', '--json']);
    t.is(tools.exitCode, 0, tools.stderr);
    t.like((JSON.parse(tools.stdout) as ProjectReport).services.find((service) => service.name === 'admin'), { action: 'created', healthy: true });
    const down = await project.cidx(['down', '--volumes']);
    t.is(down.exitCode, 0, down.stderr);
    t.deepEqual(await containerNames(runtime, project.id), []);
  });

  test(`${runtime}: the monorepo's two projects get different ids, containers and ports, and down in one spares the other`, async (t) => {
    const monorepo = await tempProject(t, runtime, {
      'packages/indexer-a/cidx.config.ts': await example('monorepo/packages/indexer-a/cidx.config.ts'),
      'packages/indexer-b/cidx.config.ts': await example('monorepo/packages/indexer-b/cidx.config.ts'),
    });
    // tempProject tears down the project it knows (indexer-a); indexer-b gets its own teardown.
    const b = path.join(monorepo.dir, '..', 'indexer-b');
    t.teardown(async () => {
      await monorepo.cidx(['down', '--volumes'], b);
      await removeByLabel(runtime, projectId(b));
    });

    const reportA = await monorepo.apply();
    const resultB = await monorepo.cidx(['apply', '--json'], b);
    t.is(resultB.exitCode, 0, resultB.stderr);
    const reportB = JSON.parse(resultB.stdout) as typeof reportA;

    t.like(reportA.project, { name: 'indexer-a' });
    t.like(reportB.project, { name: 'indexer-b' });
    t.not(reportA.project.id, reportB.project.id);
    const hostPorts = (report: typeof reportA) => report.services.flatMap((service) => service.ports.map((port) => port.host));
    t.is(new Set([...hostPorts(reportA), ...hostPorts(reportB)]).size, 4, 'no host port shared');

    await monorepo.cidx(['down', '--volumes']);
    t.deepEqual(await containerNames(runtime, reportA.project.id), []);
    t.deepEqual(await containerNames(runtime, reportB.project.id), [`cidx-${reportB.project.id}-qdrant`, `cidx-${reportB.project.id}-worker`]);
  });
}
