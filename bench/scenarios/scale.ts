/**
 * Scale: N projects, each in its own directory, applied at once by N
 * separate `cidx apply` processes sharing one user cache. Counts failed
 * applies and unhealthy services, finds duplicate host ports (in what cidx
 * reported and in what the runtime actually bound), and records the total
 * wall time and each process's peak RSS. Runs once: it is a load test.
 */
import { performance } from 'node:perf_hooks';
import type { ProjectReport } from '../../core/model.js';
import { LABELS } from '../../core/project.js';
import { cidx, describeFailure, log, raw, timed, type Runtime, type Timed } from '../lib/exec.js';
import type { BenchProject, Sandbox } from '../lib/sandbox.js';
import { PUBLISHED_PORTS, SERVICES } from '../lib/services.js';
import { median } from '../lib/stats.js';
import { unhealthyServices } from './cold.js';

export interface ScaleResult {
  projects: number;
  /** Processes that exited 0 with every service healthy. */
  healthyProjects: number;
  /** Processes that exited non-zero or printed no report. */
  failedApplies: number;
  /** Services reported unhealthy, across all projects. */
  unhealthyServices: number;
  /** Host ports bound (or reported) more than once across all projects. */
  collisions: number;
  /** Reported host ports that differ from what the runtime says is bound. */
  mismatches: number;
  wallMs: number;
  /** Slowest single process. */
  slowestMs: number;
  /** KiB, per process; null where it could not be measured. */
  peakRssKiB: { max: number | null; median: number | null; samples: number[] };
  /** First few problems, for the JSON. */
  errors: string[];
}

interface BoundPort {
  project: string;
  service: string;
  container: number;
  hostPort: number;
}

function duplicates(ports: BoundPort[]): number {
  const seen = new Map<number, number>();
  for (const port of ports) seen.set(port.hostPort, (seen.get(port.hostPort) ?? 0) + 1);
  return [...seen.values()].reduce((sum, count) => sum + (count > 1 ? count - 1 : 0), 0);
}

/** What the runtime actually bound, for the projects' containers: one ps, one inspect. */
async function boundPorts(runtime: Runtime, projects: BenchProject[]): Promise<BoundPort[]> {
  const ids = new Set(projects.map((project) => project.id));
  const listed = (await raw(runtime, ['ps', '-q', '--no-trunc', '--filter', `label=${LABELS.project}`])).stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  if (!listed.length) return [];
  const inspected = await timed(runtime, ['container', 'inspect', ...listed]);
  type Inspected = { Config?: { Labels?: Record<string, string> | null }; NetworkSettings?: { Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null } };
  const containers = JSON.parse(inspected.stdout || '[]') as Inspected[];
  const bound: BoundPort[] = [];
  for (const container of containers) {
    const labels = container.Config?.Labels ?? {};
    const project = labels[LABELS.project] ?? '';
    if (!ids.has(project)) continue;
    for (const [key, bindings] of Object.entries(container.NetworkSettings?.Ports ?? {})) {
      // One host port per container port: IPv4 and IPv6 bindings of one port are not a collision.
      const hostPorts = new Set((bindings ?? []).map((binding) => Number(binding.HostPort)));
      for (const hostPort of hostPorts) bound.push({ project, service: labels[LABELS.service] ?? '', container: Number.parseInt(key, 10), hostPort });
    }
  }
  return bound;
}

export async function measureScale(sandbox: Sandbox, runtime: Runtime, count: number): Promise<ScaleResult> {
  const projects = Array.from({ length: count }, (_, index) => sandbox.createProject(`scale-${runtime}-${index + 1}`));
  try {
    log(`${runtime} scale: starting ${count} cidx apply processes at once`);
    const started = performance.now();
    let finished = 0;
    const runs: Timed[] = await Promise.all(
      projects.map(async (project) => {
        const result = await cidx(['apply', '--json', '--runtime', runtime], { cwd: project.root, cacheDir: sandbox.cacheDir, timeout: 600_000, measureRss: true });
        finished++;
        if (finished % Math.max(1, Math.ceil(count / 10)) === 0 || finished === count) log(`${runtime} scale: ${finished}/${count} done after ${Math.round(performance.now() - started)} ms`);
        return result;
      }),
    );
    const wallMs = performance.now() - started;

    const result: ScaleResult = {
      projects: count,
      healthyProjects: 0,
      failedApplies: 0,
      unhealthyServices: 0,
      collisions: 0,
      mismatches: 0,
      wallMs: Math.round(wallMs),
      slowestMs: Math.round(Math.max(...runs.map((run) => run.ms))),
      peakRssKiB: { max: null, median: null, samples: [] },
      errors: [],
    };
    const reported: BoundPort[] = [];
    runs.forEach((run, index) => {
      const project = projects[index]!;
      if (run.peakRssKiB !== undefined) result.peakRssKiB.samples.push(run.peakRssKiB);
      let report: ProjectReport | undefined;
      try {
        report = JSON.parse(run.stdout) as ProjectReport;
      } catch {
        // no report: counted as a failed apply below
      }
      if (run.exitCode !== 0 || !report) {
        result.failedApplies++;
        result.errors.push(describeFailure(`project ${project.id}`, run));
      }
      if (!report) return;
      const bad = unhealthyServices(report);
      result.unhealthyServices += bad.length + Math.max(0, SERVICES.length - report.services.length);
      if (run.exitCode === 0 && bad.length === 0) result.healthyProjects++;
      else if (bad.length) result.errors.push(`project ${project.id}: ${bad.join(', ')}`);
      for (const service of report.services) {
        for (const port of service.ports) {
          if (port.host !== null) reported.push({ project: project.id, service: service.name, container: port.container, hostPort: port.host });
        }
      }
    });
    if (reported.length !== count * PUBLISHED_PORTS) result.errors.push(`${reported.length} host ports reported, expected ${count * PUBLISHED_PORTS}`);

    const actual = await boundPorts(runtime, projects);
    result.collisions = Math.max(duplicates(reported), duplicates(actual));
    const key = (port: BoundPort) => `${port.project}/${port.service}/${port.container}`;
    const truth = new Map<string, Set<number>>();
    for (const port of actual) truth.set(key(port), (truth.get(key(port)) ?? new Set()).add(port.hostPort));
    for (const port of reported) {
      if (!truth.get(key(port))?.has(port.hostPort)) {
        result.mismatches++;
        result.errors.push(`${key(port)}: reported ${port.hostPort}, runtime has ${[...(truth.get(key(port)) ?? [])].join(',') || 'nothing'}`);
      }
    }
    result.peakRssKiB.max = result.peakRssKiB.samples.length ? Math.max(...result.peakRssKiB.samples) : null;
    result.peakRssKiB.median = median(result.peakRssKiB.samples);
    result.errors = result.errors.slice(0, 20);
    log(
      `${runtime} scale: ${result.healthyProjects}/${count} healthy, ${result.failedApplies} failed, ${result.collisions} collisions, ` +
        `${result.mismatches} mismatches, wall ${wallMs.toFixed(0)} ms, peak RSS ${result.peakRssKiB.max ?? 'n/a'} KiB`,
    );
    return result;
  } finally {
    log(`${runtime} scale: removing ${count} projects`);
    const problems = sandbox.wipe(runtime, projects);
    if (problems.length) log(`cleanup after scale: ${problems.join('; ')}`);
  }
}
