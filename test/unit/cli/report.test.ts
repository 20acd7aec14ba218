import test from 'ava';
import type { ProjectReport, ServiceReport } from '../../../core/model.js';
import { OPS, OUTCOMES, type StepOp } from '../../../core/reconcile/ops.js';
import type { Step } from '../../../core/reconcile/plan.js';
import { applySummary, renderPlan, renderReport } from '../../../cli/report.js';
import { observedFrom, desiredOne } from '../helpers/contexts.js';

const CONFIG = { services: { api: { image: 'localhost/cidx-test:2' } } };
const strip = (text: string) => text.replace(/\u001b\[\d+m/g, '');

function report(actions: ServiceReport['action'][]): ProjectReport {
  return {
    project: { name: 'app', id: 'abcd1234', root: '/work/app' },
    runtime: 'fake',
    services: actions.map((action, index) => ({ name: `s${index}`, state: 'running', healthy: true, action, container: null, ports: [] })),
  };
}

test('the plan printer shows each operation with the glyph and word of the op table', async (t) => {
  const container = observedFrom(await desiredOne(CONFIG, 'api'));
  const steps: Step[] = (Object.keys(OPS) as StepOp[]).map((op) =>
    op === 'create' ? { service: `svc-${op}`, op, reason: 'why' } : ({ service: `svc-${op}`, op, reason: 'why', container } as Step),
  );
  const lines = strip(renderPlan(steps)).split('\n');
  for (const op of Object.keys(OPS) as StepOp[]) {
    t.truthy(lines.find((line) => line.startsWith(`${OPS[op].glyph} ${OPS[op].word} `) && line.includes(`svc-${op}`)), op);
  }
  t.is(lines.at(-1), `${Object.keys(OPS).length - 1} changes`, 'every op but keep is a change');
});

test('the apply table and summary use the past tense of the same table, not the --json words', (t) => {
  const done = report(['created', 'unchanged', 'unchanged', 'recreated', 'failed', 'skipped']);
  const text = strip(renderReport(done, true));
  t.regex(text, new RegExp(`^s1 .*${OPS.noop.glyph} ${OPS.noop.past}`, 'm'));
  t.regex(text, new RegExp(`^s4 .*${OUTCOMES.failed.glyph} ${OUTCOMES.failed.past}`, 'm'));
  t.is(applySummary(done), `1 ${OPS.create.past}, 1 ${OPS.recreate.past}, 2 ${OPS.noop.past}, 1 failed, 1 skipped`);
  t.is(text.split('\n').at(-1), applySummary(done));
});

test('the --json action of each operation stays the documented word', (t) => {
  t.deepEqual(
    Object.values(OPS).map((op) => op.action),
    ['created', 'started', 'recreated', 'updated', 'reran', 'removed', 'unchanged'],
  );
  t.deepEqual(
    (Object.keys(OPS) as StepOp[]).filter((op) => OPS[op].destructive),
    ['recreate', 'update', 'rerun', 'remove'],
  );
});

test("a job's row shows how its last run went instead of its container's state", (t) => {
  const done = report(['created', 'failed']);
  done.services[0] = { ...done.services[0]!, state: 'exited', healthy: null, job: { status: 'succeeded', exitCode: 0, finishedAt: '2026-12-01T10:00:00Z' } };
  done.services[1] = { ...done.services[1]!, state: 'exited', healthy: false, job: { status: 'failed', exitCode: 3, finishedAt: '2026-12-01T10:00:00Z' } };
  const text = strip(renderReport(done, true));
  t.regex(text, /^s0 +succeeded +- +\+ created/m);
  t.regex(text, /^s1 +failed \(exit 3\) +unhealthy +! failed/m);
});

test('a replicated service shows its first copy\'s URL and how many copies there are', (t) => {
  const done = report(['created']);
  const url = (port: number) => `http://198.18.0.6:${port}`;
  const port = { name: 'http', container: 8080, host: 32770, hostIp: '198.18.0.6', preferred: null, fallback: false, url: url(32770) };
  done.services[0] = { ...done.services[0]!, ports: [{ ...port, instances: [{ name: 's0.1', host: 32770, url: url(32770) }, { name: 's0.2', host: 32771, url: url(32771) }] }] };
  t.regex(strip(renderReport(done, false)), /^s0 .*http http:\/\/198\.18\.0\.6:32770 \(1 of 2 copies\)$/m);
  done.services[0] = { ...done.services[0]!, ports: [port] };
  t.notRegex(strip(renderReport(done, false)), /copies/);
});
