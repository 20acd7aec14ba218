/**
 * What `up()` resolves with: the report of the apply, the URLs in it looked
 * up by service and port, and the teardown. Everything but `down()` reads the
 * report, so asking for a URL costs no runtime call.
 */
import { envVariables } from '../core/env-vars.js';
import { CidxError } from '../core/errors.js';
import type { PortReport, ProjectReport } from '../core/model.js';
import { downProject, type DownResult } from '../core/operations.js';
import type { Session } from '../core/session.js';
import { hostOf } from '../core/url-host.js';

export interface StackDownOptions {
  /** Remove the project's named volumes too (deletes their data), like `cidx down --volumes`. Default: false. */
  volumes?: boolean;
  /** Stops waiting for another cidx process's lock on the project. Default: none. */
  signal?: AbortSignal;
}

/** A port of a service: its name (`'http'`) or its container port (`8080`). */
export type PortRef = string | number;

/** A project brought up by `up()`: every service in `report` was healthy when it resolved. */
export interface Stack extends AsyncDisposable {
  /** The report `cidx apply --json` prints for the same apply. */
  readonly report: ProjectReport;
  /** Notes about the config (legacy settings that were ignored), which the CLI prints as warnings. Usually empty. */
  readonly warnings: readonly string[];
  /**
   * Where a client on this machine reaches the port, e.g. `'http://127.0.0.1:32769'`.
   * `port` defaults to the service's first declared port. Throws SERVICE_NOT_FOUND
   * for a service this stack did not bring up, USAGE for a port it does not declare.
   */
  url(service: string, port?: PortRef): string;
  /** The host part of `url()`: `'127.0.0.1'`, or `'::1'` (bare, as sockets take it). Same defaults and errors. */
  host(service: string, port?: PortRef): string;
  /** The published host port of `url()`, e.g. `32769`. Same defaults and errors. */
  hostPort(service: string, port?: PortRef): number;
  /** Every service's host, port and URL as the variables `cidx env` prints, e.g. `CIDX_WEB_HTTP_URL`. */
  env(): Record<string, string>;
  /**
   * Removes the project's containers (all of them, as `cidx down` does, even
   * when `up()` was limited to some services), and its volumes with `volumes: true`.
   */
  down(options?: StackDownOptions): Promise<DownResult>;
  /** `await using stack = await up()`: `down()` (volumes kept) when the scope ends. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * `session` is the project's whole session (for `down`); `report` what the
 * apply brought up. Hooks see the command `'down'` for the teardown.
 */
export function createStack(session: Session, report: ProjectReport): Stack {
  const port = (service: string, ref: PortRef | undefined) => findPort(report, service, ref);
  const stack: Stack = {
    report,
    warnings: Object.freeze([...session.warnings]),
    url: (service, ref) => port(service, ref).url,
    host: (service, ref) => hostOf(port(service, ref).url),
    hostPort: (service, ref) => port(service, ref).host,
    env: () => envVariables(report.services.map((service) => ({ service, ports: service.ports }))),
    down: ({ volumes = false, signal } = {}) =>
      // Not the signal up() was given: it may well have fired (a timeout) by the time a suite tears down.
      downProject({ ...session, command: 'down', signal: signal ?? new AbortController().signal }, { volumes }),
    async [Symbol.asyncDispose]() {
      await stack.down();
    },
  };
  return stack;
}

type PublishedPort = PortReport & { host: number; url: string };

function findPort(report: ProjectReport, serviceName: string, ref: PortRef | undefined): PublishedPort {
  const service = report.services.find((candidate) => candidate.name === serviceName && candidate.action !== 'removed');
  if (!service) {
    const known = report.services.filter((candidate) => candidate.action !== 'removed').map((candidate) => candidate.name);
    throw new CidxError('SERVICE_NOT_FOUND', `no service "${serviceName}" in this stack`, {
      hint: known.length ? `Services: ${known.join(', ')}.` : 'The stack has no services.',
    });
  }
  const port = ref === undefined ? service.ports[0] : service.ports.find((candidate) => candidate.name === ref || String(candidate.container) === String(ref));
  if (!port) {
    const declared = service.ports.map((candidate) => `${candidate.name} (${candidate.container})`).join(', ') || 'none';
    throw new CidxError('USAGE', ref === undefined ? `${serviceName} declares no ports` : `${serviceName} has no port "${ref}"`, {
      hint: `Declared ports: ${declared}.`,
    });
  }
  // A healthy stack has every port published; this guards a report from a third-party runtime that lacks one.
  if (port.unreachable) throw new CidxError('REMOTE_LOOPBACK', `${serviceName}'s port ${port.name} is ${port.unreachable}`);
  if (port.host === null || port.url === null) {
    throw new CidxError('SERVICE_EXITED', `${serviceName}'s port ${port.name} has no host port on ${report.runtime}`);
  }
  return port as PublishedPort;
}
