/**
 * A service's container port as users write it: `6333`, `'53/udp'`, or
 * `{ port: 53, protocol: 'udp' }`. TCP ports come out as the plain number
 * they always were, so a config without UDP ports validates (and hashes)
 * exactly as before; a UDP port comes out as `{ port, protocol: 'udp' }`.
 */
import { z } from 'zod';
import { PROTOCOLS, type PortValue, type Protocol } from './port-spec.js';

export { PROTOCOLS, portLabel, portSpecOf, type PortValue, type Protocol } from './port-spec.js';

const PORT_TEXT = /^(\d{1,5})(?:\/(tcp|udp))?$/i;
const EXAMPLE = "expected a container port such as 6333, '53/udp' or { port: 53, protocol: 'udp' }";

/** TCP stays a number, UDP becomes an object: the one normal form the core reads through `portSpecOf`. */
const normal = (port: number, protocol: Protocol): PortValue => (protocol === 'udp' ? { port, protocol } : port);

/** `portNumber` is the config schema's (1-65535 with its messages): passed in so this module stays free of config.ts. */
export function portValueSchema(portNumber: z.ZodNumber) {
  return z.union(
    [
      portNumber.transform((port) => normal(port, 'tcp')),
      z.string().transform((text, ctx) => {
        const match = PORT_TEXT.exec(text.trim());
        const port = match ? Number(match[1]) : NaN;
        if (!match || port < 1 || port > 65535) {
          ctx.addIssue({ code: 'custom', message: `${EXAMPLE}, got ${JSON.stringify(text.slice(0, 40))}` });
          return z.NEVER;
        }
        return normal(port, (match[2]?.toLowerCase() ?? 'tcp') as Protocol);
      }),
      z
        .strictObject({
          /** Container port. */
          port: portNumber,
          /** Default: 'tcp'. */
          protocol: z.enum(PROTOCOLS, { error: (issue) => `expected 'tcp' or 'udp', got ${JSON.stringify(issue.input)}` }).default('tcp').describe("Default: 'tcp'."),
        })
        .transform(({ port, protocol }) => normal(port, protocol)),
    ],
    {
      // When every form fails zod reports this one message: a compose-style mapping ('8080:80') is the usual mistake.
      error: (issue) =>
        typeof issue.input === 'string' && issue.input.includes(':')
          ? `${EXAMPLE}, got ${JSON.stringify(issue.input.slice(0, 40))}; cidx lets the runtime choose host ports: put a wanted host port in \`preferredPorts\``
          : typeof issue.input === 'string'
            ? `${EXAMPLE}, got ${JSON.stringify(issue.input.slice(0, 40))}`
            : typeof issue.input === 'number'
              ? (portNumber.safeParse(issue.input).error?.issues[0]?.message ?? EXAMPLE) // 8080.5, 70000: the number rule's own words
              : (badProtocol(issue.input) ?? EXAMPLE),
    },
  );
}

/** The object form with an unknown `protocol`: zod's union would only say "Invalid input". */
function badProtocol(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || !('protocol' in input)) return undefined;
  const { protocol } = input as { protocol: unknown };
  return PROTOCOLS.includes(protocol as Protocol) ? undefined : `${EXAMPLE}; \`protocol\`: expected 'tcp' or 'udp', got ${JSON.stringify(protocol)}`;
}
