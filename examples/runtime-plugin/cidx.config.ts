/**
 * A project served by a third-party runtime: `nerd` (./nerd, the Docker CLI
 * under another name) through the plugin in ./nerd-runtime.mjs.
 *
 *   NERD_LOG=/tmp/nerd.log node bin/cidx.js apply -c examples/runtime-plugin/cidx.config.ts
 *   cat /tmp/nerd.log      # every engine call went through nerd
 *   node bin/cidx.js down -c examples/runtime-plugin/cidx.config.ts
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'cidx';
import { nerdRuntime } from './nerd-runtime.mjs';

export default defineConfig({
  project: 'runtime-plugin-demo',
  runtime: 'nerd',
  services: {
    web: { image: 'localhost/cidx-test:2', ports: { http: 8080 }, env: { HTTP_PORTS: '8080' }, health: { http: { port: 'http', path: '/' } } },
  },
  plugins: [nerdRuntime({ binary: fileURLToPath(new URL('./nerd', import.meta.url)) })],
});
