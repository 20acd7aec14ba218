/**
 * Wide cold apply: one project of N independent services (one dependency
 * level), `cidx apply` from nothing to all healthy, with cidx's default cap
 * on engine calls that change something (CIDX_PARALLEL unset: 4 at once)
 * against no cap (CIDX_PARALLEL=0: all N `run`s at once). The cap must cost
 * nothing for a few services and help, or at least not hurt, for many.
 * Cleanup between runs, outside the clock; who goes first rotates.
 */
import type { ProjectReport } from '../../core/model.js';
import { cidx, describeFailure, log, stopping, type Runtime } from '../lib/exec.js';
import type { Sandbox } from '../lib/sandbox.js';
import { IMAGE } from '../lib/services.js';
import { fail, ms, newSamples, record, type Samples } from '../lib/stats.js';
import { unhealthyServices } from './cold.js';

export interface WideResult {
  services: number;
  /** CIDX_PARALLEL of the capped side; null for cidx's default. */
  cap: number | null;
  /** CIDX_PARALLEL unset (or `cap`): cidx's default cap. */
  capped: Samples;
  /** CIDX_PARALLEL=0: every service of the level at once. */
  uncapped: Samples;
}

/** N copies of one small HTTP service, no dependsOn, no volumes: only the engine calls differ. */
export function wideConfigText(count: number): string {
  const services = Object.fromEntries(
    Array.from({ length: count }, (_, index) => [
      `s${String(index + 1).padStart(2, '0')}`,
      { image: IMAGE, ports: { http: 8080 }, env: { HTTP_PORTS: '8080' }, health: { http: { port: 'http', path: '/healthz' }, timeout: '5m' } },
    ]),
  );
  return `export default ${JSON.stringify({ services }, null, 2)};\n`;
}

/** `cap`: CIDX_PARALLEL for the capped side; undefined for cidx's default. */
export async function measureWide(sandbox: Sandbox, runtime: Runtime, runs: number, count: number, cap?: number): Promise<WideResult> {
  const result: WideResult = { services: count, cap: cap ?? null, capped: newSamples(), uncapped: newSamples() };
  const project = sandbox.createProject(`wide-${count}-${runtime}`, { configText: wideConfigText(count) });
  type Side = { name: 'capped' | 'uncapped'; env: Record<string, string> };
  const sides: Side[] = [
    { name: 'capped', env: cap === undefined ? {} : { CIDX_PARALLEL: String(cap) } },
    { name: 'uncapped', env: { CIDX_PARALLEL: '0' } },
  ];
  for (let run = 1; run <= runs; run++) {
    const order = run % 2 ? sides : [...sides].reverse();
    const line: string[] = [];
    for (const side of order) {
      stopping.signal.throwIfAborted();
      const problems = sandbox.wipe(runtime, [project]);
      if (problems.length) log(`cleanup before wide ${side.name}: ${problems.join('; ')}`);
      const applied = await cidx(['apply', '--json', '--runtime', runtime], { cwd: project.root, cacheDir: sandbox.cacheDir, env: side.env });
      const bad = applied.exitCode === 0 ? unhealthyServices(JSON.parse(applied.stdout) as ProjectReport) : [];
      if (applied.exitCode !== 0 || bad.length) {
        const why = applied.exitCode !== 0 ? describeFailure('cidx apply', applied) : `reported ${bad.join(', ')}`;
        fail(result[side.name], why);
        line.push(`${side.name} FAILED (${why.split('\n')[0]})`);
      } else {
        record(result[side.name], applied.ms);
        line.push(`${side.name} ${ms(applied.ms)}`);
      }
    }
    log(`${runtime} wide ${count} services ${run}/${runs}: ${line.join(', ')}`);
  }
  const problems = sandbox.wipe(runtime, [project]);
  if (problems.length) log(`cleanup after wide: ${problems.join('; ')}`);
  return result;
}
