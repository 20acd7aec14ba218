/**
 * The apply report when the pull phase could not have every image: nothing
 * was executed, so every container is as it was. Services whose image failed
 * are `failed` with the error (naming service and image); the others are
 * `unchanged` when up to date, else `skipped`, health not probed. The same
 * report shape as any apply, so `--json` readers and plugins see one format.
 */
import type { CidxError } from '../errors.js';
import type { DesiredService, ProjectIdentity, ProjectReport, ServiceReport } from '../model.js';
import type { ContainerRuntime } from '../runtime.js';
import { OPS } from './ops.js';
import type { Step } from './plan.js';
import { describeError, inReadingOrder, portReports, reportHeader } from './report.js';

export function pullFailedReport(
  context: { project: Pick<ProjectIdentity, 'name' | 'id' | 'root'>; runtime: Pick<ContainerRuntime, 'name' | 'engineHost'> },
  desired: DesiredService[],
  steps: Step[],
  failed: Array<{ use: { services: string[] }; error: CidxError }>,
): ProjectReport {
  const errors = new Map<string, CidxError>();
  for (const { use, error } of failed) for (const service of use.services) errors.set(service, error);
  const stepOf = new Map(steps.flatMap((step) => (step.op === 'remove' ? [] : [[step.service, step] as const])));
  const services = desired.map((service): ServiceReport => {
    const step = stepOf.get(service.name);
    const container = step && step.op !== 'create' ? step.container : undefined;
    const base = { name: service.name, state: container?.state ?? ('missing' as const), container: container ? { id: container.id, name: container.name } : null };
    const error = errors.get(service.name);
    if (error) {
      return { ...base, action: 'failed', reason: step?.reason ?? '', healthy: false, ports: [], error: describeError(error) };
    }
    const unchanged = step?.op === 'noop';
    return {
      ...base,
      action: unchanged ? OPS.noop.action : 'skipped',
      reason: unchanged ? step.reason : 'not applied: an image could not be pulled',
      healthy: null,
      ports: portReports(service, container, context.runtime),
    };
  });
  return { ...reportHeader(context.project, context.runtime), services: services.map(inReadingOrder) };
}
