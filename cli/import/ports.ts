/**
 * Compose `ports` → cidx container `ports` plus `preferredPorts`. Compose
 * fixes host ports ("6333:6333"); cidx lets the runtime choose and treats a
 * wanted host port as a preference, so two checkouts never collide.
 */
import { hasVariables, interpolate, withDefaults } from './interpolate.js';
import { Code } from './model.js';

/** One published container port, as cidx declares it. */
export interface PortSpec {
  container: number;
  protocol: 'tcp' | 'udp';
  /** The host port Compose asked for: a number, or an expression reading the environment. */
  host?: number | Code;
  /** The host address Compose bound it to, when written. */
  hostIp?: string;
  /** A name Compose gave it (long syntax `name:`). */
  name?: string;
  /** Part of a range ("9000-9002"): named by number, since a well-known name would mislabel its neighbours. */
  inRange?: boolean;
}

/** The ports of one entry (with a note when part of it was dropped), or why none could be read. */
export type PortResult = { ports: PortSpec[]; note?: string } | { error: string };

/** Names people already use for well-known container ports, so health probes and `cidx port` read naturally. */
const WELL_KNOWN: Record<number, string> = {
  80: 'http', 443: 'https', 3000: 'http', 4000: 'http', 5000: 'http', 8000: 'http', 8080: 'http', 8888: 'http',
  5432: 'postgres', 3306: 'mysql', 6379: 'redis', 27017: 'mongodb', 5672: 'amqp', 15672: 'management',
  9200: 'http', 9300: 'transport', 11434: 'http', 6333: 'http', 6334: 'grpc', 9092: 'kafka', 2181: 'zookeeper',
  8123: 'http', 4317: 'otlp-grpc', 4318: 'otlp-http', 1025: 'smtp', 8025: 'http',
  25: 'smtp', 53: 'dns', 7233: 'grpc', 11211: 'memcached', 2283: 'http',
};

/** A readable port name unique within the service: well-known first, else `p<port>`, '-udp' for UDP. */
export function portName(spec: PortSpec, taken: Set<string>): string {
  const base = spec.name ?? (spec.inRange ? undefined : WELL_KNOWN[spec.container]) ?? `p${spec.container}`;
  const candidates = [spec.protocol === 'udp' && !spec.name ? `${base}-udp` : base, `${base}-${spec.container}`, `p${spec.container}${spec.protocol === 'udp' ? '-udp' : ''}`];
  for (const candidate of candidates) {
    const clean = candidate.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^[^a-z0-9]+/, '');
    if (clean && !taken.has(clean)) return clean;
  }
  let n = 2;
  while (taken.has(`p${spec.container}-${n}`)) n++;
  return `p${spec.container}-${n}`;
}

