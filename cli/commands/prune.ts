import { ExitCode } from '../../core/errors.js';
import { pruneProjects } from '../../core/operations.js';
import type { CommandContext } from '../main.js';
import { messages } from '../messages.js';
import { cliSession } from '../session.js';

export async function prune(context: CommandContext): Promise<number> {
  const session = await cliSession(context, 'prune', { allowMissingConfig: true });
  const { dryRun, volumes } = context.options;
  const candidates = await pruneProjects(session, { dryRun, volumes });
  if (context.options.json) {
    process.stdout.write(`${JSON.stringify({ runtime: session.runtime.name, dryRun, projects: candidates }, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (candidates.length === 0) {
    process.stdout.write(`${messages.pruneNothing}\n`);
    return ExitCode.ok;
  }
  for (const entry of candidates) {
    process.stdout.write(`${messages.pruneEntry(entry.projectId, entry.root, entry.containers, entry.volumes, dryRun)}\n`);
  }
  return ExitCode.ok;
}
