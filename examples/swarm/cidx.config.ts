/**
 * The quickstart's three services as Docker Swarm services, on the local
 * test image (see examples/offline). Needs a swarm: `docker swarm init
 * --advertise-addr 127.0.0.1` makes this machine a one-node swarm;
 * `docker swarm leave --force` undoes it.
 *
 *   node bin/cidx.js apply -c examples/swarm/cidx.config.ts
 *   node bin/cidx.js status -c examples/swarm/cidx.config.ts   # every task and its node
 *   node bin/cidx.js down  -c examples/swarm/cidx.config.ts --volumes
 *
 * Host-mode ports bind every interface of the node: see docs/swarm.md.
 */
import { defineConfig } from 'cidx';
import { swarmRuntime } from 'cidx/swarm';

const image = 'localhost/cidx-test:2';

export default defineConfig({
  project: 'swarm',
  runtime: 'swarm',
  services: {
    // Stands in for Qdrant. It has a volume, so it is pinned to this node (volumes are node-local).
    qdrant: {
      image,
      ports: { http: 6333, grpc: 6334 },
      env: { HTTP_PORTS: '6333', TCP_PORTS: '6334' },
      volumes: { storage: '/qdrant/storage' },
      health: { http: { port: 'http', path: '/readyz' }, timeout: '2m' },
    },
    // Stands in for Ollama: two tasks, each on its own Swarm-assigned port; the report's URL is the first task's.
    ollama: {
      image,
      ports: { http: 11434 },
      env: { HTTP_PORTS: '11434' },
      health: { http: { port: 'http', path: '/' } },
      swarm: { replicas: 2 },
    },
    // Stands in for the data-cleaner: placed on a manager, started once qdrant is healthy.
    'data-cleaner': {
      image,
      ports: { http: 8080 },
      env: { HTTP_PORTS: '8080' },
      health: { http: { port: 'http', path: '/healthz' } },
      dependsOn: ['qdrant'],
      swarm: { constraints: ['node.role==manager'] },
    },
  },
  plugins: [swarmRuntime()],
});
