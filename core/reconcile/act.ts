/**
 * What each operation of a plan does to one declared service's container:
 * create it, start it (recreating it when its host port was taken while it
 * was stopped), recreate it safely, or keep it. A failure becomes the
 * service's result rather than the apply's, so that only its dependants are
 * skipped; an abort still ends the apply.
 */
import { CidxError, hasCode, isCidxError } from '../errors.js';
import type { DesiredService } from '../model.js';
import { LABELS, ON_DEFAULT_NETWORK } from '../project.js';
import type { PortRefusedError } from '../runtime.js';
import type { ExecuteContext } from './execute.js';
import type { DeclaredStep } from './plan.js';
import { OPS } from './ops.js';
import { renewOp, replace } from './replace.js';
import { runService, type RunOutcome } from './run-service.js';

/** What acting on a service did: a container (and, when a start turned into a recreate or update, which and why), or an error. */
export type Acted = (RunOutcome & { renewed?: { op: 'recreate' | 'update'; reason: string } }) | { error: CidxError };

export async function actOn(context: ExecuteContext, service: DesiredService, step: DeclaredStep, failed: ReadonlySet<string>): Promise<Acted> {
  const blockedBy = service.dependsOn.filter((dep) => failed.has(dep));
  if (blockedBy.length) {
    // A job that failed was never meant to be healthy: say what it did not do.
    const jobs = blockedBy.every((dep) => Object.hasOwn(context.config.services, dep) && context.config.services[dep]!.job);
    const verdict = jobs ? 'did not succeed' : `${blockedBy.length === 1 ? 'is' : 'are'} not healthy`;
    return { error: new CidxError('DEPENDENCY_FAILED', `not started: ${blockedBy.join(', ')} ${verdict}`) };
  }
  try {
    const { runtime, hooks } = context;
    switch (step.op) {
      case 'noop':
        if (step.rename) await runtime.rename(step.container.id, service.spec.name);
        return { id: step.container.id };
      case 'start':
        context.onProgress?.(service.name, 'starting');
        try {
          await runtime.start([step.container.id]);
        } catch (error) {
          // Its host port was taken while it was stopped: a new container negotiates ports as a create does.
          if (!hasCode(error, 'PORT_REFUSED')) throw error;
          const op = renewOp(runtime);
          context.onProgress?.(service.name, `${PROGRESS[op]}: its host port is taken`);
          const outcome = await replace(hooks, { ...context, service, previous: step.container });
          const port = (error as PortRefusedError).port;
          const which = port ? `host port ${port}` : 'a host port';
          return { ...outcome, renewed: { op, reason: `${step.reason}; ${which} was taken meanwhile: ${OPS[op].past} on free ports` } };
        }
        if (step.rename) await runtime.rename(step.container.id, service.spec.name);
        return { id: step.container.id };
      case 'recreate':
      case 'update': // the runtime rolls it itself (see replace.ts)
      case 'rerun': // a job's: made anew from the desired spec, as a recreate does
        context.onProgress?.(service.name, PROGRESS[step.op]);
        return await replace(hooks, { ...context, service, previous: step.container });
      case 'create':
        context.onProgress?.(service.name, 'creating');
        return await runService(hooks, { ...context, service, previous: undefined });
    }
  } catch (error) {
    if (context.signal.aborted) throw error;
    return { error: asCidxError(error) };
  }
}

const PROGRESS = { recreate: 'recreating', update: 'updating', rerun: 'rerunning' } as const;

/**
 * The service as it must be created when the project network is unavailable.
 * Its labels keep the desired hash, so later applies leave it be instead of
 * recreating it (and failing the same way) every time; the label below lets
 * `plan` say where it runs. `cidx down` then `apply` puts it on the network.
 */
export function withoutNetwork(service: DesiredService): DesiredService {
  return { ...service, spec: { ...service.spec, network: undefined, labels: { ...service.spec.labels, [LABELS.network]: ON_DEFAULT_NETWORK } } };
}

export function asCidxError(error: unknown): CidxError {
  if (isCidxError(error)) return error;
  return new CidxError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}
