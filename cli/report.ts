/** Human rendering of reports and plans: a table on stdout, notes and errors on stderr. */
import type { ExcludedReport, ProjectReport, ServiceReport } from '../core/model.js';
import { excludedLine } from '../core/profiles.js';
import { lookOfAction, OPS, type ApplyAction, type OpLook } from '../core/reconcile/ops.js';
import type { Step } from '../core/reconcile/plan.js';
import { messages } from './messages.js';
import { styler, table } from './style.js';

const out = styler(process.stdout);

function healthCell(service: ServiceReport): string {
  if (service.healthy === null) return out('dim', '-');
  if (service.health?.authRequired) return out('yellow', 'auth required');
  return service.healthy ? out('green', 'healthy') : out('red', 'unhealthy');
}

/** A job's state is how its last run went, not its container's (a job that succeeded has exited). */
function jobCell(job: NonNullable<ServiceReport['job']>): string {
  if (job.status === 'succeeded') return out('green', 'succeeded');
  if (job.status === 'failed') return out('red', job.exitCode === null ? 'failed' : `failed (exit ${job.exitCode})`);
  return job.status === 'running' ? job.status : out('dim', job.status);
}

function portsCell(service: ServiceReport): string {
  return service.ports.map((port) => `${port.name} ${port.url ?? out('dim', port.unreachable ? `${port.hostIp}:${port.host} (on the engine's loopback: not reachable from here)` : `${port.container} (not published)`)}${copies(port)}`).join(', ') || out('dim', '-');
}

/** A replicated service's URL is its first copy's: say there are more (`--json` lists each one's). */
function copies(port: ServiceReport['ports'][number]): string {
  return port.instances && port.instances.length > 1 ? out('dim', ` (1 of ${port.instances.length} copies)`) : '';
}

export function renderReport(report: ProjectReport, withAction: boolean): string {
  const header = ['SERVICE', 'STATE', 'HEALTH', ...(withAction ? ['ACTION'] : []), 'PORTS'].map((cell) => out('bold', cell));
  const rows = report.services.map((service) => [
    service.name,
    service.job ? jobCell(service.job) : service.state === 'running' ? service.state : out('yellow', service.state),
    healthCell(service),
    ...(withAction ? [service.action ? opCell(lookOfAction(service.action), 'past') : out('dim', '-')] : []),
    portsCell(service),
  ]);
  // A remote engine is named: its URLs point at another machine.
  const where = report.endpoint && !report.endpoint.local ? ` at ${report.endpoint.uri}` : '';
  const title = out('dim', `${report.project.name} (${report.project.id}) on ${report.runtime}${where}`);
  const summary = withAction ? `\n${applySummary(report)}` : '';
  const excluded = report.excluded?.length ? `\n${renderExcluded(report.excluded)}` : '';
  return `${title}\n${table([header, ...rows])}${excluded}${summary}`;
}

/** `- excluded  ollama  profile gpu not active`: one row per service the active profiles leave out. */
export function renderExcluded(excluded: ExcludedReport[]): string {
  return table(excluded.map((service) => [out('dim', '- excluded'), service.name, out('dim', excludedLine(service, service.state !== 'missing'))]));
}

/** "2 created, 1 kept, 1 failed": each action's past tense, in the table's order. */
export function applySummary(report: ProjectReport): string {
  const counts = new Map<ApplyAction, number>();
  for (const service of report.services) if (service.action) counts.set(service.action, (counts.get(service.action) ?? 0) + 1);
  const order: ApplyAction[] = [...Object.values(OPS).map((op) => op.action), 'failed', 'skipped'];
  const parts = order.filter((action) => counts.has(action)).map((action) => `${counts.get(action)} ${lookOfAction(action).past}`);
  return parts.length ? parts.join(', ') : 'nothing to do';
}

/** The glyph and word of an operation, in its colour. */
function opCell(look: OpLook, tense: 'word' | 'past'): string {
  return out(look.colour, `${look.glyph} ${look[tense]}`);
}

/** Notes for stderr: fallbacks and per-service errors with their details. */
export function reportNotes(report: ProjectReport): string[] {
  const err = styler(process.stderr);
  const lines: string[] = [];
  for (const note of report.notes ?? []) lines.push(err('yellow', `note: ${note}`));
  for (const service of report.services) {
    for (const port of service.ports) {
      if (port.fallback && port.preferred !== null && port.host !== null) {
        lines.push(err('yellow', `note: ${messages.fallback(service.name, port.name, port.preferred, port.host)}`));
      }
    }
    if (service.error) {
      lines.push(`${err('red', `error[${service.error.code}]`)} ${service.error.message}`);
      for (const detail of service.error.details ?? []) lines.push(`  ${detail}`);
      if (service.error.hint) lines.push(err('dim', `  hint: ${service.error.hint}`));
    }
  }
  return lines;
}

export function renderPlan(steps: Step[]): string {
  const rows = steps.map((step) => {
    const op = OPS[step.op];
    return [opCell(op, 'word'), op.destructive ? out('bold', step.service) : step.service, out('dim', step.reason)];
  });
  const changes = steps.filter((step) => step.op !== 'noop').length;
  return `${table(rows)}\n${changes ? `${changes} change${changes === 1 ? '' : 's'}` : 'no changes'}`;
}
