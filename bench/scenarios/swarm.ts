/**
 * Swarm cold apply (`--only swarm`, Docker only, never by default: it puts
 * the engine in swarm mode). The three services with `runtime: 'swarm'`
 * (plugins/swarm-runtime), without dependsOn, from nothing to all healthy,
 * against the floor: the same services made by raw `docker service create
 * --detach` calls in parallel (on an overlay network of their own, host-mode
 * ports, DNS round robin, as the plugin makes them), then each task's host
 * port read from `docker inspect <task>`, then an HTTP probe loop until each
 * answers. The engine becomes a one-node swarm (advertised on 127.0.0.1)
 * only if it is in none, and leaves it again at the end. Cleanup between
 * runs, outside the clock; who goes first alternates.
 */
import { performance } from 'node:perf_hooks';
import type { ProjectReport } from '../../core/model.js';
import { cidx, describeFailure, log, raw, stopping, timed } from '../lib/exec.js';
import { waitForHttp } from '../lib/probe.js';
import type { Sandbox } from '../lib/sandbox.js';
import { cidxServices, IMAGE, SERVICES, type BenchService } from '../lib/services.js';
import { fail, ms, newSamples, record, type Samples } from '../lib/stats.js';
import { unhealthyServices } from './cold.js';

const HEALTH_WITHIN_MS = 120_000;
const PLUGIN = new URL('../../plugins/swarm-runtime/index.js', import.meta.url).href;

export interface SwarmResult {
  cidx: Samples;
  /** Raw `docker service create`, all three in parallel. */
  floor: Samples;
}

function swarmConfigText(): string {
  // No dependsOn: the floor creates the three services at once.
  const services = cidxServices({ independent: true, healthTimeout: '5m' });
  return `import { defineConfig } from 'cidx';
import { swarmRuntime } from ${JSON.stringify(PLUGIN)};

export default defineConfig({ runtime: 'swarm', services: ${JSON.stringify(services, null, 2)}, plugins: [swarmRuntime()] });
`;
}

/** Makes the engine a one-node swarm if it is in none; resolves with the undo, if there is one. */
async function ensureSwarm(): Promise<(() => Promise<void>) | undefined> {
  const state = (await raw('docker', ['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}'])).stdout.trim();
  if (state === 'active true') return undefined;
  if (state.split(' ')[0] !== 'inactive') throw new Error(`the engine's swarm is "${state}": the swarm scenario needs a manager, or no swarm`);
  const gwbridge = (await raw('docker', ['network', 'ls', '-q', '--filter', 'name=^docker_gwbridge$'])).stdout.trim() !== '';
  await raw('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1']);
  log('swarm: this engine is a one-node swarm until the scenario ends');
  return async () => {
    await timed('docker', ['swarm', 'leave', '--force']);
    if (!gwbridge) await timed('docker', ['network', 'rm', 'docker_gwbridge']);
  };
}

