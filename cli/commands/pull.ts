/**
 * `cidx pull [svc…]`: pulls the images of the named services (default: all),
 * whether the engine has them or not, as `docker compose pull` does: the way
 * to refresh a moving tag before `apply`. Progress on stderr, per image.
 * Changes no container.
 */
import { CidxError, ExitCode } from '../../core/errors.js';
import { pullImages } from '../../core/pull.js';
import { checkServiceNames } from '../../core/targets.js';
import type { CommandContext } from '../context.js';
import { createProgress } from '../progress.js';
import { pullDisplay } from '../pull-display.js';
import { cliSession } from '../session.js';

export async function pull(context: CommandContext): Promise<number> {
  const session = await cliSession(context, 'pull');
  const { runtime } = session;
  if (!runtime.capabilities.pull) {
    throw new CidxError('USAGE', `the ${runtime.name} runtime does not pull on its own`, { hint: 'It pulls missing images during `cidx apply`.' });
  }
  const declared = session.config.services as Record<string, { image: string }>;
  // The same check as every other command's: did-you-mean, and the profile that would bring a service in.
  checkServiceNames(session, context.args);
  const names = context.args.length ? context.args : Object.keys(declared);
  const pulled = await pullImages(runtime, names.map((name) => ({ name, image: declared[name]!.image })), {
    policy: 'always',
    signal: context.signal,
    ...pullDisplay(createProgress()),
  });
  if (context.options.json) process.stdout.write(`${JSON.stringify({ runtime: runtime.name, pulled }, null, 2)}\n`);
  return ExitCode.ok;
}
