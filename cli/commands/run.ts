/**
 * `cidx run [--down] [--pull policy] [--] CMD…`: apply, then run CMD with
 * every service's CIDX_<SERVICE>_<PORT>_{HOST,PORT,URL} in its environment
 * (the variables `cidx env` prints), and exit with CMD's code. How a test
 * suite or a dev server consumes cidx in one line: `cidx run -- npm test`.
 *
 * CMD runs as given, without a shell. Apply's progress and report go to
 * stderr: stdout is CMD's. `--down` removes the project's containers
 * afterwards (never its volumes), whether CMD passed, failed or was
 * interrupted, and also when the apply itself failed.
 */
import { constants } from 'node:os';
import { CidxError, ExitCode } from '../../core/errors.js';
import { envVariables } from '../../core/env-vars.js';
import { downProject } from '../../core/operations.js';
import { whileChildRuns } from '../child-signals.js';
import type { CommandContext } from '../context.js';
import { messages } from '../messages.js';
import { cliSession } from '../session.js';
import { applyAndReport } from './apply.js';

export async function run(context: CommandContext): Promise<number> {
  const command = context.args;
  if (command.length === 0) throw new CidxError('USAGE', 'usage: cidx run [--down] [--pull missing|always|never] [--] <command> [args…]', { hint: 'e.g. cidx run -- npm test' });
  let code: number | undefined;
  let failure: unknown;
  try {
    code = await applyThenRun(context, command);
  } catch (error) {
    failure = error;
  }
  if (context.options.down) {
    try {
      await downAfterwards(context);
    } catch (error) {
      // The command's own outcome comes first; a failed teardown after a passing command fails the run.
      if (failure === undefined && code === ExitCode.ok) failure = error;
      else context.log(`run --down: ${(error as Error).message}`);
    }
  }
  if (failure !== undefined) throw failure;
  return code!;
}

async function applyThenRun(context: CommandContext, command: string[]): Promise<number> {
  const session = await cliSession(context, 'run');
  const { code, report } = await applyAndReport(context, process.stderr, session, []);
  if (code !== ExitCode.ok) {
    context.log(messages.runNotStarted(command[0]!));
    return code;
  }
  // The apply's report holds the ports it just confirmed: no second observation.
  const vars = envVariables(report.services.map((service) => ({ service, ports: service.ports })));
  return runCommand(command, vars);
}

/** CMD with `vars` added to this process's environment; its exit code (128 + n when signal n ended it). */
async function runCommand(command: string[], vars: Record<string, string>): Promise<number> {
  const { execa } = await import('execa');
  const child = execa(command[0]!, command.slice(1), { stdio: 'inherit', env: vars, reject: false });
  // A signal sent to cidx (kill, a CI runner's timeout) goes on to CMD; cidx waits for it to end.
  // Ctrl-C in a terminal reaches CMD directly too (same process group): it may see it twice.
  const result = await whileChildRuns((signal) => child.kill(signal), () => child);
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new CidxError('COMMAND_NOT_FOUND', `command not found: ${command[0]}`);
  }
  if (result.exitCode !== undefined) return result.exitCode;
  const number = result.signal ? (constants.signals as Record<string, number>)[result.signal] : undefined;
  return number ? 128 + number : ExitCode.failure;
}

/**
 * `--down`: a session of its own, with a signal of its own, so that a run
 * interrupted by Ctrl-C (whose signal is aborted) still tears down; a
 * second Ctrl-C stops cidx at once (cli/main.ts).
 */
async function downAfterwards(context: CommandContext): Promise<void> {
  const session = await cliSession({ ...context, signal: new AbortController().signal }, 'down');
  const result = await downProject(session, { volumes: false, onWait: (pid) => context.log(messages.waitingForLock(pid)) });
  context.log(result.containers.length ? messages.downDone(result.containers.length, 0, true) : messages.nothingToRemove);
}
