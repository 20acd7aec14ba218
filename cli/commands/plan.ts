import { ExitCode } from '../../core/errors.js';
import { planProject } from '../../core/operations.js';
import { describeVeto } from '../../core/plan-review.js';
import { targetSession } from '../../core/targets.js';
import type { CommandContext } from '../context.js';
import { renderPlan } from '../report.js';
import { cliSession } from '../session.js';
import { styler } from '../style.js';

/** `cidx plan [service…]`: what apply (of the same services) would do; changes nothing. */
export async function plan(context: CommandContext): Promise<number> {
  const session = targetSession(await cliSession(context, 'plan'), context.args);
  const { steps } = await planProject(session);
  const json = {
    steps: steps.map(({ service, op, reason, veto }) => ({ service, op, reason, ...(veto ? { veto: { reason: veto.reason, by: veto.by ?? 'a plugin' } } : {}) })),
  };
  if (context.options.json) {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return ExitCode.ok;
  }
  // Vetoed steps are not in the table of what apply will do: they follow it, each with who vetoed it and why.
  const out = styler(process.stdout);
  const vetoed = steps.filter((step) => step.veto && step.op !== 'noop');
  const lines = vetoed.map((step) => `${out('red', '✗ vetoed')}  ${step.service}  ${out('dim', `${describeVeto(step.op, step.veto!)} (planned because: ${step.reason})`)}`);
  process.stdout.write(`${renderPlan(steps.filter((step) => !vetoed.includes(step)))}\n${lines.map((line) => `${line}\n`).join('')}`);
  return ExitCode.ok;
}
