/**
 * A development stack in the shape most repositories have: a database seeded
 * from a file in the repo, a one-shot migration that must succeed before the
 * app starts, the app configured from `.env`, and a tool you only want some of
 * the time. It runs offline on the local test image (`bash .ci/setup` builds
 * it), whose entry script serves HTTP on every port in HTTP_PORTS from /www.
 *
 *   node bin/cidx.js apply -c examples/stack/cidx.config.ts                  # db, migrate (job), api
 *   node bin/cidx.js apply -c examples/stack/cidx.config.ts --profile tools  # and the admin tool
 *   node bin/cidx.js down  -c examples/stack/cidx.config.ts --volumes
 *
 * With real images this is e.g. postgres + a migration runner + your app + adminer.
 */
import { defineConfig } from 'cidx';

const image = 'localhost/cidx-test:2';

export default defineConfig({
  project: 'stack',
  // Named volumes shared by several services: the migration writes, the api reads.
  volumes: { seed: {} },
  services: {
    // Stands in for Postgres: its data in a private volume, the repository's init.sql mounted read-only.
    db: {
      image,
      ports: { sql: 5432 },
      env: { HTTP_PORTS: '5432' },
      volumes: { data: '/var/lib/db' },
      mounts: { './db/init.sql': '/docker-entrypoint-initdb.d/init.sql:ro' },
      health: { http: { port: 'sql', path: '/healthz' } },
    },
    // A one-shot job: runs once db is healthy, must exit 0 before api starts, and runs again only when
    // its config changes (or with --rerun migrate).
    migrate: {
      image,
      job: { timeout: '2m' },
      command: ['sh', '-c', 'cp /migrations/init.sql /seed/schema.sql && echo "migrated: $(wc -l < /seed/schema.sql) lines"'],
      mounts: { './db/init.sql': '/migrations/init.sql:ro' },
      volumes: { seed: '/seed' },
      dependsOn: ['db'],
    },
    // The app: configured from .env (read into process.env while this file is evaluated; variables
    // already set win), it serves what the migration wrote.
    api: {
      image,
      ports: { http: 8080 },
      env: { HTTP_PORTS: '8080', BODY: process.env.API_GREETING ?? 'hello' },
      volumes: { seed: '/www/seed' },
      tmpfs: ['/tmp'],
      dependsOn: ['migrate'],
      health: { http: { port: 'http', path: '/healthz' } },
    },
    // Only with --profile tools (or CIDX_PROFILES=tools): a tool most runs do not need.
    admin: {
      image,
      profiles: ['tools'],
      ports: { http: 8081 },
      env: { HTTP_PORTS: '8081' },
      dependsOn: ['db'],
    },
  },
});