/** Splits on `separator` outside `${…}`, so `${PORT:-3000}:3000` is two parts. */
export function splitOutsideBraces(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '$' && text[i + 1] === '{') {
      depth++;
      current += '${';
      i++;
      continue;
    }
    if (char === '}' && depth > 0) depth--;
    if (char === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/** `8000-8005` → [8000 … 8005]; a single number → [it]; undefined when not a port or range. */
function portRange(text: string): number[] | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  if (start < 1 || end > 65535 || end < start || end - start > 100) return undefined;
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

/** A host port as written: a number, or an expression with a default; `null` when it reads a variable without one. */
function hostPort(text: string): number | Code | null | undefined {
  if (!hasVariables(text)) return portRange(text)?.[0];
  const fallback = withDefaults(text);
  if (fallback === undefined || !portRange(fallback)) return null;
  const value = interpolate(text);
  return value instanceof Code ? new Code(`Number(${value.code})`, value.needsRequired) : Number(value);
}

/** One entry of a service's `ports`, in short ("127.0.0.1:8080:80/udp", 3000) or long syntax. */
export function parsePort(entry: unknown): PortResult {
  if (typeof entry === 'number') return Number.isInteger(entry) && entry >= 1 && entry <= 65535 ? { ports: [{ container: entry, protocol: 'tcp' }] } : { error: `not a port number: ${entry}` };
  if (typeof entry === 'string') return parseShort(entry);
  if (entry && typeof entry === 'object') return parseLong(entry as Record<string, unknown>);
  return { error: `not a port entry: ${JSON.stringify(entry)}` };
}

function parseShort(raw: string): PortResult {
  let text = raw.trim();
  let protocol: 'tcp' | 'udp' = 'tcp';
  const slash = /\/(tcp|udp|sctp)$/i.exec(text);
  if (slash) {
    const kind = slash[1]!.toLowerCase();
    if (kind === 'sctp') return { error: `"${raw}": cidx publishes TCP and UDP ports only` };
    protocol = kind as 'tcp' | 'udp';
    text = text.slice(0, slash.index);
  }
  let hostIp: string | undefined;
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (bracketed) {
    hostIp = bracketed[1];
    text = bracketed[2]!;
  }
  const fields = splitOutsideBraces(text, ':');
  if (fields.length > 3 || (hostIp !== undefined && fields.length !== 2)) return { error: `"${raw}" is not a port mapping Compose accepts` };
  if (fields.length === 3) hostIp = fields.shift();
  const containerText = fields[fields.length - 1]!;
  const hostText = fields.length === 2 ? fields[0]! : '';
  return expand(raw, containerText, hostText, protocol, hostIp || undefined);
}

function parseLong(entry: Record<string, unknown>): PortResult {
  const target = entry.target;
  const protocol = String(entry.protocol ?? 'tcp').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') return { error: `protocol ${protocol}: cidx publishes TCP and UDP ports only` };
  const published = entry.published === undefined || entry.published === null ? '' : String(entry.published);
  const result = expand(JSON.stringify(entry), String(target ?? ''), published, protocol, typeof entry.host_ip === 'string' ? entry.host_ip : undefined);
  if ('ports' in result && typeof entry.name === 'string') for (const port of result.ports) port.name = entry.name;
  return result;
}

function expand(raw: string, containerText: string, hostText: string, protocol: 'tcp' | 'udp', hostIp: string | undefined): PortResult {
  const containerValue = hasVariables(containerText) ? withDefaults(containerText) : containerText;
  const containers = containerValue === undefined ? undefined : portRange(containerValue);
  if (!containers) return { error: `"${raw}": the container port ${hasVariables(containerText) ? 'reads a variable without a default' : 'is not a port or range'}` };
  const result = expandHosts(raw, containers, hostText, protocol, hostIp);
  if ('ports' in result && containers.length > 1) for (const port of result.ports) port.inRange = true;
  return result;
}

function expandHosts(raw: string, containers: number[], hostText: string, protocol: 'tcp' | 'udp', hostIp: string | undefined): PortResult {
  if (hostText === '') return { ports: containers.map((container) => ({ container, protocol, hostIp })) };
  if (!hasVariables(hostText) && /-/.test(hostText)) {
    const hosts = portRange(hostText);
    if (!hosts) return { error: `"${raw}": the host port is not a port or range` };
    // "8000-8005:8000-8005" pairs the ranges; "8000-8005:80" lets Compose pick one: prefer the first.
    return {
      ports: containers.map((container, i) => ({ container, protocol, hostIp, host: hosts.length === containers.length ? hosts[i]! : hosts[0]! })),
    };
  }
  const host = hostPort(hostText);
  if (host === undefined) return { error: `"${raw}": the host port is not a port number` };
  if (host === null) {
    return {
      ports: containers.map((container) => ({ container, protocol, hostIp })),
      note: `"${raw}": the host port reads a variable without a default, so no preferred port was kept`,
    };
  }
  return { ports: containers.map((container, i) => ({ container, protocol, hostIp, host: typeof host === 'number' && containers.length > 1 ? host + i : host })) };
}
