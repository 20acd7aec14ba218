/**
 * `npm run bench`: how much cidx costs beyond the container runtime's own
 * work. Every measure runs side by side with its baseline in the
 * same run, on the same machine; medians over `--runs`. Progress goes to
 * stderr, the table to stdout, the full results to bench/results/.
 *
 *   npm run build && node dist/bench/run.js --runs 3 --projects 10
 *   node dist/bench/run.js --runtime docker --only cold,port
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildInfo } from './lib/build-info.js';
import { CIDX_BIN, log, stopping, timed, type Runtime } from './lib/exec.js';
import { describeMachine, extraCaCertsNote, machineLine, type Machine } from './lib/machine.js';
import { coldRows, noopRows, portRows, scaleRows, TARGETS, wideRows, swarmRows } from './lib/rows.js';
import { Sandbox } from './lib/sandbox.js';
import { IMAGE, PUBLISHED_PORTS, SERVICES } from './lib/services.js';
import { renderTable, type Row } from './lib/stats.js';
import { measureCold, type ColdResult } from './scenarios/cold.js';
import { measureScale, type ScaleResult } from './scenarios/scale.js';
import { measureSteady, type NoopResult, type PortResult } from './scenarios/steady.js';
import { measureSwarm, type SwarmResult } from './scenarios/swarm.js';
import { measureWide, type WideResult } from './scenarios/wide.js';

const SCENARIOS = ['cold', 'noop', 'port', 'scale', 'wide', 'swarm'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** `wide` compares cidx with itself (the cap on engine calls), `swarm` puts Docker in swarm mode: asked for by name only. */
const DEFAULT_SCENARIOS: readonly Scenario[] = ['cold', 'noop', 'port', 'scale'];

export interface BenchOptions {
  /** Runs per timed measure; the median is reported. Default: 5. */
  runs: number;
  /** Default: both. */
  runtimes: Runtime[];
  /** Projects applied at once in the scale test. Default: 20, at most 100. */
  projects: number;
  /** Services of the one project the wide scenario applies. Default: 30, at most 100. */
  services: number;
  /** CIDX_PARALLEL for the capped side of the wide scenario. Default: cidx's own default. */
  parallel: number | undefined;
  /** Default: cold, noop, port, scale (wide only when asked for). */
  only: Scenario[];
}

const USAGE = `usage: node dist/bench/run.js [--runs N] [--runtime docker|podman|both] [--projects N] [--services N] [--parallel N] [--only cold,noop,port,scale,wide,swarm]
  --runs N        runs per timed measure, median reported (default 5)
  --runtime R     docker, podman or both (default both)
  --projects N    projects applied at once by the scale test, 1-100 (default 20)
  --services N    services of the one project the wide test applies, 1-100 (default 30)
  --parallel N    the wide test's cap on services created at once, 1-100 (default: cidx's)
  --only LIST     comma-separated subset of cold,noop,port,scale,wide,swarm (default cold,noop,port,scale;
                  swarm: Docker only, makes the engine a one-node swarm if it is in none, and leaves it after)`;

class UsageError extends Error {}

