/**
 * Every Compose fixture (test/fixtures/compose, dev stacks of open-source
 * projects) converts, the generated TypeScript loads through cidx's own
 * config loader, and the config it holds is checked structurally. A second
 * test per fixture validates it with the real schema.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { convertCompose, parseCompose } from '../../../../cli/import/compose.js';
import { emitConfig } from '../../../../cli/import/emit.js';
import type { Conversion } from '../../../../cli/import/model.js';
import { findConfig } from '../../../../core/config/load.js';
import { validateConfig } from '../../../../core/config/validate.js';

const FIXTURES = fileURLToPath(new URL('../../../../../test/fixtures/compose/', import.meta.url));

interface Loaded {
  conversion: Conversion;
  /** The generated file's default export, as the loader returns it (not yet validated). */
  config: { project?: string; services: Record<string, Record<string, any>>; preferredPorts?: Record<string, Record<string, number>>; volumes?: Record<string, unknown> };
  file: string;
}

/** The fixture's .env, as `cidx` reads it beside the config: here set in this process before the configs load. */
for (const name of readdirSync(FIXTURES)) {
  let text = '';
  try {
    text = readFileSync(path.join(FIXTURES, name, '.env'), 'utf8');
  } catch {
    continue;
  }
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match && process.env[match[1]!] === undefined) process.env[match[1]!] = match[2];
  }
}

