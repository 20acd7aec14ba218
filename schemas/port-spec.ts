/**
 * A port value's protocol and container port, free of zod: the core reads
 * validated configs through these on paths (`cidx env`, `cidx port`) that
 * must not load the schema library. The schema itself is in ports.ts.
 */
export type Protocol = 'tcp' | 'udp';
export const PROTOCOLS = ['tcp', 'udp'] as const;

/** A validated port value: TCP as a number (as before UDP existed), UDP as an object. */
export type PortValue = number | { port: number; protocol: 'udp' };

/** The container port and protocol of a validated port value. */
export function portSpecOf(value: PortValue): { container: number; protocol: Protocol } {
  return typeof value === 'number' ? { container: value, protocol: 'tcp' } : { container: value.port, protocol: value.protocol };
}

/** `53/udp`, `6333/tcp`: how messages and `cidx port` name a container port. */
export const portLabel = (container: number, protocol: Protocol | undefined): string => `${container}/${protocol ?? 'tcp'}`;
