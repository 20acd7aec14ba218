/**
 * Remembers each service's host ports and asks for them again when its
 * container is recreated, so URLs stay put across recreate, external removal
 * and restarts. The cache is only ever a request: the runtime's inspect output
 * is what cidx reports, so a stale cache can cost a fallback, never a wrong URL.
 */
import path from 'node:path';
import type { PortCandidate } from '../../core/model.js';
import { STAGE } from '../../core/hooks.js';
import { definePlugin, type CidxPlugin } from '../../core/plugin.js';
import { pickBinding } from '../../core/reconcile/report.js';
import { endpointKey } from '../../core/engine-endpoint.js';
import type { ContainerRuntime } from '../../core/runtime.js';
import { privateCacheDir } from '../../core/state-dirs.js';
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
      // One read per file (project and engine) per session.
      const loaded = new Map<string, Promise<CachedPorts>>();
      const load = (file: string) => {
        let read = loaded.get(file);
        if (!read) loaded.set(file, (read = readCache(file)));
        return read;
      };
      // An untrusted cache dir (someone else could edit it) is not used: the ports are then chosen afresh.
      const fileFor = (projectId: string, runtime: ContainerRuntime) => {
        const key = endpointKey(runtime);
        if (options.dir !== undefined) return cacheFile(options.dir, projectId, key);
        const ports = privateCacheDir('ports').dir; // cacheFile adds the ports/ part itself
        return ports === undefined ? undefined : cacheFile(path.dirname(ports), projectId, key);
      };

      hooks.requestPorts.tapPromise({ name: NAME, stage: STAGE.base }, async (requests, context) => {
        const file = fileFor(context.project.id, context.runtime);
        const all: CachedPorts = file === undefined ? Object.create(null) : await load(file);
        const cached = all[context.service.name] ?? Object.create(null);
        return requests.map((request) => {
          const remembered: PortCandidate[] = [];
          // The container being replaced knows its ports best; the file covers removed containers.
          const protocol = request.protocol ?? 'tcp';
          const previous = context.previous && pickBinding(context.previous.ports, request.container, request.hostIp, protocol);
          if (previous) remembered.push({ port: previous.hostPort, source: 'previous' });
          const entry = cached[request.name];
          // A port another runtime published for this project is likely still held by it: don't ask for it.
          const sameRuntime = entry?.runtime === undefined || entry.runtime === context.runtime.name;
          // A port renamed from TCP to UDP (or back) starts afresh: the remembered host port was the other protocol's.
          const sameProtocol = (entry?.protocol ?? 'tcp') === protocol;
          if (entry && sameRuntime && sameProtocol && entry.host !== previous?.hostPort) remembered.push({ port: entry.host, source: 'cache' });
          const known = new Set(request.candidates.map((candidate) => candidate.port));
          return { ...request, candidates: [...request.candidates, ...remembered.filter((candidate) => !known.has(candidate.port))] };
        });
      });

      hooks.afterReport.tapPromise(NAME, async (report, context) => {
        const file = fileFor(report.project.id, context.runtime);
        if (file === undefined) return;
        const before = await (loaded.get(file) ?? readCache(file));
        // Services the report leaves out (an apply or up() of some of them) keep what was remembered;
        // one whose container was removed as no longer declared is forgotten.
        const services: CachedPorts = Object.assign(Object.create(null), before);
        for (const service of report.services) {
          if (service.action === 'removed') {
            delete services[service.name];
            continue;
          }
          const ports = Object.fromEntries(
            service.ports
              .filter((port) => port.host !== null)
              .map((port) => [port.name, { host: port.host!, hostIp: port.hostIp ?? '', protocol: port.protocol ?? 'tcp', runtime: context.runtime.name }]),
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
