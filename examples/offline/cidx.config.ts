/**
 * The quickstart's three services on a local test image, for machines that
 * cannot pull from a registry (CI, air-gapped VMs). `bash .ci/setup` builds
 * `localhost/cidx-test:2` from busybox for Docker and Podman; its entry script
 * serves HTTP on every port in HTTP_PORTS and raw TCP on every port in
 * TCP_PORTS (see test/fixtures/image/entry.sh).
 *
 * Same shape as examples/quickstart/cidx.config.ts, so what you see here is
 * what the real images get: the same ports, volumes, probes and order.
 *
 *   node bin/cidx.js apply -c examples/offline/cidx.config.ts
 *   node bin/cidx.js down  -c examples/offline/cidx.config.ts --volumes
 */
import { defineConfig } from 'cidx';

const image = 'localhost/cidx-test:2';

export default defineConfig({
  project: 'offline',
  services: {
    // Stands in for Qdrant: HTTP on 6333 (answers /readyz), a TCP listener on 6334 for gRPC.
    qdrant: {
      image,
      ports: { http: 6333, grpc: 6334 },
      env: { HTTP_PORTS: '6333', TCP_PORTS: '6334' },
      volumes: { storage: '/qdrant/storage' },
      health: { http: { port: 'http', path: '/readyz' }, timeout: '2m' },
    },
    // Stands in for Ollama: HTTP on 11434, `GET /` answers.
    ollama: {
      image,
      ports: { http: 11434 },
      env: { HTTP_PORTS: '11434' },
      volumes: { models: '/root/.ollama' },
      health: { http: { port: 'http', path: '/' } },
    },
    // Stands in for the data-cleaner; it starts only once qdrant is healthy.
    'data-cleaner': {
      image,
      ports: { http: 8080 },
      env: { HTTP_PORTS: '8080' },
      health: { http: { port: 'http', path: '/healthz' } },
      dependsOn: ['qdrant'],
    },
  },
});
