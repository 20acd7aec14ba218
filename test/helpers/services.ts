/**
 * Configs for integration tests, all built on the one local test image
 * (test/fixtures/image/entry.sh): HTTP_PORTS serves HTTP with /healthz,
 * TCP_PORTS greets with "hello" over raw TCP.
 */
import { TEST_IMAGE } from './runtime.js';

/** Ends the HTTP server in a running test container; the container runs on (the image's busybox has no pkill: find httpd in /proc). */
export const STOP_HTTPD = ['sh', '-c', 'for d in /proc/[0-9]*; do read c < $d/comm && [ "$c" = httpd ] && kill ${d#/proc/}; done; true'];

/** Generous for a busybox container, short enough that a broken probe fails fast. */
export const HEALTH_TIMEOUT = '30s';

/** Service → port name → container port, as the three-service config declares them. */
export const THREE_SERVICE_PORTS: Readonly<Record<string, Readonly<Record<string, number>>>> = Object.freeze({
  qdrant: { http: 6333, grpc: 6334 },
  ollama: { http: 11434 },
  'data-cleaner': { tcp: 7000 },
});

/** Ports that speak HTTP (the rest speak raw TCP). */
export const HTTP_PORT_NAMES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  qdrant: ['http', 'grpc'],
  ollama: ['http'],
  'data-cleaner': [],
});

/** The services that declare named volumes, and the volume names cidx gives them. */
export const THREE_SERVICE_VOLUMES = Object.freeze({ qdrant: ['storage'] });

/** A qdrant-like, an ollama-like and a data-cleaner-like service that depends on both. */
export function threeServices(image = TEST_IMAGE): Record<string, unknown> {
  return {
    services: {
      qdrant: {
        image,
        ports: { http: 6333, grpc: 6334 },
        env: { HTTP_PORTS: '6333 6334' },
        volumes: { storage: '/qdrant/storage' },
        health: { http: { port: 'http', path: '/healthz' }, timeout: HEALTH_TIMEOUT },
      },
      ollama: {
        image,
        ports: { http: 11434 },
        env: { HTTP_PORTS: '11434' },
        health: { http: { port: 'http', path: '/' }, timeout: HEALTH_TIMEOUT },
      },
      'data-cleaner': {
        image,
        ports: { tcp: 7000 },
        env: { TCP_PORTS: '7000' },
        dependsOn: ['qdrant', 'ollama'],
        health: { tcp: { port: 'tcp' }, timeout: HEALTH_TIMEOUT },
      },
    },
  };
}

/** The three services as users write them: TypeScript with `defineConfig` from 'cidx'. */
export function threeServicesConfig(image = TEST_IMAGE): string {
  return `import { defineConfig } from 'cidx';

export default defineConfig(${JSON.stringify(threeServices(image), null, 2)});
`;
}

/** One HTTP service `web` (container port 8080), optionally with a preferred host port. */
export function webService(preferredHostPort?: number, image = TEST_IMAGE): Record<string, unknown> {
  return {
    services: {
      web: {
        image,
        ports: { http: 8080 },
        env: { HTTP_PORTS: '8080' },
        health: { http: { port: 'http', path: '/healthz' }, timeout: HEALTH_TIMEOUT },
      },
    },
    ...(preferredHostPort === undefined ? {} : { preferredPorts: { web: { http: preferredHostPort } } }),
  };
}

/** One qdrant-like service `store` with a named volume `storage` at /qdrant/storage; `body` lets a test change its env (a recreate). */
export function storeService(body = 'v1', image = TEST_IMAGE): Record<string, unknown> {
  return {
    services: {
      store: {
        image,
        ports: { http: 6333 },
        env: { HTTP_PORTS: '6333', BODY: body },
        volumes: { storage: '/qdrant/storage' },
        health: { http: { port: 'http', path: '/healthz' }, timeout: HEALTH_TIMEOUT },
      },
    },
  };
}
