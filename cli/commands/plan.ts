import { ExitCode } from '../../core/errors.js';
import { planProject } from '../../core/operations.js';
import type { CommandContext } from '../context.js';
import { renderPlan } from '../report.js';
import { cliSession } from '../session.js';

export async function plan(context: CommandContext): Promise<number> {
  const session = await cliSession(context, 'plan');
  const { steps } = await planProject(session);
  const json = { steps: steps.map(({ service, op, reason }) => ({ service, op, reason })) };
  process.stdout.write(context.options.json ? `${JSON.stringify(json, null, 2)}\n` : `${renderPlan(steps)}\n`);
  return ExitCode.ok;
}
