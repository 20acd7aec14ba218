/**
 * Everything the benchmark creates, and how it is removed. Temp dirs live
 * under os.tmpdir(); containers are found by label (cidx's `io.cidx.project`
 * for cidx's, our own `io.cidx.bench` for the floor's and compose's), volumes
 * by name prefix. Cleanup is synchronous on purpose: it runs outside every
 * timed region, and the same code serves a signal handler that cannot wait
 * for the event loop.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execaSync } from 'execa';
import { LABELS, networkName, projectId, volumePrefix } from '../../core/project.js';
import type { Runtime } from './exec.js';
import { cidxConfigText, composeFile } from './services.js';

/** Label on every container the benchmark starts itself (floor, compose). */
export const BENCH_LABEL = 'io.cidx.bench';
const CIDX_PROJECT_LABEL = LABELS.project;

export interface BenchProject {
  root: string;
  id: string;
}

export interface ComposeProject {
  dir: string;
  /** `-p` name: lowercase letters and digits only, as compose v1 normalises them anyway. */
  name: string;
}

export class Sandbox {
  /** Unique per bench process: names and labels of everything it creates carry it. */
  readonly runId = randomBytes(4).toString('hex');
  readonly base: string;
  /** CIDX_CACHE_DIR for every cidx call: shared, as one user's cache is. */
  readonly cacheDir: string;
  private readonly projects = new Map<string, BenchProject>();
  private readonly composeProjects: Array<ComposeProject & { runtime: Runtime }> = [];
  private readonly floorPrefixes = new Set<string>();
  private counter = 0;

  constructor() {
    // realpath: cidx hashes the resolved root, and os.tmpdir() may be a symlink.
    this.base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'cidx-bench-')));
    this.cacheDir = path.join(this.base, 'cache');
    mkdirSync(this.cacheDir);
  }

  get label(): string {
    return `${BENCH_LABEL}=${this.runId}`;
  }

  /** A project directory with the three-service `cidx.config.ts`, or the given config text. */
  createProject(tag: string, options: { independent?: boolean; configText?: string } = {}): BenchProject {
    const root = path.join(this.base, `${tag}-${++this.counter}`);
    mkdirSync(root);
    writeFileSync(path.join(root, 'cidx.config.ts'), options.configText ?? cidxConfigText(options));
    const project = { root, id: projectId(root) };
    this.projects.set(project.id, project);
    return project;
  }

  /** A name prefix for floor containers and volumes, remembered for cleanup. */
  floorPrefix(runtime: Runtime, attempt: number): string {
    const prefix = `cidxbench-${this.runId}-${runtime}-${attempt}`;
    this.floorPrefixes.add(prefix);
    return prefix;
  }

  createComposeProject(runtime: Runtime): ComposeProject {
    const dir = path.join(this.base, `compose-${++this.counter}`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'docker-compose.yml'), composeFile(BENCH_LABEL, this.runId));
    const compose = { dir, name: `cidxbench${this.runId}${this.counter}` };
    this.composeProjects.push({ ...compose, runtime });
    return compose;
  }

  /** Removes what one scenario created on `runtime`: the given cidx projects and every bench-labelled container. */
  wipe(runtime: Runtime, projects: BenchProject[] = []): string[] {
    return wipeRuntime(runtime, {
      projectIds: new Set(projects.map((project) => project.id)),
      label: this.label,
      volumePrefixes: [...projects.map((project) => volumePrefix(project)), `cidxbench-${this.runId}-`],
    });
  }

  /** Everything, on both runtimes, then the temp dirs. Safe to call twice; never throws. */
  cleanupAll(runtimes: readonly Runtime[]): string[] {
    const problems: string[] = [];
    for (const compose of this.composeProjects.splice(0)) {
      const result = execaSync('docker-compose', ['-p', compose.name, 'down', '-v', '--remove-orphans', '-t', '1'], {
        cwd: compose.dir,
        reject: false,
        stdin: 'ignore',
        timeout: 120_000,
      });
      if (result.exitCode !== 0) problems.push(`docker-compose down ${compose.name}: ${String(result.stderr).trim().split('\n').pop()}`);
      // If `down` failed half-way, its network is what the label-based wipe below cannot see.
      const networks = lines(call(compose.runtime, ['network', 'ls', '-q', '--filter', `name=${compose.name}_`]).stdout);
      if (networks.length) call(compose.runtime, ['network', 'rm', ...networks]);
    }
    for (const runtime of runtimes) {
      problems.push(
        ...wipeRuntime(runtime, {
          projectIds: new Set(this.projects.keys()),
          label: this.label,
          volumePrefixes: [...[...this.projects.keys()].map((id) => volumePrefix({ id })), `cidxbench-${this.runId}-`, `cidxbench${this.runId}`],
        }),
      );
    }
    try {
      rmSync(this.base, { recursive: true, force: true });
    } catch (error) {
      problems.push(`removing ${this.base}: ${(error as Error).message}`);
    }
    return problems;
  }
}

