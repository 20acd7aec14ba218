/**
 * Compose service `volumes` entries, short ("data:/var/lib/x:ro",
 * "./init.sql:/docker-entrypoint-initdb.d/init.sql") or long
 * ({ type, source, target, read_only }), sorted into what cidx calls them:
 * named volumes, bind mounts (`mounts`) and `tmpfs`.
 */
import { quote } from '../ts-literal.js';
import { hasVariables, interpolate, withDefaults } from './interpolate.js';
import { Code } from './model.js';
import { splitOutsideBraces } from './ports.js';

export type VolumeEntry =
  | { kind: 'volume'; name: string; target: string; readOnly: boolean }
  | { kind: 'bind'; source: string | Code; target: string; readOnly: boolean }
  | { kind: 'tmpfs'; target: string; size?: string }
  | { kind: 'anonymous'; target: string }
  | { kind: 'error'; error: string };

/** Compose's rule: a source starting with '.', '/' or '~' is a host path; anything else names a volume. */
const isPath = (source: string) => /^(\.|\/|~)/.test(source);

/** A host path as the config should hold it: relative paths stay relative (to the config, which sits beside the Compose file). */
function hostPath(source: string): string | Code {
  const value = interpolate(source);
  if (typeof value === 'string' && (value === '~' || value.startsWith('~/'))) {
    // The config is TypeScript: spell the home directory out rather than hope a runtime expands '~'.
    return new Code(`\`\${process.env.HOME}${value.slice(1).replace(/[\\`]/g, '\\$&').replace(/\$\{/g, '\\${')}\``);
  }
  return value;
}

function target(text: string): string | undefined {
  const value = hasVariables(text) ? withDefaults(text) : text;
  return value && value.startsWith('/') ? value : undefined;
}

export function parseVolume(entry: unknown): VolumeEntry {
  if (typeof entry === 'string') return parseShort(entry);
  if (entry && typeof entry === 'object') return parseLong(entry as Record<string, unknown>);
  return { kind: 'error', error: `not a volume entry: ${JSON.stringify(entry)}` };
}

function parseShort(raw: string): VolumeEntry {
  const fields = splitOutsideBraces(raw, ':');
  if (fields.length === 1) {
    const path = target(fields[0]!);
    return path ? { kind: 'anonymous', target: path } : { kind: 'error', error: `"${raw}" is not an absolute container path` };
  }
  if (fields.length > 3) return { kind: 'error', error: `"${raw}" is not a volume Compose accepts (Windows paths are not supported)` };
  const [source, targetText, mode = ''] = fields as [string, string, string?];
  const containerPath = target(targetText);
  if (!containerPath) return { kind: 'error', error: `"${raw}": the container path is not absolute` };
  const readOnly = mode.split(',').includes('ro');
  if (hasVariables(source) || isPath(source)) return { kind: 'bind', source: hostPath(source), target: containerPath, readOnly };
  return { kind: 'volume', name: source, target: containerPath, readOnly };
}

function parseLong(entry: Record<string, unknown>): VolumeEntry {
  const type = String(entry.type ?? 'volume');
  const containerPath = typeof entry.target === 'string' ? target(entry.target) : undefined;
  if (!containerPath) return { kind: 'error', error: `${quote(String(entry.target))}: the container path is not absolute` };
  const readOnly = entry.read_only === true;
  const source = typeof entry.source === 'string' ? entry.source : undefined;
  switch (type) {
    case 'bind':
      return source ? { kind: 'bind', source: hostPath(source), target: containerPath, readOnly } : { kind: 'error', error: 'a bind mount without a source' };
    case 'volume':
      return source ? { kind: 'volume', name: source, target: containerPath, readOnly } : { kind: 'anonymous', target: containerPath };
    case 'tmpfs': {
      const size = (entry.tmpfs as { size?: unknown } | undefined)?.size;
      return { kind: 'tmpfs', target: containerPath, size: size === undefined ? undefined : String(size) };
    }
    default:
      return { kind: 'error', error: `type ${type}: cidx mounts volumes, host paths and tmpfs only` };
  }
}

/** A Compose volume name as a cidx volume name (letters, digits, '-', '_'). */
export function volumeName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63);
  return clean || 'data';
}
