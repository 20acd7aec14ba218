/**
 * `cidx doctor`: which runtimes are installed and answering, their versions,
 * rootless or not, where they listen, where cidx keeps state, and whether the
 * config loads. Exits 1 with a fix for each problem found.
 */
import { access, mkdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { loadConfig } from '../../core/config/load.js';
import { ExitCode, isCidxError } from '../../core/errors.js';
import type { ProjectIdentity } from '../../core/model.js';
import { realRoot } from '../../core/project.js';
import { inventory, rootState } from '../../core/prune.js';
import type { ContainerRuntime, RuntimeDescription } from '../../core/runtime.js';
import { messages } from '../messages.js';
import { cacheDir } from '../../core/state-dirs.js';
import type { CommandContext } from '../context.js';
import { requestedRuntime, type ProjectSession } from '../../core/session.js';
import { cliProjectSession } from '../session.js';
import { styler } from '../style.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** A problem fails the doctor; a note (one of two runtimes missing) does not. */
  severity: 'problem' | 'note' | 'ok';
  facts?: Record<string, unknown>;
}

export async function doctor(context: CommandContext): Promise<number> {
  const checks: Check[] = [];
  const configCheck = await checkConfig(context);
  const session = await cliProjectSession(context, 'doctor', { ignoreConfig: true });
  const names = await runtimeNames(session);
  const wanted = requestedRuntime(context.options.runtime, (configCheck.facts?.runtime as string | undefined) ?? 'auto');
  const resolved = await Promise.all(names.map((name) => checkRuntime(session, name)));
  // A runtime only the config's plugins provide (`runtime: 'swarm'`): checked through a session with the config.
  if (wanted !== 'auto' && !names.includes(wanted) && configCheck.ok) resolved.push(await checkConfigRuntime(context, wanted));
  const runtimes = resolved.map(({ check }) => check);
  checks.push(...runtimes, configCheck, await checkCache());
  const project = configCheck.facts?.project as ProjectIdentity | undefined;
  if (project) {
    for (const { runtime } of resolved) if (runtime) checks.push(...(await checkMoved(runtime, project)));
  }

  const answering = runtimes.filter((check) => check.ok).map((check) => check.name);
  for (const check of runtimes) {
    if (check.ok) continue;
    check.severity = wanted === check.name || (wanted === 'auto' && answering.length === 0) ? 'problem' : 'note';
  }

  if (context.options.json) {
    process.stdout.write(`${JSON.stringify({ ok: !checks.some((c) => c.severity === 'problem'), checks }, null, 2)}\n`);
  } else {
    const out = styler(process.stdout);
    for (const check of checks) {
      const mark = check.severity === 'ok' ? out('green', '✓') : check.severity === 'note' ? out('yellow', '!') : out('red', '✗');
      process.stdout.write(`${mark} ${check.name.padEnd(7)} ${check.detail}\n`);
      if (check.fix && check.severity !== 'ok') process.stdout.write(`  ${out('dim', `fix: ${check.fix}`)}\n`);
    }
  }
  return checks.some((check) => check.severity === 'problem') ? ExitCode.failure : ExitCode.ok;
}

/**
 * The runtimes the plugins provide, in the order `auto` tries them: asked for
 * no runtime at all, each runtime plugin declines and names its own
 * (`request.tried`). The doctor knows no engine of its own.
 */
async function runtimeNames(session: ProjectSession): Promise<string[]> {
  const tried: string[] = [];
  await session.hooks.resolveRuntime.promise({ ...session, requested: '', tried });
  return [...new Set(tried)];
}

async function checkRuntime(session: ProjectSession, name: string): Promise<{ check: Check; runtime?: ContainerRuntime }> {
  try {
    const runtime = await session.hooks.resolveRuntime.promise({ ...session, requested: name });
    if (!runtime?.capabilities.describe) return { check: { name, ok: false, severity: 'problem', detail: 'no plugin can describe this runtime' } };
    const info: RuntimeDescription = await runtime.describe!();
    const mode = info.rootless === undefined ? '' : info.rootless ? ', rootless' : ', rootful';
    return {
      check: {
        name,
        ok: true,
        severity: 'ok',
        detail: `client ${info.clientVersion ?? '?'}, engine ${info.serverVersion ?? '?'}${mode}, at ${info.endpoint}`,
        facts: { ...info },
      },
      runtime,
    };
  } catch (error) {
    return { check: failedCheck(name, error) };
  }
}

async function checkConfigRuntime(context: CommandContext, name: string): Promise<{ check: Check; runtime?: ContainerRuntime }> {
  try {
    return await checkRuntime(await cliProjectSession(context, 'doctor'), name);
  } catch (error) {
    return { check: failedCheck(name, error) };
  }
}

function failedCheck(name: string, error: unknown): Check {
  const message = isCidxError(error) ? error.message : String(error);
  const fix = isCidxError(error) ? error.hint : undefined;
  return { name, ok: false, severity: 'problem', detail: message, ...(fix ? { fix } : {}) };
}

/**
 * Resources of this project under another id: left where it used to live
 * (moved, or reached through a symlink by a cidx that keyed projects by the
 * path as written). Explained, never removed: their volumes hold its data.
 */
async function checkMoved(runtime: ContainerRuntime, project: ProjectIdentity): Promise<Check[]> {
  const groups = await inventory(runtime).catch(() => []);
  const checks: Check[] = [];
  for (const group of groups) {
    if (group.projectId === project.id || !group.root) continue;
    const aliased = realRoot(group.root) === project.root;
    if (!aliased && group.projectName !== project.name) continue;
    const state = await rootState(group.root);
    if (!aliased && state === 'present') continue; // another live project of the same name
    const containers = group.containers.map((container) => container.name);
    const volumes = group.volumes.map((volume) => volume.name);
    const text = messages.doctorMoved({ id: group.projectId, root: group.root, containers, volumes, aliased, runtime: runtime.name, current: project.id });
    checks.push({ name: 'moved', ok: false, severity: 'note', detail: text.detail, fix: text.fix, facts: { projectId: group.projectId, root: group.root, containers, volumes } });
  }
  return checks;
}

async function checkConfig(context: CommandContext): Promise<Check> {
  try {
    const { project, config, warnings } = await loadConfig({ configFile: context.options.config });
    const count = Object.keys(config.services).length;
    return {
      name: 'config',
      ok: true,
      severity: warnings.length ? 'note' : 'ok',
      detail: `${project.configFile}: ${count} service${count === 1 ? '' : 's'}, project ${project.name} (${project.id})${warnings.length ? `; ${warnings.join(' ')}` : ''}`,
      facts: { runtime: config.runtime, file: project.configFile, project },
    };
  } catch (error) {
    if (isCidxError(error) && error.code === 'CONFIG_NOT_FOUND') {
      return { name: 'config', ok: false, severity: 'note', detail: 'no cidx config here', fix: 'run `cidx init` to write one' };
    }
    const message = isCidxError(error) ? [error.message, ...error.details].join('; ') : String(error);
    return { name: 'config', ok: false, severity: 'problem', detail: message, ...(isCidxError(error) && error.hint ? { fix: error.hint } : {}) };
  }
}

async function checkCache(): Promise<Check> {
  const dir = cacheDir();
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return { name: 'cache', ok: true, severity: 'ok', detail: `${dir} (port cache and locks; writable)` };
  } catch (error) {
    return {
      name: 'cache',
      ok: false,
      severity: 'problem',
      detail: `${dir} is not writable: ${(error as Error).message}`,
      fix: 'set CIDX_CACHE_DIR or XDG_CACHE_HOME to a directory you own',
    };
  }
}
