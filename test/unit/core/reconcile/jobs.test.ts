/**
 * Jobs (`job: true`) in the planner and in an apply over the fake runtime:
 * a job that succeeded is kept, not restarted; one that failed, drifted or is
 * named by --rerun runs again; its dependants wait for its exit; a failure or
 * a timeout fails it with the exit code and the last log lines.
 */
import test from 'ava';
import { CidxError, isCidxError } from '../../../../core/errors.js';
import { createHooks } from '../../../../core/hooks.js';
import type { ContainerSpec, ObservedContainer } from '../../../../core/model.js';
import { executePlan } from '../../../../core/reconcile/execute.js';
import { replacementName } from '../../../../core/reconcile/match.js';
import { jobReport, rerunSet } from '../../../../core/reconcile/jobs.js';
import { plan, type Step } from '../../../../core/reconcile/plan.js';
import { applyVetoes } from '../../../../core/plan-review.js';
import { contextFor, desiredFor, desiredOne, observedFrom } from '../../helpers/contexts.js';
import { fakeRuntime, type FakeRuntime } from '../../helpers/fake-runtime.js';

const IMAGE = 'localhost/cidx-test:2';
const STACK = {
  services: {
    migrate: { image: IMAGE, command: ['migrate'], job: true },
    web: { image: IMAGE, ports: { http: 8080 }, dependsOn: ['migrate'] },
  },
};
const FINISHED = '2026-12-01T10:00:00.000Z';

const brief = (steps: Step[], service = 'migrate') => {
  const step = steps.find((candidate) => candidate.service === service)!;
  return { op: step.op, reason: step.reason };
};

const table: Array<{ title: string; observed: (migrate: Awaited<ReturnType<typeof desiredOne>>) => ObservedContainer[]; raw?: unknown; rerun?: string[]; expected: { op: Step['op']; reason: string } }> = [
  { title: 'never run: create', observed: () => [], expected: { op: 'create', reason: 'not run yet' } },
  {
    title: 'exited 0 with this config: kept, never restarted',
    observed: (migrate) => [observedFrom(migrate, { state: 'exited', exitCode: 0, finishedAt: FINISHED })],
    expected: { op: 'noop', reason: `succeeded at ${FINISHED}` },
  },
  {
    title: 'exited non-zero: rerun, with the exit code',
    observed: (migrate) => [observedFrom(migrate, { state: 'exited', exitCode: 3 })],
    expected: { op: 'rerun', reason: 'last run failed (exit code 3)' },
  },
  {
    title: 'still running: kept (apply waits for it)',
    observed: (migrate) => [observedFrom(migrate, { state: 'running' })],
    expected: { op: 'noop', reason: 'still running: apply waits for it' },
  },
  {
    title: 'created but never started: start',
    observed: (migrate) => [observedFrom(migrate, { state: 'created' })],
    expected: { op: 'start', reason: 'created but not run yet' },
  },
  {
    title: 'succeeded with another command: rerun, saying what changed',
    observed: (migrate) => [observedFrom(migrate, { state: 'exited', exitCode: 0 })],
    raw: { services: { ...STACK.services, migrate: { ...STACK.services.migrate, command: ['migrate', '--all'] } } },
    expected: { op: 'rerun', reason: 'command changed' },
  },
  {
    title: '--rerun: rerun although it succeeded',
    observed: (migrate) => [observedFrom(migrate, { state: 'exited', exitCode: 0 })],
    rerun: ['migrate'],
    expected: { op: 'rerun', reason: 'asked to (--rerun)' },
  },
];

for (const row of table) {
  test(`planner, job: ${row.title}`, async (t) => {
    const desired = await desiredFor(STACK);
    const migrate = desired.find((service) => service.name === 'migrate')!;
    const observed = row.observed(migrate);
    const wanted = await desiredFor(row.raw ?? STACK);
    t.deepEqual(brief(plan(wanted, observed, { rerun: new Set(row.rerun ?? []) })), row.expected);
  });
}

test('planner: a long-lived service that exited is still started (jobs change nothing for services)', async (t) => {
  const alone = { services: { web: { image: IMAGE, ports: { http: 8080 } } } };
  const [web] = await desiredFor(alone);
  t.deepEqual(brief(plan([web!], []), 'web'), { op: 'create', reason: 'not created yet' });
  t.deepEqual(brief(plan([web!], [observedFrom(web!, { state: 'exited', exitCode: 0 })]), 'web'), { op: 'start', reason: 'container exited (code 0)' });
});

