/**
 * `cidx env [--format dotenv|shell|json]`: every service's host, ports and
 * URLs as variables, e.g. CIDX_QDRANT_HTTP_PORT=41234, ready for `.env` files
 * and `eval "$(cidx env --format shell)"`.
 */
import { CidxError, ExitCode } from '../../core/errors.js';
import { envVariables } from '../../core/env-vars.js';
import { observePorts } from '../../core/operations.js';
import type { CommandContext } from '../context.js';
import { cliSession } from '../session.js';

/** Lives in core so the programmatic API's `stack.env()` gives the same variables. */
export { envVariables };

const FORMATS = ['dotenv', 'shell', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** Single quotes survive any value in POSIX shells; a quote inside is closed, escaped and reopened. */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export async function env(context: CommandContext): Promise<number> {
  const format = (context.options.format ?? (context.options.json ? 'json' : 'dotenv')) as Format;
  if (!FORMATS.includes(format)) throw new CidxError('USAGE', `--format expects ${FORMATS.join(', ')}, got "${format}"`);
  const session = await cliSession(context, 'env');
  const vars = envVariables(await observePorts(session));
  if (format === 'json') process.stdout.write(`${JSON.stringify(vars, null, 2)}\n`);
  else {
    const lines = Object.entries(vars).map(([name, value]) => (format === 'shell' ? `export ${name}=${shellQuote(value)}` : `${name}=${value}`));
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
  }
  return ExitCode.ok;
}