function parseOptions(argv: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      runs: { type: 'string', default: '5' },
      runtime: { type: 'string', default: 'both' },
      projects: { type: 'string', default: '20' },
      services: { type: 'string', default: '30' },
      parallel: { type: 'string' },
      only: { type: 'string', default: DEFAULT_SCENARIOS.join(',') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const integer = (name: string, text: string, min: number, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} expects an integer from ${min} to ${max}, got "${text}"`);
    return value;
  };
  if (!['docker', 'podman', 'both'].includes(values.runtime)) throw new UsageError(`--runtime expects docker, podman or both, got "${values.runtime}"`);
  const only = values.only.split(',').map((item) => item.trim()).filter(Boolean);
  const unknown = only.filter((item) => !(SCENARIOS as readonly string[]).includes(item));
  if (unknown.length || !only.length) throw new UsageError(`--only expects a list of ${SCENARIOS.join(', ')}, got "${values.only}"`);
  return {
    runs: integer('runs', values.runs, 1, 1000),
    runtimes: values.runtime === 'both' ? ['docker', 'podman'] : [values.runtime as Runtime],
    projects: integer('projects', values.projects, 1, 100),
    services: integer('services', values.services, 1, 100),
    parallel: values.parallel === undefined ? undefined : integer('parallel', values.parallel, 1, 100),
    only: SCENARIOS.filter((scenario) => only.includes(scenario)),
  };
}

interface RuntimeResults {
  skipped?: string;
  cold?: ColdResult;
  noop?: NoopResult;
  port?: PortResult;
  scale?: ScaleResult;
  wide?: WideResult;
  swarm?: SwarmResult;
  /** Scenarios that could not be measured at all, with why. */
  errors: Partial<Record<Scenario, string>>;
}

async function imagePresent(runtime: Runtime): Promise<boolean> {
  return (await timed(runtime, ['image', 'inspect', IMAGE], { timeout: 30_000 })).exitCode === 0;
}

async function benchRuntime(sandbox: Sandbox, runtime: Runtime, options: BenchOptions, machine: Machine): Promise<{ results: RuntimeResults; rows: Row[] }> {
  const results: RuntimeResults = { errors: {} };
  const rows: Row[] = [];
  const skip = (why: string) => {
    log(`${runtime}: skipped, ${why}`);
    results.skipped = why;
    rows.push({ runtime, measure: 'skipped', cidx: '', baseline: why, ratio: '', target: '', pass: null });
    return { results, rows };
  };
  if (!machine.available.includes(runtime)) return skip(`${runtime} does not answer`);
  if (!(await imagePresent(runtime))) return skip(`image ${IMAGE} missing (build it: bash test/fixtures/image/build.sh)`);

  const attempt = async <T>(scenario: Scenario, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      if (stopping.signal.aborted) throw error;
      const message = (error as Error).message;
      log(`${runtime} ${scenario}: could not be measured: ${message}`);
      results.errors[scenario] = message;
      rows.push({ runtime, measure: scenario, cidx: 'error', baseline: message.split('\n')[0]!.slice(0, 80), ratio: '', target: '', pass: false });
      return undefined;
    }
  };

  if (options.only.includes('cold')) {
    results.cold = await attempt('cold', () => measureCold(sandbox, runtime, options.runs));
    if (results.cold) rows.push(...coldRows(runtime, results.cold));
  }
  const want = { noop: options.only.includes('noop'), port: options.only.includes('port') };
  if (want.noop || want.port) {
    const steady = await attempt(want.noop ? 'noop' : 'port', () => measureSteady(sandbox, runtime, options.runs, want, machine.dockerCompose !== null));
    if (steady?.noop) rows.push(...noopRows(runtime, (results.noop = steady.noop)));
    if (steady?.port) rows.push(...portRows(runtime, (results.port = steady.port)));
  }
  if (options.only.includes('scale')) {
    results.scale = await attempt('scale', () => measureScale(sandbox, runtime, options.projects));
    if (results.scale) rows.push(...scaleRows(runtime, results.scale));
  }
  if (options.only.includes('wide')) {
    results.wide = await attempt('wide', () => measureWide(sandbox, runtime, options.runs, options.services, options.parallel));
    if (results.wide) rows.push(...wideRows(runtime, results.wide));
  }
  if (options.only.includes('swarm') && runtime === 'docker') {
    results.swarm = await attempt('swarm', () => measureSwarm(sandbox, options.runs));
    if (results.swarm) rows.push(...swarmRows(runtime, results.swarm));
  }
  return { results, rows };
}

function writeResults(report: object): string {
  const dir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(path.join(dir, 'latest.json'), text);
  return file;
}

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions | undefined;
  try {
    options = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message.replace(/\. To specify.*$/s, '')}\n${USAGE}\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const startedAt = new Date();
  const [machine, build] = await Promise.all([describeMachine(), buildInfo()]);
  log(`machine: ${machineLine(machine)}`);
  log(`cidx ${build.revision ?? '(no git revision)'}, running ${build.entry ?? CIDX_BIN}`);
  for (const warning of build.warnings) log(`warning: ${warning}`);
  const sandbox = new Sandbox();
  log(`run ${sandbox.runId}: temp dir ${sandbox.base}; ${options.runs} runs; ${options.runtimes.join(' and ')}; ${options.only.join(', ')}`);

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      // Asked twice: clean up synchronously and go, without waiting for the children to wind down.
      sandbox.cleanupAll(options.runtimes);
      process.exit(130);
    }
    log(`${signal}: stopping the children and cleaning up (again to force)`);
    stopping.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results: Partial<Record<Runtime, RuntimeResults>> = {};
  const rows: Row[] = [];
  let interrupted = false;
  try {
    for (const runtime of options.runtimes) {
      const outcome = await benchRuntime(sandbox, runtime, options, machine);
      results[runtime] = outcome.results;
      rows.push(...outcome.rows);
    }
  } catch (error) {
    if (!stopping.signal.aborted) throw error;
    interrupted = true;
  } finally {
    log('cleaning up');
    const problems = sandbox.cleanupAll(options.runtimes);
    for (const problem of problems) log(`cleanup: ${problem}`);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (interrupted) {
    log('interrupted: no results written');
    return 130;
  }

  const header = [
    `cidx benchmark, ${startedAt.toISOString()}: medians of ${options.runs} runs; scale: ${options.projects} projects at once`,
    `project: ${SERVICES.length} services, ${PUBLISHED_PORTS} published ports (${SERVICES.map((service) => service.name).join(', ')}), image ${IMAGE}`,
    `machine: ${machineLine(machine)}`,
    `cidx: ${build.revision ?? 'unknown revision'}${build.warnings.length ? ` (warning: ${build.warnings.join('; ')})` : ''}`,
  ];
  const table = renderTable(rows);
  const measured = rows.filter((row) => row.pass !== null);
  const failed = measured.filter((row) => row.pass === false);
  const summary = `${measured.length - failed.length}/${measured.length} targets met`;
  const note = extraCaCertsNote(machine);
  process.stdout.write(`${header.join('\n')}\n\n${table}\n\n${summary}\n${note ? `${note}\n` : ''}`);

  const file = writeResults({
    schema: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `node dist/bench/run.js ${argv.join(' ')}`.trim(),
    options,
    machine,
    cidx: build,
    project: { image: IMAGE, services: SERVICES, publishedPorts: PUBLISHED_PORTS },
    targets: TARGETS,
    results,
    rows,
    targetsMet: failed.length === 0,
  });
  log(`results written to ${path.relative(process.cwd(), file)} (and latest.json)`);
  const broken = Object.values(results).some((result) => result && Object.keys(result.errors).length > 0);
  return broken ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
