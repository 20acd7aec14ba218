/**
 * The one project every scenario uses, written once and rendered three ways:
 * as a cidx config, as raw `run` arguments (the floor), and as a compose file.
 * Same shape as examples/offline/cidx.config.ts: a qdrant-like (HTTP 6333 +
 * gRPC-like TCP 6334), an ollama-like (11434) and a data-cleaner-like (8080)
 * that depends on qdrant: three containers, four published ports.
 */
/** Built by test/fixtures/image/build.sh; nothing can be pulled on the bench machines. */
export const IMAGE = process.env.CIDX_TEST_IMAGE ?? 'localhost/cidx-test:2';

/** Generous: 100 projects at once on a small machine start slowly. */
const HEALTH_TIMEOUT = '5m';

export interface BenchService {
  name: string;
  /** Port name → container port. */
  ports: Record<string, number>;
  env: Record<string, string>;
  /** Volume name → container path. */
  volumes: Record<string, string>;
  /** The HTTP probe cidx runs, and the floor's probe loop repeats. */
  health: { port: string; path: string };
  dependsOn: string[];
}

export const SERVICES: readonly BenchService[] = [
  {
    name: 'qdrant',
    ports: { http: 6333, grpc: 6334 },
    env: { HTTP_PORTS: '6333', TCP_PORTS: '6334' },
    volumes: { storage: '/qdrant/storage' },
    health: { port: 'http', path: '/readyz' },
    dependsOn: [],
  },
  {
    name: 'ollama',
    ports: { http: 11434 },
    env: { HTTP_PORTS: '11434' },
    volumes: { models: '/root/.ollama' },
    health: { port: 'http', path: '/' },
    dependsOn: [],
  },
  {
    name: 'data-cleaner',
    ports: { http: 8080 },
    env: { HTTP_PORTS: '8080' },
    volumes: {},
    health: { port: 'http', path: '/healthz' },
    dependsOn: ['qdrant'],
  },
];

export const PUBLISHED_PORTS = SERVICES.reduce((count, service) => count + Object.keys(service.ports).length, 0);

/**
 * `cidx.config.ts` as users write it: TypeScript, `defineConfig` from 'cidx'.
 * `independent` drops dependsOn: the same containers, all started at once,
 * which is what the parallel floor does.
 */
export function cidxConfigText(options: { independent?: boolean } = {}): string {
  const services = cidxServices(options);
  return `import { defineConfig } from 'cidx';\n\nexport default defineConfig(${JSON.stringify({ services }, null, 2)});\n`;
}

/** The `services` of the config, for every scenario that renders one (the swarm one too). */
export function cidxServices(options: { independent?: boolean; healthTimeout?: string } = {}): Record<string, unknown> {
  return Object.fromEntries(
    SERVICES.map((service) => [
      service.name,
      {
        image: IMAGE,
        ports: service.ports,
        env: service.env,
        ...(Object.keys(service.volumes).length ? { volumes: service.volumes } : {}),
        health: { http: { port: service.health.port, path: service.health.path }, timeout: options.healthTimeout ?? HEALTH_TIMEOUT },
        ...(service.dependsOn.length && !options.independent ? { dependsOn: service.dependsOn } : {}),
      },
    ]),
  );
}

/** Names the floor gives its containers and volumes; `prefix` is unique per bench run and runtime. */
export function floorNames(prefix: string, service: BenchService) {
  return {
    container: `${prefix}-${service.name}`,
    volume: (name: string) => `${prefix}-${service.name}-${name}`,
  };
}

/**
 * The floor's network: cidx gives each project a network of its own, where
 * services reach each other by name (as compose does), so the floor's
 * containers join one too. Creating it is on the clock for both.
 */
export function floorNetwork(prefix: string): string {
  return `${prefix}-net`;
}

/** `run -d` arguments for the floor: what cidx asks the runtime for, minus cidx's own labels. */
export function floorRunArgs(prefix: string, label: string, service: BenchService): string[] {
  const names = floorNames(prefix, service);
  const args = ['run', '-d', '--name', names.container, '--label', label, '--network', floorNetwork(prefix), '--network-alias', service.name];
  for (const [key, value] of Object.entries(service.env)) args.push('--env', `${key}=${value}`);
  for (const port of Object.values(service.ports)) args.push('--publish', `127.0.0.1::${port}/tcp`);
  for (const [name, target] of Object.entries(service.volumes)) args.push('--volume', `${names.volume(name)}:${target}`);
  args.push(IMAGE);
  return args;
}

/** Every volume name the floor creates, for cleanup. */
export function floorVolumes(prefix: string): string[] {
  return SERVICES.flatMap((service) => Object.keys(service.volumes).map((name) => floorNames(prefix, service).volume(name)));
}

/**
 * The same services for docker-compose v1 (Debian's 1.29.2). Ports use the
 * loopback, runtime-chosen form cidx uses; `labels` lets cleanup find the
 * containers even when `docker-compose down` fails.
 */
export function composeFile(labelKey: string, labelValue: string): string {
  const lines = ['version: "2.4"', 'services:'];
  for (const service of SERVICES) {
    lines.push(`  ${service.name}:`, `    image: ${JSON.stringify(IMAGE)}`);
    lines.push(`    labels: { ${JSON.stringify(labelKey)}: ${JSON.stringify(labelValue)} }`);
    lines.push(`    ports: [${Object.values(service.ports).map((port) => JSON.stringify(`127.0.0.1::${port}`)).join(', ')}]`);
    lines.push(`    environment: { ${Object.entries(service.env).map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(', ')} }`);
    const volumes = Object.entries(service.volumes);
    if (volumes.length) lines.push(`    volumes: [${volumes.map(([name, target]) => JSON.stringify(`${service.name}-${name}:${target}`)).join(', ')}]`);
    if (service.dependsOn.length) lines.push(`    depends_on: [${service.dependsOn.join(', ')}]`);
  }
  const named = SERVICES.flatMap((service) => Object.keys(service.volumes).map((name) => `${service.name}-${name}`));
  if (named.length) lines.push('volumes:', ...named.map((name) => `  ${name}: {}`));
  return `${lines.join('\n')}\n`;
}

/** Which host port `port NAME` reports for a container port: "6333/tcp -> 127.0.0.1:32768" lines. */
export function parsePortOutput(text: string): Map<number, number> {
  const found = new Map<number, number>();
  for (const line of text.split('\n')) {
    const match = /^(\d+)\/tcp\s+->\s+(?:\[[^\]]*\]|[^:\s]*):(\d+)\s*$/.exec(line.trim());
    if (match && !found.has(Number(match[1]))) found.set(Number(match[1]), Number(match[2]));
  }
  return found;
}