async function floorService(prefix: string, label: string, service: BenchService): Promise<void> {
  const name = `${prefix}-${service.name}`;
  const args = ['service', 'create', '--detach', '--quiet', '--no-resolve-image', '--name', name, '--label', label, '--container-label', label];
  args.push('--network', `${prefix}-net`, '--endpoint-mode', 'dnsrr');
  for (const [key, value] of Object.entries(service.env)) args.push('--env', `${key}=${value}`);
  for (const port of Object.values(service.ports)) args.push('--publish', `mode=host,target=${port}`);
  for (const [volume, target] of Object.entries(service.volumes)) args.push('--mount', `type=volume,source=${prefix}-${service.name}-${volume},target=${target}`);
  await raw('docker', [...args, IMAGE]);
  const container = service.ports[service.health.port]!;
  const deadline = performance.now() + HEALTH_WITHIN_MS;
  for (;;) {
    stopping.signal.throwIfAborted();
    const tasks = (await raw('docker', ['service', 'ps', '--quiet', '--no-trunc', '--filter', 'desired-state=running', name])).stdout.trim().split('\n').filter(Boolean);
    if (tasks.length) {
      const status = JSON.parse((await raw('docker', ['inspect', '--type', 'task', '--format', '{{json .Status.PortStatus.Ports}}', tasks[0]!])).stdout || 'null') as Array<{ TargetPort: number; PublishedPort: number }> | null;
      const port = status?.find((entry) => entry.TargetPort === container)?.PublishedPort;
      if (port) return waitForHttp('127.0.0.1', port, service.health.path, deadline - performance.now(), stopping.signal);
    }
    if (performance.now() > deadline) throw new Error(`${name}: no task published port ${container} within ${HEALTH_WITHIN_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function floorOnce(prefix: string, label: string): Promise<number> {
  const started = performance.now();
  await raw('docker', ['network', 'create', '--driver', 'overlay', '--attachable', '--label', label, `${prefix}-net`]);
  await Promise.all(SERVICES.map((service) => floorService(prefix, label, service)));
  return performance.now() - started;
}

/** Removes the floor's services, network and volumes (outside the clock), waiting for the task containers to go. */
async function wipeFloor(prefix: string, label: string): Promise<void> {
  const services = (await timed('docker', ['service', 'ls', '-q', '--filter', `label=${label}`])).stdout.trim().split('\n').filter(Boolean);
  if (services.length) await timed('docker', ['service', 'rm', ...services]);
  for (let attempt = 0; attempt < 150; attempt++) {
    if (!(await timed('docker', ['ps', '-aq', '--filter', `label=${label}`])).stdout.trim()) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await timed('docker', ['network', 'rm', `${prefix}-net`]);
  const volumes = (await timed('docker', ['volume', 'ls', '-q', '--filter', `name=${prefix}-`])).stdout.trim().split('\n').filter(Boolean);
  if (volumes.length) await timed('docker', ['volume', 'rm', ...volumes]);
}

export async function measureSwarm(sandbox: Sandbox, runs: number): Promise<SwarmResult> {
  const result: SwarmResult = { cidx: newSamples(), floor: newSamples() };
  const leave = await ensureSwarm();
  const project = sandbox.createProject('swarm', { configText: swarmConfigText() });
  const down = () => cidx(['down', '--volumes'], { cwd: project.root, cacheDir: sandbox.cacheDir });
  try {
    let attempt = 0;
    for (let run = 1; run <= runs; run++) {
      const line: string[] = [];
      for (const side of run % 2 ? (['cidx', 'floor'] as const) : (['floor', 'cidx'] as const)) {
        stopping.signal.throwIfAborted();
        const prefix = sandbox.floorPrefix('docker', ++attempt);
        try {
          if (side === 'cidx') {
            const applied = await cidx(['apply', '--json'], { cwd: project.root, cacheDir: sandbox.cacheDir });
            if (applied.exitCode !== 0) throw new Error(describeFailure('cidx apply', applied));
            const bad = unhealthyServices(JSON.parse(applied.stdout) as ProjectReport);
            if (bad.length) throw new Error(`cidx apply exited 0 but reported ${bad.join(', ')}`);
            record(result.cidx, applied.ms);
            line.push(`cidx ${ms(applied.ms)}`);
          } else {
            const elapsed = await floorOnce(prefix, sandbox.label);
            record(result.floor, elapsed);
            line.push(`floor ${ms(elapsed)}`);
          }
        } catch (error) {
          if (stopping.signal.aborted) throw error;
          fail(result[side], (error as Error).message);
          line.push(`${side} FAILED (${(error as Error).message.split('\n')[0]})`);
        } finally {
          if (side === 'cidx') await down();
          else await wipeFloor(prefix, sandbox.label);
        }
      }
      log(`docker swarm cold ${run}/${runs}: ${line.join(', ')}`);
    }
  } finally {
    await down();
    await leave?.();
  }
  return result;
}