test('a job gets no health probe and a 10m timeout by default; `{ timeout }` sets it', async (t) => {
  const migrate = await desiredOne(STACK, 'migrate');
  t.is(migrate.health, false);
  t.is(migrate.jobTimeoutMs, 600_000);
  t.true(migrate.spec.job);
  const bounded = await desiredOne({ services: { migrate: { image: IMAGE, job: { timeout: '30s' } } } }, 'migrate');
  t.is(bounded.jobTimeoutMs, 30_000);
  t.is(bounded.hash, (await desiredOne({ services: { migrate: { image: IMAGE, job: true } } }, 'migrate')).hash, 'the timeout is no reason to rerun');
  t.not(bounded.hash, (await desiredOne({ services: { migrate: { image: IMAGE } } }, 'migrate')).hash, 'becoming a job is');
});

test('the spec hash of a config without job or envFile is what it was before they existed', async (t) => {
  // Computed with the cidx of before jobs and env files; a change here recreates every user's containers.
  const raw = {
    services: {
      qdrant: { image: 'qdrant/qdrant:v1.12.4', ports: { http: 6333, grpc: 6334 }, env: { A: '1', B: 'two' }, volumes: { storage: '/qdrant/storage' }, command: ['serve', '--x'], dependsOn: ['ollama'] },
      ollama: { image: 'ollama/ollama:0.5.7', ports: { http: 11434 } },
    },
  };
  const desired = await desiredFor(raw);
  t.deepEqual(
    desired.map((service) => [service.name, service.hash, service.spec.labels['io.cidx.spec-digest']]),
    [
      ['qdrant', '5d66bd07f2c64f12', 'image=c55601;command=b2e650;env=287388;ports=071b1e;bind=882704;volumes=ce083b;network=7ecc43;labels=44136f'],
      ['ollama', '42247fbf063f1197', 'image=7393c4;command=74234e;env=44136f;ports=eeeeba;bind=882704;volumes=4f53cd;network=df8426;labels=44136f'],
    ],
  );
});

async function applyWith(runtime: FakeRuntime, raw: unknown = STACK) {
  const desired = await desiredFor(raw);
  const context = { ...contextFor(raw), runtime, hooks: createHooks() };
  return executePlan(context, desired, plan(desired, await runtime.listProject(desired[0]!.spec.labels['io.cidx.project']!)));
}

test('apply: the job runs to completion before its dependant is created, and reports its exit', async (t) => {
  let runtime!: FakeRuntime;
  const exits: number[] = [];
  runtime = fakeRuntime({
    run: async (base, spec, ports) => {
      const started = await base(spec, ports);
      if (spec.job) setTimeout(() => (exits.push(runtime.calls.length), Object.assign(runtime.containers.get(started.id)!, { state: 'exited', exitCode: 0, finishedAt: FINISHED })), 40);
      return started;
    },
  });
  const report = await applyWith(runtime);
  const migrate = report.services.find((service) => service.name === 'migrate')!;
  t.is(migrate.action, 'created');
  t.is(migrate.error, undefined);
  t.deepEqual(migrate.job, { status: 'succeeded', exitCode: 0, finishedAt: FINISHED });
  t.is(migrate.healthy, null);
  const webRun = runtime.calls.findIndex((call) => call.method === 'run' && (call.args[0] as ContainerSpec).name.endsWith('-web'));
  t.true(exits.length === 1 && exits[0]! <= webRun, 'web was created before the job exited');
  t.is(report.services.find((service) => service.name === 'web')?.action, 'created');

  // The next apply keeps both: the finished job is not restarted.
  const again = await applyWith(runtime);
  t.deepEqual(again.services.map((service) => service.action), ['unchanged', 'unchanged']);
  t.is(runtime.callsOf('start').length, 0);
});

