/**
 * Cold apply: nothing exists, `cidx apply` until every service is healthy,
 * whole process. Two pairs, each like for like:
 * - the project without dependsOn against the floor: the same containers
 *   started by the raw runtime CLI, all in parallel, one `port` call each,
 *   then an HTTP probe loop until each answers (TARGETS.coldOverFloor). Like
 *   cidx's, they join a network of their own, created on the clock;
 * - the project as declared (data-cleaner dependsOn qdrant) against the
 *   floor in dependency order, since cidx must wait for qdrant too.
 * Cleanup (containers, volumes, networks) happens between runs, outside the clock.
 */
import { performance } from 'node:perf_hooks';
import type { ProjectReport } from '../../core/model.js';
import { cidx, describeFailure, log, raw, stopping, timed, type Runtime } from '../lib/exec.js';
import { waitForHttp } from '../lib/probe.js';
import type { Sandbox } from '../lib/sandbox.js';
import { floorNames, floorNetwork, floorRunArgs, parsePortOutput, SERVICES, type BenchService } from '../lib/services.js';
import { fail, ms, newSamples, record, type Samples } from '../lib/stats.js';

const HEALTH_WITHIN_MS = 120_000;
const MAX_RUN_ATTEMPTS = 3;
const PORT_RACE = /address already in use|port is already allocated/i;

export interface ColdResult {
  /** The project as declared, with dependsOn. */
  cidx: Samples;
  /** The same project without dependsOn: comparable with the parallel floor. */
  cidxIndependent: Samples;
  /** Raw CLI, all three in parallel: the target's baseline. */
  floor: Samples;
  /** Raw CLI in dependency order: how much of cidx's time the dependency itself costs. */
  floorOrdered: Samples;
}

/** Checks a `cidx apply --json` report: every service healthy, every port published. */
export function unhealthyServices(report: ProjectReport): string[] {
  return report.services
    .filter((service) => service.healthy !== true || service.ports.some((port) => port.host === null))
    .map((service) => `${service.name} (${service.state}${service.error ? `: ${service.error.message}` : ''})`);
}

async function cidxColdOnce(sandbox: Sandbox, runtime: Runtime, project: { root: string }): Promise<number> {
  const result = await cidx(['apply', '--json', '--runtime', runtime], { cwd: project.root, cacheDir: sandbox.cacheDir });
  if (result.exitCode !== 0) throw new Error(describeFailure('cidx apply', result));
  const bad = unhealthyServices(JSON.parse(result.stdout) as ProjectReport);
  if (bad.length) throw new Error(`cidx apply exited 0 but reported ${bad.join(', ')}`);
  return result.ms;
}

async function startAndProbe(runtime: Runtime, prefix: string, label: string, service: BenchService): Promise<void> {
  const name = floorNames(prefix, service).container;
  for (let attempt = 1; ; attempt++) {
    try {
      await raw(runtime, floorRunArgs(prefix, label, service));
      break;
    } catch (error) {
      // With containers starting at once, the engine can refuse an ephemeral host port it picked
      // itself ("address already in use", "port is already allocated"). cidx removes the
      // half-created container and asks again, so the floor does the same, on the clock.
      if (attempt >= MAX_RUN_ATTEMPTS || !PORT_RACE.test((error as Error).message)) throw error;
      await timed(runtime, ['rm', '-f', name]);
    }
  }
  const published = parsePortOutput((await raw(runtime, ['port', name])).stdout);
  const host = published.get(service.ports[service.health.port]!);
  if (!host) throw new Error(`${runtime} port ${name}: no binding for ${service.ports[service.health.port]}`);
  if (published.size !== Object.keys(service.ports).length) throw new Error(`${runtime} port ${name}: ${published.size} bindings, expected ${Object.keys(service.ports).length}`);
  await waitForHttp('127.0.0.1', host, service.health.path, HEALTH_WITHIN_MS, stopping.signal);
}

async function floorOnce(sandbox: Sandbox, runtime: Runtime, prefix: string, ordered: boolean): Promise<number> {
  const started = performance.now();
  await raw(runtime, ['network', 'create', '--label', sandbox.label, floorNetwork(prefix)]);
  if (ordered) {
    // Level by level, as dependsOn demands: a service starts once all it depends on answer.
    const done = new Set<string>();
    while (done.size < SERVICES.length) {
      const level = SERVICES.filter((service) => !done.has(service.name) && service.dependsOn.every((dep) => done.has(dep)));
      await Promise.all(level.map((service) => startAndProbe(runtime, prefix, sandbox.label, service)));
      for (const service of level) done.add(service.name);
    }
  } else {
    await Promise.all(SERVICES.map((service) => startAndProbe(runtime, prefix, sandbox.label, service)));
  }
  return performance.now() - started;
}

export async function measureCold(sandbox: Sandbox, runtime: Runtime, runs: number): Promise<ColdResult> {
  const result: ColdResult = { cidx: newSamples(), cidxIndependent: newSamples(), floor: newSamples(), floorOrdered: newSamples() };
  const project = sandbox.createProject(`cold-${runtime}`);
  const independent = sandbox.createProject(`cold-independent-${runtime}`, { independent: true });
  type Side = { name: keyof ColdResult; once: (attempt: number) => Promise<number> };
  const sides: Side[] = [
    { name: 'cidx', once: () => cidxColdOnce(sandbox, runtime, project) },
    { name: 'cidxIndependent', once: () => cidxColdOnce(sandbox, runtime, independent) },
    { name: 'floor', once: (attempt) => floorOnce(sandbox, runtime, sandbox.floorPrefix(runtime, attempt), false) },
    { name: 'floorOrdered', once: (attempt) => floorOnce(sandbox, runtime, sandbox.floorPrefix(runtime, attempt), true) },
  ];
  let attempt = 0;
  for (let run = 1; run <= runs; run++) {
    // Rotate who goes first, so a machine that slows down or warms up over time favours nobody.
    const order = sides.map((_, index) => sides[(index + run - 1) % sides.length]!);
    const line: string[] = [];
    for (const side of order) {
      stopping.signal.throwIfAborted();
      const problems = sandbox.wipe(runtime, [project, independent]);
      if (problems.length) log(`cleanup before ${side.name}: ${problems.join('; ')}`);
      try {
        const elapsed = await side.once(++attempt);
        record(result[side.name], elapsed);
        line.push(`${side.name} ${ms(elapsed)}`);
      } catch (error) {
        if (stopping.signal.aborted) throw error;
        fail(result[side.name], (error as Error).message);
        line.push(`${side.name} FAILED (${(error as Error).message.split('\n')[0]})`);
      }
    }
    log(`${runtime} cold ${run}/${runs}: ${line.join(', ')}`);
  }
  const problems = sandbox.wipe(runtime, [project, independent]);
  if (problems.length) log(`cleanup after cold: ${problems.join('; ')}`);
  return result;
}
