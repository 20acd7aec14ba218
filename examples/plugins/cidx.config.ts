/**
 * Both example plugins in one config, on the local test image:
 *
 *   node bin/cidx.js apply -c examples/plugins/cidx.config.ts
 *   docker ps --filter label=io.cidx.project-name=plugins-demo --format '{{.Labels}}'
 *   node bin/cidx.js down -c examples/plugins/cidx.config.ts
 *
 * The labels include com.example.team=search and com.example.tier=frontend.
 * port-range's notes go to the hook logger: stderr, as `[port-range] …`, so stdout stays clean for --json.
 */
import { defineConfig } from 'cidx';
import { pinLabels } from './pin-labels.mjs';
import { portRange } from './port-range.mjs';

export default defineConfig({
  project: 'plugins-demo',
  services: {
    web: { image: 'localhost/cidx-test:2', ports: { http: 8080 }, env: { HTTP_PORTS: '8080' } },
  },
  // 80 is outside the allowed range: port-range drops it and the runtime chooses a port.
  preferredPorts: { web: 80 },
  plugins: [
    pinLabels({ labels: { 'com.example.team': 'search' }, services: { web: { 'com.example.tier': 'frontend' } } }),
    portRange({ min: 20000, max: 29999 }),
  ],
});
