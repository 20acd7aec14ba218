/**
 * `cidx config [--format json|ts] [--show-secrets]`: the config as cidx
 * resolved it, defaults filled in, secrets as `***` (cli/config-view.ts).
 * Needs no runtime: it answers when no engine does.
 */
import { CidxError, ExitCode } from '../../core/errors.js';
import type { CommandContext } from '../context.js';
import { toTypeScript, viewConfig } from '../config-view.js';
import { cliProjectSession } from '../session.js';

const FORMATS = ['json', 'ts'] as const;

export async function config(context: CommandContext): Promise<number> {
  const format = context.options.format ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format)) throw new CidxError('USAGE', `--format expects ${FORMATS.join(' or ')}, got "${format}"`);
  if (context.args.length) throw new CidxError('USAGE', `cidx config takes no arguments, got "${context.args[0]}"`);
  const session = await cliProjectSession(context, 'config');
  const view = viewConfig(session.config, { showSecrets: context.options.showSecrets === true });
  process.stdout.write(format === 'ts' ? toTypeScript(view) : `${JSON.stringify(view, null, 2)}\n`);
  return ExitCode.ok;
}
