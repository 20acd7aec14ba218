import { ExitCode } from '../../core/errors.js';
import { pruneProjects } from '../../core/operations.js';
import { owner } from '../../core/project.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';
import { cliSession } from '../session.js';

/** `cidx prune [project-id…]`: see core/prune.ts for what is removed and what is kept. */
export async function prune(context: CommandContext): Promise<number> {
  const session = await cliSession(context, 'prune', { allowMissingConfig: true });
  const dryRun = context.options.dryRun === true;
  const volumes = context.options.volumes === true;
  const result = await pruneProjects(session, { dryRun, volumes, projects: context.args });
  if (context.options.json) {
    process.stdout.write(`${JSON.stringify({ runtime: session.runtime.name, dryRun, ...result }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const kept = result.kept.filter((entry) => entry.reason !== 'present');
  const live = new Set(result.kept.filter((entry) => entry.reason === 'present').map((entry) => entry.projectId)).size;
  if (result.projects.length === 0 && kept.length === 0) {
    process.stdout.write(`${messages.pruneNothing}\n`);
    return ExitCode.ok;
  }
  for (const entry of result.projects) {
    process.stdout.write(`${messages.pruneEntry(entry.projectId, entry.root, entry.containers, entry.volumes, dryRun)}\n`);
  }
  for (const entry of kept) process.stdout.write(`${messages.pruneKept(entry, session.runtime.name, owner())}\n`);
  if (live) process.stdout.write(`${messages.pruneLive(live)}\n`);
  return ExitCode.ok;
}
