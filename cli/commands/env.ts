/**
 * `cidx env [--format dotenv|shell|json]`: every service's host, ports and
 * URLs as variables, e.g. CIDX_QDRANT_HTTP_PORT=41234, ready for `.env` files
 * and `eval "$(cidx env --format shell)"`.
 */
import { CidxError, ExitCode } from '../../core/errors.js';
import { observePorts, type ServiceLookup } from '../../core/operations.js';
import { hostOf } from '../../core/url-host.js';
import { ENV_SUFFIXES, envPrefix } from '../../schemas/env-names.js';
import type { CommandContext } from '../main.js';
import { cliSession } from '../session.js';

const FORMATS = ['dotenv', 'shell', 'json'] as const;
type Format = (typeof FORMATS)[number];

/**
 * The variables, in a null-prototype object (names come from the config).
 * Config validation refuses two ports with one prefix; should two still meet
 * (a config validated by an older cidx), this refuses rather than let one
 * port's values silently replace the other's.
 */
export function envVariables(services: ServiceLookup[]): Record<string, string> {
  const vars: Record<string, string> = Object.create(null);
  const owners = new Map<string, string>();
  for (const { service, ports } of services) {
    for (const port of ports) {
      if (port.host === null || !port.url) continue;
      const prefix = envPrefix(service.name, port.name);
      const owner = `port "${port.name}" of service "${service.name}"`;
      const earlier = owners.get(prefix);
      if (earlier) {
        throw new CidxError('CONFIG_INVALID', `${earlier} and ${owner} would both be ${prefix}_${ENV_SUFFIXES.join('/')}`, {
          hint: 'Rename one of them: names that differ only in case or in "-" and "_" give the same variables.',
        });
      }
      owners.set(prefix, owner);
      const values: Record<(typeof ENV_SUFFIXES)[number], string> = { HOST: hostOf(port.url), PORT: String(port.host), URL: port.url };
      for (const suffix of ENV_SUFFIXES) vars[`${prefix}_${suffix}`] = values[suffix];
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
