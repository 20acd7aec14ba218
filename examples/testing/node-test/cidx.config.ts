import { defineConfig } from 'cidx';

// One HTTP service on cidx's local test image (test/fixtures/image/build.sh builds it):
// in your project, your own services, e.g. qdrant/qdrant with ports { http: 6333 }.
export default defineConfig({
  services: {
    web: {
      image: 'localhost/cidx-test:2',
      ports: { http: 8080 },
      env: { HTTP_PORTS: '8080', BODY: 'hello from node:test' },
      health: { http: { port: 'http', path: '/healthz' } },
    },
  },
});
