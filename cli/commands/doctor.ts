/**
 * `cidx doctor`: which runtimes are installed and answering, their versions,
 * rootless or not, where they listen, where cidx keeps state, and whether the
 * config loads. Exits 1 with a fix for each problem found.
 */
import { access, mkdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { loadConfig } from '../../core/config/load.js';
import { ExitCode, isCidxError } from '../../core/errors.js';
import type { RuntimeDescription } from '../../core/runtime.js';
import { cacheDir } from '../../core/state-dirs.js';
import type { CommandContext } from '../main.js';
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
  const runtimes = await Promise.all(['docker', 'podman'].map((name) => checkRuntime(session, name)));
  checks.push(...runtimes, configCheck, await checkCache());

  const wanted = requestedRuntime(context.options.runtime, (configCheck.facts?.runtime as string | undefined) ?? 'auto');
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

async function checkRuntime(session: ProjectSession, name: string): Promise<Check> {
  try {
    const runtime = await session.hooks.resolveRuntime.promise({ ...session, requested: name });
    if (!runtime?.describe) return { name, ok: false, severity: 'problem', detail: 'no plugin can describe this runtime' };
    const info: RuntimeDescription = await runtime.describe();
    const mode = info.rootless === undefined ? '' : info.rootless ? ', rootless' : ', rootful';
    return {
      name,
      ok: true,
      severity: 'ok',
      detail: `client ${info.clientVersion ?? '?'}, engine ${info.serverVersion ?? '?'}${mode}, at ${info.endpoint}`,
      facts: { ...info },
    };
  } catch (error) {
    const message = isCidxError(error) ? error.message : String(error);
    const fix = isCidxError(error) ? error.hint : undefined;
    return { name, ok: false, severity: 'problem', detail: message, ...(fix ? { fix } : {}) };
  }
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
      facts: { runtime: config.runtime, file: project.configFile },
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