test('apply: a failing job fails with its exit code and last log lines; its dependant is skipped', async (t) => {
  let runtime!: FakeRuntime;
  runtime = fakeRuntime({
    run: async (base, spec, ports) => {
      const started = await base(spec, ports);
      if (spec.job) setTimeout(() => Object.assign(runtime.containers.get(started.id)!, { state: 'exited', exitCode: 3, finishedAt: FINISHED }), 20);
      return started;
    },
    logs: async () => 'migrating\nboom: table exists\n',
  });
  const report = await applyWith(runtime);
  const [migrate, web] = report.services;
  t.is(migrate?.action, 'failed');
  t.is(migrate?.error?.code, 'JOB_FAILED');
  t.is(migrate?.error?.message, 'job migrate failed with exit code 3');
  t.deepEqual(migrate?.error?.details, ['migrating', 'boom: table exists']);
  t.deepEqual(migrate?.job, { status: 'failed', exitCode: 3, finishedAt: FINISHED });
  t.is(web?.action, 'skipped');
  t.is(web?.error?.message, 'not started: migrate did not succeed');
  t.is(runtime.callsOf('run').length, 1);
});

test('apply: a job found running is waited for and reported by how it ended, not as the plan saw it', async (t) => {
  const raw = { services: { migrate: { image: IMAGE, job: true } } };
  const [migrate] = await desiredFor(raw);
  const running = observedFrom(migrate!, { state: 'running' });
  const runtime = fakeRuntime({}, [running]);
  // The engine's record changes; what the plan observed (the object it holds) does not.
  setTimeout(() => runtime.containers.set(running.id, { ...running, state: 'exited', exitCode: 0, finishedAt: FINISHED }), 60);
  const report = await applyWith(runtime, raw);
  t.like(report.services[0], { name: 'migrate', state: 'exited', job: { status: 'succeeded', exitCode: 0 } });
  t.is(report.services[0]!.error, undefined);
  t.is(runtime.callsOf('run').length, 0, 'the running job is not started again');
});

test('apply: a rerun whose replacement cannot be made reports the old container it kept, as a failed recreate does', async (t) => {
  const raw = { services: { migrate: { image: IMAGE, job: true } } };
  const [migrate] = await desiredFor(raw);
  const failedRun = observedFrom(migrate!, { state: 'exited', exitCode: 3 });
  const runtime = fakeRuntime({ create: async () => { throw new CidxError('IMAGE_UNAVAILABLE', 'no such image'); } }, [failedRun]);
  const report = await applyWith(runtime, raw);
  t.like(report.services[0], { action: 'failed', state: 'exited', container: { id: failedRun.id }, error: { code: 'IMAGE_UNAVAILABLE' } });
});

test('apply: a job past its timeout is stopped and reported as JOB_TIMEOUT', async (t) => {
  const runtime = fakeRuntime({ logs: async () => 'still going' });
  const raw = { services: { migrate: { image: IMAGE, job: { timeout: '1s' } } } };
  const report = await applyWith(runtime, raw);
  const [migrate] = report.services;
  t.is(migrate?.error?.code, 'JOB_TIMEOUT');
  t.is(migrate?.error?.message, 'job migrate ran longer than its timeout of 1s and was stopped');
  t.deepEqual(migrate?.error?.details, ['still going']);
  t.is(runtime.callsOf('stop').length, 1);
});

test('apply: an interrupted job is stopped before the apply ends', async (t) => {
  const runtime = fakeRuntime();
  const raw = { services: { migrate: { image: IMAGE, job: true } } };
  const desired = await desiredFor(raw);
  const controller = new AbortController();
  const context = { ...contextFor(raw), signal: controller.signal, runtime, hooks: createHooks() };
  setTimeout(() => controller.abort(new Error('interrupted')), 100);
  await t.throwsAsync(executePlan(context, desired, plan(desired, [])), { message: 'interrupted' });
  t.is(runtime.callsOf('stop').length, 1);
});

test('apply: a job is stopped when Ctrl-C kills the inspect in flight before the wait notices', async (t) => {
  // The terminal sends SIGINT to the whole process group: the engine CLI polling the job dies with it.
  const controller = new AbortController();
  let polls = 0;
  const runtime = fakeRuntime({
    inspect: async (base, ids) => {
      if (++polls < 3) return base(ids);
      controller.abort(new Error('interrupted'));
      throw new Error('inspect: killed by SIGINT');
    },
  });
  const raw = { services: { migrate: { image: IMAGE, job: true } } };
  const desired = await desiredFor(raw);
  const context = { ...contextFor(raw), signal: controller.signal, runtime, hooks: createHooks() };
  await t.throwsAsync(executePlan(context, desired, plan(desired, [])), { message: 'interrupted' });
  t.is(runtime.callsOf('stop').length, 1);
});