async function load(name: string): Promise<Loaded> {
  const composeFile = readdirSync(path.join(FIXTURES, name)).find((file) => /^(docker-)?compose\.ya?ml$/.test(file))!;
  const conversion = convertCompose(parseCompose(readFileSync(path.join(FIXTURES, name, composeFile), 'utf8'), composeFile), { directoryName: name });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-import-'));
  const file = path.join(dir, 'cidx.config.ts');
  try {
    await writeFile(file, emitConfig(conversion, { source: composeFile }));
    const { raw } = await findConfig({ configFile: file });
    return { conversion, config: (raw as { default?: unknown }).default ? ((raw as { default: unknown }).default as Loaded['config']) : (raw as Loaded['config']), file };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const skippedOf = (conversion: Conversion) => conversion.skipped.map((entry) => `${entry.service}:${entry.key}`);

/** What each fixture must convert to: service names, a few telling settings, and exactly what is left out. */
const EXPECTED: Record<string, { services: string[]; skipped: string[]; check: (config: Loaded['config']) => void }> = {
  langfuse: {
    services: ['langfuse-worker', 'langfuse-web', 'clickhouse', 'minio', 'redis', 'postgres'],
    skipped: [],
    check(config) {
      const web = config.services['langfuse-web']!;
      // The merge key brought the worker's environment along; the web's own keys were added.
      if (web.env.REDIS_HOST !== 'redis' || web.env.NEXTAUTH_URL !== 'http://localhost:3000') throw new Error('merged env');
      if (config.services.clickhouse!.health.http.path !== '/ping') throw new Error('wget → http probe');
      if (config.preferredPorts!.minio!.p9000 !== 9090) throw new Error('9090:9000 → preferred 9090');
      if (config.services.minio!.entrypoint[0] !== 'sh' || config.services.minio!.command[0] !== '-c') throw new Error('entrypoint/command');
    },
  },
  immich: {
    services: ['immich-server', 'immich-machine-learning', 'redis', 'database'],
    skipped: ['immich-server:container_name', 'immich-machine-learning:container_name', 'redis:container_name', 'database:container_name'],
    check(config) {
      if (config.project !== 'immich') throw new Error('name: → project');
      if (config.services['immich-machine-learning']!.gpus !== 1) throw new Error('GPU reservation → gpus');
      if (config.services.database!.resources.shmSize !== '128m') throw new Error('shm_size');
      if (config.services['immich-server']!.mounts['./library'] !== '/data') throw new Error('${UPLOAD_LOCATION} mount, from .env');
    },
  },
  sentry: {
    services: ['memcached', 'redis', 'postgres', 'kafka', 'clickhouse', 'snuba-api', 'snuba-errors-consumer', 'snuba-transactions-consumer', 'smtp', 'web', 'worker', 'nginx'],
    skipped: [
      'redis:volumes[0]', 'redis:ulimits', 'postgres:volumes[0]', 'kafka:volumes[0]', 'kafka:ulimits', 'clickhouse:build', 'clickhouse:volumes[0]', 'clickhouse:ulimits',
      'smtp:platform', 'smtp:hostname', 'web:build', 'web:volumes[0]', 'web:platform', 'web:ulimits', 'worker:build', 'worker:volumes[0]', 'worker:platform', 'nginx:ports[0]',
    ],
    check(config) {
      if (config.services['snuba-api']!.image !== 'getsentry/snuba:nightly') throw new Error('$SNUBA_IMAGE from .env');
      if (config.services['snuba-transactions-consumer']!.profiles[0] !== 'feature-complete') throw new Error('profile');
      if (config.services.nginx!.health.http.port !== 'http') throw new Error('curl http://localhost → http probe on port 80');
      if (config.services.postgres!.mounts['./postgres/'] !== '/opt/sentry/:ro') throw new Error('long-form read-only bind');
      // web and worker both mount sentry-data: a shared volume. sentry-redis has one user: it stays private.
      if (!config.volumes || !('sentry-data' in config.volumes) || 'sentry-redis' in config.volumes) throw new Error('shared volumes');
    },
  },
  supabase: {
    services: ['studio', 'kong', 'auth', 'rest', 'storage', 'imgproxy', 'meta', 'db'],
    skipped: ['studio:container_name', 'kong:container_name', 'auth:container_name', 'rest:container_name', 'storage:container_name', 'imgproxy:container_name', 'meta:container_name', 'db:container_name'],
    check(config) {
      if (config.preferredPorts!.kong!.http !== 8000) throw new Error('${KONG_HTTP_PORT:-8000} → 8000');
      if (config.services.kong!.mounts['./volumes/api/kong.yml'] !== '/home/kong/temp.yml:ro') throw new Error('ro,z mount');
      if (!config.services.kong!.entrypoint[2].includes('$(cat ~/temp.yml)')) throw new Error('$$ → $');
      if (config.services.storage!.mounts['./volumes/storage'] !== config.services.imgproxy!.mounts['./volumes/storage']) throw new Error('one host dir in two services');
    },
  },
  airflow: {
    services: ['postgres', 'redis', 'airflow-webserver', 'airflow-scheduler', 'airflow-worker', 'airflow-init', 'flower'],
    skipped: [],
    check(config) {
      if (config.services['airflow-init']!.job !== true) throw new Error('service_completed_successfully → job');
      if (config.services['airflow-webserver']!.user !== '50000:0') throw new Error('user default');
      if (config.services['airflow-webserver']!.mounts['./dags'] !== '/opt/airflow/dags') throw new Error('${AIRFLOW_PROJ_DIR:-.}/dags');
      if (config.services.flower!.profiles[0] !== 'flower') throw new Error('profile');
    },
  },
  mastodon: {
    services: ['db', 'redis', 'web', 'streaming', 'sidekiq'],
    skipped: ['db:networks', 'redis:networks', 'web:build', 'web:networks', 'streaming:build', 'streaming:networks', 'sidekiq:build', 'sidekiq:networks'],
    check(config) {
      if (config.services.web!.image !== 'ghcr.io/mastodon/mastodon:v4.3.8') throw new Error('image kept beside build');
      if (config.services.web!.envFile[0] !== '.env.production') throw new Error('env_file string');
      if (config.services.web!.health.command[0] !== 'sh') throw new Error('a curl | grep stays a command probe');
    },
  },
  n8n: {
    services: ['postgres', 'n8n'],
    skipped: ['n8n:links'],
    check(config) {
      if (config.services.postgres!.env.POSTGRES_USER !== 'changeUser') throw new Error('pass-through env from .env');
      if (config.services.postgres!.mounts['./init-data.sh'] !== '/docker-entrypoint-initdb.d/init-data.sh') throw new Error('init script mount');
      if (config.services.n8n!.dependsOn[0] !== 'postgres') throw new Error('depends_on');
    },
  },
  plausible: {
    services: ['plausible_db', 'plausible_events_db', 'plausible'],
    skipped: ['plausible_events_db:ulimits', 'plausible:ulimits'],
    check(config) {
      if (config.services.plausible!.ports.http !== 8000 || config.preferredPorts!.plausible!.http !== 8000) throw new Error('${HTTP_PORT:-8000} on both sides');
      if (config.services.plausible!.command.join(' ') !== 'sh -c /entrypoint.sh db createdb && /entrypoint.sh db migrate && /entrypoint.sh run') throw new Error('sh -c "…"');
      // 8123 is not published, so the probe cannot come from the host: it stays a command inside the container.
      if (config.services.plausible_events_db!.health.command[0] !== 'sh') throw new Error('wget of an unpublished port → command probe');
    },
  },
  temporal: {
    services: ['elasticsearch', 'postgresql', 'temporal', 'temporal-admin-tools', 'temporal-ui'],
    skipped: [
      'elasticsearch:volumes[0]', 'elasticsearch:container_name', 'elasticsearch:networks', 'postgresql:volumes[0]', 'postgresql:container_name', 'postgresql:networks',
      'temporal:container_name', 'temporal:networks', 'temporal-admin-tools:container_name', 'temporal-admin-tools:networks', 'temporal-admin-tools:stdin_open',
      'temporal-admin-tools:tty', 'temporal-ui:container_name', 'temporal-ui:networks',
    ],
    check(config) {
      if (config.services.elasticsearch!.env['discovery.type'] !== 'single-node') throw new Error('list env with dots');
      if (config.preferredPorts!.temporal!.grpc !== 7233) throw new Error('7233 → grpc');
    },
  },
  'open-webui': {
    services: ['ollama', 'open-webui'],
    skipped: ['ollama:container_name', 'ollama:pull_policy', 'ollama:tty', 'open-webui:build', 'open-webui:container_name'],
    check(config) {
      if (config.services.ollama!.gpus !== 1) throw new Error('count ${OLLAMA_GPU_COUNT-1} → 1');
      if (config.services['open-webui']!.extraHosts['host.docker.internal'] !== 'host-gateway') throw new Error('extra_hosts');
      if (config.preferredPorts!['open-webui']!.http !== 3000) throw new Error('${OPEN_WEBUI_PORT-3000}:8080');
    },
  },
  posthog: {
    services: ['db', 'redis7', 'clickhouse', 'zookeeper', 'kafka', 'objectstorage', 'maildev', 'clickhouse-migrate', 'plugins'],
    skipped: ['clickhouse:ulimits'],
    check(config) {
      if (config.services['clickhouse-migrate']!.job !== true) throw new Error('job');
      if (config.services.plugins!.resources.memory !== '2g' || config.services.plugins!.resources.cpus !== 1.5) throw new Error('limits');
      if (config.services.kafka!.command[2] !== '--kafka-addr internal://0.0.0.0:9092,external://0.0.0.0:19092') throw new Error('list items keep their spaces');
      if (config.services.db!.restart !== 'on-failure') throw new Error('restart');
    },
  },
  qdrant: {
    services: ['qdrant', 'ollama', 'rag-api'],
    skipped: [],
    check(config) {
      if (config.services.qdrant!.ports.grpc !== 6334 || config.preferredPorts!['rag-api']!.http !== 8000) throw new Error('ports');
      if (config.services['rag-api']!.env.COLLECTION !== 'documents') throw new Error('${COLLECTION:-documents}');
    },
  },
};

test('every fixture directory has expectations', (t) => {
  t.deepEqual(readdirSync(FIXTURES).sort(), Object.keys(EXPECTED).sort());
});

for (const [name, expected] of Object.entries(EXPECTED)) {
  test(`${name}: converts, loads through the config loader, and holds the expected services and settings`, async (t) => {
    const { conversion, config } = await load(name);
    t.deepEqual(Object.keys(config.services), expected.services);
    t.deepEqual(conversion.services, expected.services);
    t.deepEqual(skippedOf(conversion), expected.skipped);
    for (const entry of conversion.skipped) t.true(entry.reason.length > 10, `${entry.service}:${entry.key} has a reason`);
    t.notThrows(() => expected.check(config));
  });

  test(`${name}: the generated config passes cidx's schema`, async (t) => {
    const { config, file } = await load(name);
    t.notThrows(() => validateConfig(config, file));
  });
}
