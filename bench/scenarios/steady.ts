/**
 * The everyday case: everything is already up and healthy.
 *  - No-op apply: `cidx apply` against `docker-compose up -d` on the same
 *    services (also already up; Docker only) and the raw `ps` call cidx's
 *    observe step makes.
 *  - Port lookup: `cidx port qdrant http` with a warm cache against
 *    `<runtime> port NAME 6333`; both must print the same address.
 * One project is brought up (untimed) and serves both measures.
 */
import type { ProjectReport } from '../../core/model.js';
import { containerName, LABELS } from '../../core/project.js';
import { cidx, describeFailure, log, raw, stopping, timed, type Runtime, type Timed } from '../lib/exec.js';
import type { BenchProject, ComposeProject, Sandbox } from '../lib/sandbox.js';
import { fail, ms, newSamples, record, type Samples } from '../lib/stats.js';
import { unhealthyServices } from './cold.js';

export interface NoopResult {
  cidx: Samples;
  /** Null where docker-compose does not apply (Podman) or is not installed. */
  compose: Samples | null;
  ps: Samples;
}

export interface PortResult {
  cidx: Samples;
  raw: Samples;
}

export interface SteadyResult {
  noop?: NoopResult;
  port?: PortResult;
}

async function bringUp(sandbox: Sandbox, runtime: Runtime, project: BenchProject): Promise<void> {
  const result = await cidx(['apply', '--json', '--runtime', runtime], { cwd: project.root, cacheDir: sandbox.cacheDir });
  if (result.exitCode !== 0) throw new Error(describeFailure('setup: cidx apply', result));
  const bad = unhealthyServices(JSON.parse(result.stdout) as ProjectReport);
  if (bad.length) throw new Error(`setup: cidx apply reported ${bad.join(', ')}`);
}

/** Times `once` and files the result; a throw or a non-zero exit counts as a failed run. */
async function sample(samples: Samples, label: string, once: () => Promise<Timed>, check?: (result: Timed) => string | undefined): Promise<string> {
  try {
    const result = await once();
    const problem = result.exitCode !== 0 ? describeFailure(label, result) : check?.(result);
    if (problem) {
      fail(samples, problem);
      return `${label} FAILED`;
    }
    record(samples, result.ms);
    return `${label} ${ms(result.ms)}`;
  } catch (error) {
    if (stopping.signal.aborted) throw error;
    fail(samples, (error as Error).message);
    return `${label} FAILED`;
  }
}

function notANoop(result: Timed): string | undefined {
  const report = JSON.parse(result.stdout) as ProjectReport;
  const acted = report.services.filter((service) => service.action !== 'unchanged').map((service) => `${service.name} ${service.action}`);
  const bad = unhealthyServices(report);
  if (acted.length) return `not a no-op: ${acted.join(', ')}`;
  if (bad.length) return `unhealthy: ${bad.join(', ')}`;
  return undefined;
}

export async function measureSteady(sandbox: Sandbox, runtime: Runtime, runs: number, want: { noop: boolean; port: boolean }, hasCompose: boolean): Promise<SteadyResult> {
  const project = sandbox.createProject(`steady-${runtime}`);
  let compose: ComposeProject | undefined;
  try {
    log(`${runtime} steady: bringing the project up (untimed)`);
    await bringUp(sandbox, runtime, project);
    const useCompose = want.noop && hasCompose && runtime === 'docker';
    if (useCompose) {
      compose = sandbox.createComposeProject(runtime);
      await raw('docker-compose', ['-p', compose.name, 'up', '-d'], { cwd: compose.dir });
    }
    const result: SteadyResult = {};
    if (want.noop) result.noop = await measureNoop(sandbox, runtime, runs, project, compose);
    if (want.port) result.port = await measurePort(sandbox, runtime, runs, project);
    return result;
  } finally {
    if (compose) {
      const down = await timed('docker-compose', ['-p', compose.name, 'down', '-v', '-t', '1'], { cwd: compose.dir });
      if (down.exitCode !== 0) log(describeFailure('docker-compose down', down));
    }
    const problems = sandbox.wipe(runtime, [project]);
    if (problems.length) log(`cleanup after steady: ${problems.join('; ')}`);
  }
}

async function measureNoop(sandbox: Sandbox, runtime: Runtime, runs: number, project: BenchProject, compose: ComposeProject | undefined): Promise<NoopResult> {
  const result: NoopResult = { cidx: newSamples(), compose: compose ? newSamples() : null, ps: newSamples() };
  const psArgs = ['ps', '-a', '-q', '--no-trunc', '--filter', `label=${LABELS.project}=${project.id}`];
  const sides: Array<() => Promise<string>> = [
    () => sample(result.cidx, 'cidx', () => cidx(['apply', '--json', '--runtime', runtime], { cwd: project.root, cacheDir: sandbox.cacheDir }), notANoop),
    ...(compose ? [() => sample(result.compose!, 'docker-compose', () => timed('docker-compose', ['-p', compose.name, 'up', '-d'], { cwd: compose.dir }))] : []),
    () => sample(result.ps, `${runtime} ps`, () => timed(runtime, psArgs)),
  ];
  for (let run = 1; run <= runs; run++) {
    const line: string[] = [];
    // Rotate who goes first, as in the cold scenario.
    for (let index = 0; index < sides.length; index++) line.push(await sides[(index + run - 1) % sides.length]!());
    log(`${runtime} no-op ${run}/${runs}: ${line.join(', ')}`);
  }
  return result;
}

async function measurePort(sandbox: Sandbox, runtime: Runtime, runs: number, project: BenchProject): Promise<PortResult> {
  const result: PortResult = { cidx: newSamples(), raw: newSamples() };
  const container = containerName(project, 'qdrant');
  const expected = (await raw(runtime, ['port', container, '6333'])).stdout.trim().split('\n')[0]!.trim();
  // Warm the caches (config transpile, port cache) the way a first lookup would.
  const warm = await cidx(['port', 'qdrant', 'http', '--runtime', runtime], { cwd: project.root, cacheDir: sandbox.cacheDir });
  if (warm.exitCode !== 0) log(describeFailure('warm-up cidx port', warm));
  const same = (label: string) => (out: Timed) => {
    const printed = out.stdout.trim().split('\n')[0]?.trim();
    return printed === expected ? undefined : `${label} printed "${printed}", the runtime says ${expected}`;
  };
  for (let run = 1; run <= runs; run++) {
    const line = [
      await sample(result.cidx, 'cidx port', () => cidx(['port', 'qdrant', 'http', '--runtime', runtime], { cwd: project.root, cacheDir: sandbox.cacheDir }), same('cidx port')),
      await sample(result.raw, `${runtime} port`, () => timed(runtime, ['port', container, '6333']), same(`${runtime} port`)),
    ];
    log(`${runtime} port ${run}/${runs}: ${line.join(', ')}`);
  }
  return result;
}
