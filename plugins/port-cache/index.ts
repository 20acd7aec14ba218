/**
 * Remembers each service's host ports and asks for them again when its
 * container is recreated, so URLs stay put across recreate, external removal
 * and restarts. The cache is only ever a request: the runtime's inspect output
 * is what cidx reports, so a stale cache can cost a fallback, never a wrong URL.
 */
import type { PortCandidate } from '../../core/model.js';
import { definePlugin, type CidxPlugin } from '../../core/plugin.js';
import { pickBinding } from '../../core/reconcile/report.js';
import { cacheDir } from '../../core/state-dirs.js';
import { cacheFile, readCache, writeCache, type CachedPorts } from './store.js';

const NAME = 'port-cache';

export interface PortCacheOptions {
  /** Directory for cache files. Default: the user's cache dir (see `cacheDir`). */
  dir?: string;
}

export function portCache(options: PortCacheOptions = {}): CidxPlugin {
  return definePlugin({
    name: NAME,
    apply(hooks) {
      let loaded: Promise<CachedPorts> | undefined;
      const fileFor = (projectId: string) => cacheFile(options.dir ?? cacheDir(), projectId);

      hooks.requestPorts.tapPromise({ name: NAME, stage: -10 }, async (requests, context) => {
        loaded ??= readCache(fileFor(context.project.id));
        const cached = (await loaded)[context.service.name] ?? Object.create(null);
        return requests.map((request) => {
          const remembered: PortCandidate[] = [];
          // The container being replaced knows its ports best; the file covers removed containers.
          const previous = context.previous && pickBinding(context.previous.ports, request.container, request.hostIp);
          if (previous) remembered.push({ port: previous.hostPort, source: 'previous' });
          const entry = cached[request.name];
          // A port another runtime published for this project is likely still held by it: don't ask for it.
          const sameRuntime = entry?.runtime === undefined || entry.runtime === context.runtime.name;
          if (entry && sameRuntime && entry.host !== previous?.hostPort) remembered.push({ port: entry.host, source: 'cache' });
          const known = new Set(request.candidates.map((candidate) => candidate.port));
          return { ...request, candidates: [...request.candidates, ...remembered.filter((candidate) => !known.has(candidate.port))] };
        });
      });

      hooks.reported.tapPromise(NAME, async (report, context) => {
        const file = fileFor(report.project.id);
        const before = await (loaded ?? readCache(file));
        const services: CachedPorts = {};
        for (const service of report.services) {
          if (service.action === 'removed') continue;
          const ports = Object.fromEntries(
            service.ports
              .filter((port) => port.host !== null)
              .map((port) => [port.name, { host: port.host!, hostIp: port.hostIp ?? '', runtime: context.runtime.name }]),
          );
          // A service that is down right now keeps its remembered ports for next time.
          services[service.name] = Object.keys(ports).length ? ports : (before[service.name] ?? {});
        }
        if (JSON.stringify(services) === JSON.stringify(before)) return;
        await writeCache(file, context.project.root, services).catch(() => undefined); // a cache must never fail a command
      });
    },
  });
}
