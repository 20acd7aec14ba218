/**
 * One-shot jobs and env files on real Docker and real Podman, in one project
 * per runtime whose applies several assertions share: a job runs to
 * completion before its dependant starts and is kept, not run again; --rerun
 * runs it again; a changed `.env` value reruns it; a failing job fails the
 * apply with its exit code and log lines. The `.env` beside the config is
 * what the config reads from process.env; `envFile` variables reach the
 * containers without ever being in a process's argv or a cache file.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { watchArgv } from '../helpers/argv-watch.js';
import { withProject, type TestProject } from '../helpers/project.js';
import { service, stepsByService, type PlanStep } from '../helpers/reports.js';
import { finishedAtMs, inspectContainers, projectContainerIds, RUNTIMES, runtimeCli, runtimeShim, startedAtMs, TEST_IMAGE } from '../helpers/runtime.js';

const SECRET = `cidx-envfile-${randomBytes(8).toString('hex')}`;

/** Sleeps JOB_SLEEP seconds (ending at once on SIGTERM), then exits with JOB_EXIT. */
const JOB_COMMAND = ['sh', '-c', 'trap "exit 143" TERM; echo "migrating $RUN_TAG"; sleep "$JOB_SLEEP" & wait $!; echo "migrated $RUN_TAG"; exit "$JOB_EXIT"'];

/** Reads `.env` through process.env, as a user's config would; both services get `.env.web`. */
const CONFIG = `export default {
  services: {
    migrate: {
      image: ${JSON.stringify(TEST_IMAGE)},
      job: true,
      command: ${JSON.stringify(JOB_COMMAND)},
      env: { RUN_TAG: process.env.RUN_TAG ?? 'unset', JOB_EXIT: process.env.JOB_EXIT ?? '0', JOB_SLEEP: process.env.JOB_SLEEP ?? '1' },
      envFile: ['.env.web'],
    },
    web: {
      image: ${JSON.stringify(TEST_IMAGE)},
      ports: { http: 8080 },
      dependsOn: ['migrate'],
      envFile: ['.env.web', { path: '.env.optional', required: false }],
      env: { HTTP_PORTS: '8080', GREETING: process.env.GREETING ?? 'unset' },
    },
  },
};
`;

const dotEnv = (runTag: string, jobExit = '0') => `# the project's variables
export RUN_TAG=${runTag}
GREETING="hello \${WHO:-world}"
JOB_EXIT=${jobExit}
JOB_SLEEP='1'
`;

/** Files under `dir` whose content holds `needle`. */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.filter((candidate) => candidate.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    if ((await readFile(file, 'utf8').catch(() => '')).includes(needle)) found.push(file);
  }
  return found;
}

async function containerEnv(runtime: string, id: string): Promise<Map<string, string>> {
  const environ = await runtimeCli(runtime as 'docker', ['exec', id, 'cat', '/proc/1/environ']);
  return new Map(environ.split('\0').filter(Boolean).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] as const));
}