interface WipeTarget {
  projectIds: Set<string>;
  /** `key=value` label of bench-owned containers. */
  label: string;
  volumePrefixes: string[];
}

const lines = (text: unknown) => String(text ?? '').split('\n').map((line) => line.trim()).filter(Boolean);

function call(runtime: Runtime, args: string[]) {
  return execaSync(runtime, args, { reject: false, stdin: 'ignore', timeout: 120_000 });
}

/**
 * One `ps` per label, one `inspect` to pick out our projects from every
 * cidx container on the engine (others may be running tests next to us),
 * one `rm`, then the networks and volumes. Returns problems instead of throwing: cleanup
 * must get as far as it can.
 */
function wipeRuntime(runtime: Runtime, target: WipeTarget): string[] {
  const problems: string[] = [];
  const ids = new Set<string>(lines(call(runtime, ['ps', '-a', '-q', '--no-trunc', '--filter', `label=${target.label}`]).stdout));
  if (target.projectIds.size) {
    const cidxIds = lines(call(runtime, ['ps', '-a', '-q', '--no-trunc', '--filter', `label=${CIDX_PROJECT_LABEL}`]).stdout);
    if (cidxIds.length) {
      // A container removed between ps and inspect makes inspect exit 1, but it still prints the rest.
      const inspected = call(runtime, ['container', 'inspect', ...cidxIds]);
      let parsed: Array<{ Id: string; Config?: { Labels?: Record<string, string> | null } }> = [];
      try {
        parsed = JSON.parse(String(inspected.stdout || '[]'));
      } catch {
        problems.push(`${runtime} inspect: unreadable output`);
      }
      for (const container of parsed) {
        if (target.projectIds.has(container.Config?.Labels?.[CIDX_PROJECT_LABEL] ?? '')) ids.add(container.Id);
      }
    }
  }
  if (ids.size) {
    const removed = call(runtime, ['rm', '-f', '-v', ...ids]);
    if (removed.exitCode !== 0 && !/no such container|no container with name or id/i.test(String(removed.stderr))) {
      problems.push(`${runtime} rm: ${String(removed.stderr).trim()}`);
    }
  }
  // Networks after their containers: the floor's carry the bench label; cidx's are labelled with
  // their project, listed in one call and kept only for this bench's projects.
  const networks = new Set(lines(call(runtime, ['network', 'ls', '--format', '{{.Name}}', '--filter', `label=${target.label}`]).stdout));
  const cidxNetworks = lines(call(runtime, ['network', 'ls', '--format', '{{.Name}}', '--filter', `label=${CIDX_PROJECT_LABEL}`]).stdout);
  const ours = new Set([...target.projectIds].map((id) => networkName({ id })));
  for (const name of cidxNetworks) if (ours.has(name)) networks.add(name);
  if (networks.size) {
    const removed = call(runtime, ['network', 'rm', ...networks]);
    if (removed.exitCode !== 0) problems.push(`${runtime} network rm: ${String(removed.stderr).trim()}`);
  }
  const volumes = lines(call(runtime, ['volume', 'ls', '-q']).stdout).filter((name) => target.volumePrefixes.some((prefix) => name.startsWith(prefix)));
  if (volumes.length) {
    const removed = call(runtime, ['volume', 'rm', '-f', ...volumes]);
    if (removed.exitCode !== 0) problems.push(`${runtime} volume rm: ${String(removed.stderr).trim()}`);
  }
  return problems;
}
