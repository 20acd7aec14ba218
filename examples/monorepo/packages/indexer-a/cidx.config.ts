/**
 * indexer-a: one project of the monorepo example. indexer-b declares the
 * same service names; the two never collide, because a project's containers,
 * volumes and cached ports are keyed by a hash of its directory.
 *
 *   cd examples/monorepo/packages/indexer-a && node ../../../../bin/cidx.js apply
 */
import { defineConfig } from 'cidx';

export default defineConfig({
  // No `project` key: the name is this directory's, "indexer-a".
  services: {
    qdrant: {
      image: 'localhost/cidx-test:2',
      ports: { http: 6333 },
      env: { HTTP_PORTS: '6333' },
      volumes: { storage: '/qdrant/storage' },
      health: { http: { port: 'http', path: '/readyz' } },
    },
    worker: {
      image: 'localhost/cidx-test:2',
      ports: { http: 8080 },
      env: { HTTP_PORTS: '8080', BODY: 'indexer-a' },
      dependsOn: ['qdrant'],
    },
  },
});
