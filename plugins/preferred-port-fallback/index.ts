/**
 * Asks for configured preferred host ports first, and when the engine refuses
 * one (something else holds it), drops it so the next attempt takes the next
 * candidate or a runtime-chosen port. The report marks such ports `fallback`.
 */
import type { PortRequest } from '../../core/model.js';
import { STAGE } from '../../core/hooks.js';
import { definePlugin, type CidxPlugin } from '../../core/plugin.js';

const NAME = 'preferred-port-fallback';

export function preferredPortFallback(): CidxPlugin {
  return definePlugin({
    name: NAME,
    apply(hooks) {
      // After port-cache (both at the base stage): the preferred port goes before what it remembered.
      hooks.requestPorts.tap({ name: NAME, stage: STAGE.base + 1 }, (requests, { service }) =>
        requests.map((request) => {
          const preferred = service.preferred[request.name];
          if (preferred === undefined) return request;
          const rest = request.candidates.filter((candidate) => candidate.port !== preferred);
          return { ...request, candidates: [{ port: preferred, source: 'preferred' }, ...rest] };
        }),
      );
      hooks.retryPorts.tap({ name: NAME, stage: STAGE.builtin }, (requests, refusal) => withoutRefused(requests, refusal.port));
    },
  });
}

/** Drops the refused port; when the engine did not name it, drops every first choice. */
export function withoutRefused(requests: PortRequest[], port: number | undefined): PortRequest[] | undefined {
  if (!requests.some((request) => request.candidates.length)) return undefined;
  return requests.map((request) => ({
    ...request,
    candidates:
      port === undefined ? request.candidates.slice(1) : request.candidates.filter((candidate) => candidate.port !== port),
  }));
}
