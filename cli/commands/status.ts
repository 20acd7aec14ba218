/** `cidx status [service…] [--check]`: state, one health probe and ports; changes nothing. */
import { ExitCode } from '../../core/errors.js';
import { statusProject } from '../../core/operations.js';
import { targetSession } from '../../core/targets.js';
import type { CommandContext } from '../context.js';
import { renderReport, reportNotes } from '../report.js';
import { cliSession } from '../session.js';

export async function status(context: CommandContext): Promise<number> {
  const session = targetSession(await cliSession(context, 'status'), context.args, { withDependencies: false });
  const report = await statusProject(session);
  process.stdout.write(context.options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report, false)}\n`);
  for (const line of reportNotes(report)) context.log(line);
  // --check, for scripts: 1 unless every service shown is healthy (a missing or stopped one is not).
  if (context.options.check && report.services.some((service) => service.healthy !== true)) return ExitCode.failure;
  return ExitCode.ok;
}