async function setUp(project: TestProject, runTag: string, jobExit?: string): Promise<void> {
  await writeFile(path.join(project.root, '.env'), dotEnv(runTag, jobExit));
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: a job runs before its dependant and only once; --rerun and a changed .env rerun it; a failing job fails the apply; env files reach the containers, never argv or the cache`, withProject, CONFIG, async (t, project) => {
    await setUp(project, 'one');
    await writeFile(path.join(project.root, '.env.web'), `API_TOKEN='${SECRET}'\nEXTRA=x # a comment\n`);

    // First apply, watched: the job's `run` (it has the env file too) dawdles 2 s, so the watch sees it in flight.
    const shim = await runtimeShim(runtime, path.dirname(project.root), { delayFirstRun: 2 });
    const first = project.spawn(['apply', '--json', '--runtime', runtime], { env: shim.env });
    const { result: applied, leaks, runsSeen } = await watchArgv(SECRET, first.result);
    t.is(applied.exitCode, 0, applied.describe());
    t.true(runsSeen > 0, 'the watch never saw a `run` in flight: it proves nothing');
    t.deepEqual(leaks, [], 'a process carried an env file value in its argv');
    t.deepEqual(await filesHolding(project.cacheDir, SECRET), [], 'an env file value was written to the cache');

    const report = applied.json<ProjectReport>();
    const migrate = service(report, 'migrate');
    t.like(migrate, { action: 'created', state: 'exited', healthy: null, job: { status: 'succeeded', exitCode: 0 } });
    t.truthy(migrate.job?.finishedAt);
    t.like(service(report, 'web'), { action: 'created', state: 'running', healthy: true });
    const [job, web] = await inspectContainers(runtime, [migrate.container!.id, service(report, 'web').container!.id]);
    t.true(finishedAtMs(job!) <= startedAtMs(web!), 'web started before the job had finished');
    const env = await containerEnv(runtime, web!.Id);
    t.is(env.get('API_TOKEN'), SECRET);
    t.is(env.get('EXTRA'), 'x');
    t.is(env.get('GREETING'), 'hello world', '.env interpolation, seen by the config');

    // Second apply: the job that succeeded is kept, not run again.
    const again = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(again.exitCode, 0, again.describe());
    t.like(service(again.json(), 'migrate'), { action: 'unchanged', container: { id: migrate.container!.id }, job: { status: 'succeeded' } });

    // --rerun: a misspelt job is a usage error with a suggestion; the right name runs it again.
    const misspelt = await project.cidx(['apply', '--runtime', runtime, '--rerun', 'migrat']);
    t.is(misspelt.exitCode, 2, misspelt.describe());
    t.regex(misspelt.stderr, /no job named "migrat"; did you mean "migrate"\?/);
    const rerun = await project.cidx(['apply', '--json', '--runtime', runtime, '--rerun', 'migrate']);
    t.is(rerun.exitCode, 0, rerun.describe());
    const reran = service(rerun.json(), 'migrate');
    t.like(reran, { action: 'reran', job: { status: 'succeeded', exitCode: 0 } });
    t.not(reran.container!.id, migrate.container!.id);
    t.is(service(rerun.json(), 'web').action, 'unchanged');

    // A changed .env value the job reads: plan says it reruns, and why.
    await setUp(project, 'two');
    const plan = await project.cidx(['plan', '--json', '--runtime', runtime]);
    t.is(plan.exitCode, 0, plan.describe());
    t.like(stepsByService(plan.json<{ steps: PlanStep[] }>().steps), { migrate: { op: 'rerun' as PlanStep['op'], reason: 'env changed' }, web: { op: 'noop' } });

    // A failing job fails the apply with its exit code and its last log lines; its dependant is skipped.
    await setUp(project, 'two', '3');
    const failing = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(failing.exitCode, 1, failing.describe());
    const failed = service(failing.json(), 'migrate');
    t.like(failed, { action: 'failed', job: { status: 'failed', exitCode: 3 }, error: { code: 'JOB_FAILED', message: 'job migrate failed with exit code 3' } });
    t.deepEqual(failed.error?.details?.slice(-2), ['migrating two', 'migrated two']);
    t.is(service(failing.json(), 'web').action, 'skipped');
    t.regex(failing.stderr, /error\[JOB_FAILED\] job migrate failed with exit code 3\n {2}migrating two\n {2}migrated two/);

    const status = await project.cidx(['status', '--json', '--runtime', runtime]);
    t.is(status.exitCode, 0, status.describe());
    t.like(service(status.json(), 'migrate'), { state: 'exited', healthy: false, job: { status: 'failed', exitCode: 3 } });

  });
}

/** A job that runs for a minute unless stopped; it ends at once on SIGTERM. */
const SLOW_JOB = {
  services: {
    seed: { image: TEST_IMAGE, job: true, command: ['sh', '-c', 'trap "exit 143" TERM; echo seeding; sleep 60 & wait $!'] },
  },
};

for (const runtime of RUNTIMES) {
  test(`${runtime}: Ctrl-C while apply waits for a job stops the job's container; the next plan reruns it; down removes it`, withProject, SLOW_JOB, async (t, project) => {
    const apply = project.spawn(['apply', '--runtime', runtime], { processGroup: true });
    await apply.stderrLine(/seed: running the job/);
    apply.killGroup('SIGINT');
    const ended = await apply.result;
    t.is(ended.exitCode, 130, ended.describe());
    const containers = await inspectContainers(runtime, await projectContainerIds(runtime, project.id));
    t.is(containers.length, 1);
    t.like(containers[0]?.State, { Status: 'exited', ExitCode: 143 });

    const plan = await project.cidx(['plan', '--json', '--runtime', runtime]);
    t.is(plan.exitCode, 0, plan.describe());
    t.deepEqual(plan.json<{ steps: PlanStep[] }>().steps, [{ service: 'seed', op: 'rerun' as PlanStep['op'], reason: 'last run failed (exit code 143)' }]);

    const down = await project.cidx(['down', '--runtime', runtime]);
    t.is(down.exitCode, 0, down.describe());
    t.deepEqual(await projectContainerIds(runtime, project.id), []);
  });
}
