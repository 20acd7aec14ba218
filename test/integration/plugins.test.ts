/**
 * Hook API v2 end to end, with plugins written inline in the config as a user
 * would: a reviewPlan veto that keeps a container through a config change,
 * a checkHealth answer at the default stage that wins over the built-in one,
 * and plugin log lines on stderr with stdout's JSON left clean. Every test
 * runs on real Docker and real Podman.
 */
import test from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { withProject } from '../helpers/project.js';
import { applyOk, service } from '../helpers/reports.js';
import { projectContainers, RUNTIMES, TEST_IMAGE } from '../helpers/runtime.js';

const NEVER_RECREATE_DB = `const neverRecreateDb = {
  name: 'never-recreate-db',
  apply(hooks) {
    hooks.reviewPlan.tap('never-recreate-db', (steps) =>
      steps.map((step) => (step.service === 'db' && step.op === 'recreate' ? { ...step, veto: { reason: 'db holds the data' } } : step)),
    );
  },
};`;

function vetoConfig(version: string): string {
  return `${NEVER_RECREATE_DB}
export default {
  services: {
    db: { image: ${JSON.stringify(TEST_IMAGE)}, env: { VERSION: ${JSON.stringify(version)} } },
    web: { image: ${JSON.stringify(TEST_IMAGE)}, env: { VERSION: ${JSON.stringify(version)} }, dependsOn: ['db'] },
  },
  plugins: [neverRecreateDb],
};
`;
}

interface VetoedStep {
  service: string;
  op: string;
  reason: string;
  veto?: { reason: string; by: string };
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: a plugin that never recreates db keeps the old container through a config change; plan and apply say who vetoed it`, withProject, vetoConfig('1'), async (t, project) => {
    const first = await applyOk(t, project, runtime);
    const dbId = service(first, 'db').container!.id;
    const webId = service(first, 'web').container!.id;

    await project.writeConfig(vetoConfig('2'));
    const planned = await project.cidx(['plan', '--json', '--runtime', runtime]);
    t.is(planned.exitCode, 0, planned.describe());
    const steps = Object.fromEntries(planned.json<{ steps: VetoedStep[] }>().steps.map((step) => [step.service, step]));
    t.like(steps.db, { op: 'recreate', reason: 'env changed', veto: { reason: 'db holds the data', by: 'never-recreate-db' } });
    t.like(steps.web, { op: 'recreate' });
    t.false('veto' in steps.web!);

    const human = await project.cidx(['plan', '--runtime', runtime]);
    t.regex(human.stdout, /vetoed\s+db\s+recreate vetoed by never-recreate-db: db holds the data/);

    const applied = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(applied.exitCode, 0, `a vetoed recreate is no failure\n${applied.describe()}`);
    const report = applied.json<ProjectReport>();
    t.like(service(report, 'db'), { action: 'vetoed', state: 'running', container: { id: dbId }, veto: { op: 'recreate', by: 'never-recreate-db' } });
    t.like(service(report, 'web'), { action: 'recreated', healthy: true });
    t.not(service(report, 'web').container!.id, webId);
    t.regex(applied.stderr, /note: db: recreate vetoed by never-recreate-db: db holds the data; the container was kept/);

    // The engine agrees: the old db container still runs, with the old env.
    const containers = await projectContainers(runtime, project.id);
    const db = containers.filter((container) => container.Name.replace(/^\//, '').endsWith('-db'));
    t.deepEqual(db.map((container) => container.Id.slice(0, 12)), [dbId.slice(0, 12)]);
    t.true(((db[0]!.Config as { Env?: string[] }).Env ?? []).includes('VERSION=1'));
  });

  test(
    `${runtime}: a third-party checkHealth tap at the default stage answers before health-check, and its log lines go to stderr`,
    withProject,
    `export default {
  services: {
    // Nothing listens on 8080: health-check's own probe could only time out.
    web: { image: ${JSON.stringify(TEST_IMAGE)}, ports: { http: 8080 }, health: { http: { port: 'http', path: '/healthz' }, timeout: '3s' } },
  },
  plugins: [{
    name: 'my-health',
    apply(hooks) {
      hooks.beforeApply.tap('my-health', ({ logger }) => logger.info('apply starts'));
      hooks.checkHealth.tap('my-health', (request) => {
        request.logger.info('answering for ' + request.service.name);
        return { healthy: true, detail: 'answered by my-health' };
      });
      hooks.afterApply.tap('my-health', (report, { logger }) => logger.warn('apply done: ' + report.services.length + ' service(s)'));
    },
  }],
};
`,
    async (t, project) => {
      const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
      t.is(run.exitCode, 0, run.describe());
      const report = run.json<ProjectReport>(); // stdout is the report alone
      t.like(service(report, 'web'), { healthy: true, health: { healthy: true, detail: 'answered by my-health' } });
      const lines = run.stderr.split('\n');
      const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
      t.true(at(/^\[my-health\] apply starts$/) >= 0, run.stderr);
      t.true(at(/^\[my-health\] answering for web$/) > at(/^\[my-health\] apply starts$/), run.stderr);
      t.true(at(/^warn: \[my-health\] apply done: 1 service\(s\)$/) > at(/^\[my-health\] answering for web$/), run.stderr);
    },
  );
}
