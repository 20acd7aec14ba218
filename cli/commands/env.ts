/**
 * `cidx env [--format dotenv|shell|json]`: every service's host, ports and
 * URLs as variables, e.g. CIDX_QDRANT_HTTP_PORT=41234, ready for `.env` files
 * and `eval "$(cidx env --format shell)"`.
 */
import { CidxError, ExitCode } from '../../core/errors.js';
import { observePorts, type ServiceLookup } from '../../core/operations.js';
import { hostOf } from '../../core/url-host.js';
import type { CommandContext } from '../main.js';
import { cliSession } from '../session.js';

const FORMATS = ['dotenv', 'shell', 'json'] as const;
type Format = (typeof FORMATS)[number];

const key = (...parts: string[]) => ['CIDX', ...parts].join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_');

export function envVariables(services: ServiceLookup[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const { service, ports } of services) {
    for (const port of ports) {
      if (port.host === null || !port.url) continue;
      vars[key(service.name, port.name, 'HOST')] = hostOf(port.url);
      vars[key(service.name, port.name, 'PORT')] = String(port.host);
      vars[key(service.name, port.name, 'URL')] = port.url;
    }
  }
  return vars;
}

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