test('jobReport: how a job container reads in status', (t) => {
  t.deepEqual(jobReport(undefined), { status: 'not run', exitCode: null, finishedAt: null });
  const base = { id: 'x', name: 'n', service: 's', projectId: 'p', configHash: 'h', image: IMAGE, startedAt: undefined, ports: [], labels: {} };
  t.deepEqual(jobReport({ ...base, state: 'running', exitCode: undefined }), { status: 'running', exitCode: null, finishedAt: null });
  t.deepEqual(jobReport({ ...base, state: 'exited', exitCode: 1, finishedAt: FINISHED }), { status: 'failed', exitCode: 1, finishedAt: FINISHED });
});

test('rerunSet: an unknown name suggests the job meant; a service that is no job is refused', (t) => {
  const { config } = contextFor(STACK);
  t.deepEqual([...rerunSet(config, ['migrate'])], ['migrate']);
  const unknown = t.throws(() => rerunSet(config, ['migrat']));
  t.true(isCidxError(unknown) && unknown.code === 'USAGE' && unknown.exitCode === 2);
  t.regex(unknown!.message, /no job named "migrat"; did you mean "migrate"\?/);
  t.regex(t.throws(() => rerunSet(config, ['web']))!.message, /web is not a job/);
});

test('config: a job with a health probe is a config error that says why', (t) => {
  const error = t.throws(() => contextFor({ services: { migrate: { image: IMAGE, job: true, health: { command: ['true'] } } } }));
  t.true(isCidxError(error) && error.code === 'CONFIG_INVALID');
  t.true(isCidxError(error) && error.details.some((line) => line.includes('services.migrate.health') && line.includes('a job has no health probe')), String(isCidxError(error) && error.details));
});

test('config: a job the engine would restart is a config error; restart: \'no\' is fine', (t) => {
  const error = t.throws(() => contextFor({ services: { migrate: { image: IMAGE, job: true, restart: 'unless-stopped' } } }));
  t.true(isCidxError(error) && error.details.some((line) => line.includes('services.migrate.restart') && line.includes("restart 'unless-stopped'")), String(isCidxError(error) && error.details));
  t.notThrows(() => contextFor({ services: { migrate: { image: IMAGE, job: true, restart: 'no' } } }));
});

test('a vetoed rerun of a job that succeeded keeps its success: no failure, dependants go ahead', async (t) => {
  const desired = await desiredFor({ services: { ...STACK.services, migrate: { ...STACK.services.migrate, command: ['migrate', '--all'] } } });
  const [migrate, web] = desired;
  const observed = [observedFrom(migrate!, { state: 'exited', exitCode: 0, configHash: 'older' }), observedFrom(web!)];
  const steps = plan(desired, observed).map((step) => (step.service === 'migrate' ? { ...step, veto: { reason: 'frozen', by: 'freeze' } } : step));
  t.is(steps[0]!.op, 'rerun');
  const vetoed = applyVetoes(desired, steps);
  t.deepEqual(vetoed.reports, []);
  t.deepEqual(vetoed.steps.map((step) => [step.service, step.op]), [['migrate', 'noop'], ['web', 'noop']]);
  t.is(vetoed.kept.get('migrate')?.op, 'rerun');
});

test('apply: a finished job left under a replacement name by an interrupted rerun is renamed, not run again', async (t) => {
  const raw = { services: { migrate: { image: IMAGE, job: true } } };
  const [migrate] = await desiredFor(raw);
  const left = observedFrom(migrate!, { state: 'exited', exitCode: 0, name: replacementName(migrate!.spec.name, { id: 'old000000000' }) });
  const runtime = fakeRuntime({}, [left]);
  const report = await applyWith(runtime, raw);
  t.like(report.services[0], { action: 'unchanged', job: { status: 'succeeded' } });
  t.deepEqual(runtime.callsOf('rename'), [[left.id, migrate!.spec.name]]);
  t.is(runtime.callsOf('run').length + runtime.callsOf('start').length, 0);
});
