/**
 * Acting on some services only (`cidx apply web`, `down db`, `up({ services })`).
 *
 * The session is narrowed rather than every operation taught about targets:
 * the config keeps only the services named (and, for apply and plan, what
 * they depend on), and the runtime's `listProject` answers only with their
 * containers. The planner, which removes containers of services the config no
 * longer declares, then never sees the other services' containers: nothing
 * outside the target is touched. Engine-free: the runtime is wrapped, not known.
 */
import { didYouMean } from '../schemas/did-you-mean.js';
import { CidxError } from './errors.js';
import type { ObservedContainer } from './model.js';
import type { Session } from './session.js';

export interface TargetOptions {
  /** Add what the named services depend on (`dependsOn`, transitively): apply and plan need it, down and status do not. Default: true. */
  withDependencies?: boolean;
}

/** Throws SERVICE_NOT_FOUND (exit 2) with a did-you-mean for a name the config does not declare. */
export function checkServiceNames(session: Pick<Session, 'config' | 'project'>, names: string[]): void {
  const known = Object.keys(session.config.services);
  for (const name of names) {
    // Own entries only: `cidx down constructor` must not find Object's.
    if (Object.hasOwn(session.config.services, name)) continue;
    const suggestion = didYouMean(name, known);
    throw new CidxError('SERVICE_NOT_FOUND', `no service "${name}" in ${session.project.configFile}`, {
      hint: known.length ? `${suggestion ? `${suggestion[0]!.toUpperCase()}${suggestion.slice(1)} ` : ''}Known services: ${known.join(', ')}.` : 'The config declares no services.',
    });
  }
}

/** The names and, with `withDependencies`, their dependencies, in the config's order. */
export function targetNames(session: Pick<Session, 'config' | 'project'>, wanted: string[], options: TargetOptions = {}): Set<string> {
  checkServiceNames(session, wanted);
  const all = session.config.services;
  const keep = new Set<string>();
  const visit = (name: string) => {
    if (keep.has(name)) return;
    keep.add(name);
    if (options.withDependencies !== false) for (const dependency of all[name]?.dependsOn ?? []) visit(dependency);
  };
  for (const name of wanted) visit(name);
  return keep;
}

/**
 * The session narrowed to `wanted` (see above). No names: the session as it
 * is, every service, orphans included.
 */
export function targetSession(session: Session, wanted: string[], options: TargetOptions = {}): Session {
  if (wanted.length === 0) return session;
  const keep = targetNames(session, wanted, options);
  const services = Object.fromEntries(Object.entries(session.config.services).filter(([name]) => keep.has(name)));
  const ownOnly = (containers: ObservedContainer[]) => containers.filter((container) => keep.has(container.service));
  const runtime = new Proxy(session.runtime, {
    get(target, key) {
      if (key === 'listProject') return async (...args: Parameters<typeof target.listProject>) => ownOnly(await target.listProject(...args));
      const value: unknown = Reflect.get(target, key, target);
      // Bound to the runtime itself, so its methods work whatever they keep in private fields.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ...session, config: { ...session.config, services }, runtime, targets: [...keep] };
}
