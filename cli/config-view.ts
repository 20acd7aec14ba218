/**
 * What `cidx config` prints: the resolved config (after defaults, and after
 * whatever else resolution grows: `.env` files, profiles, `extendConfig`
 * taps all act before the session holds `config`), with secrets replaced.
 *
 * Secrets are found by path, so a new secret-bearing key is one line in
 * SECRET_PATHS, and every format prints the same redacted value.
 */
import { propertyKey, quote } from './ts-literal.js';

export const REDACTED = '***';

/**
 * Where secrets live: `*` matches any key of an object. Env values may be
 * passwords and tokens; health-probe headers carry `Authorization`.
 */
export const SECRET_PATHS: ReadonlyArray<readonly string[]> = [
  ['services', '*', 'env', '*'],
  ['services', '*', 'health', 'http', 'headers', '*'],
];

/** A copy of `value` with every value at a secret path replaced by `***`, and plugins shown by name (they are code). */
export function viewConfig(config: unknown, options: { showSecrets?: boolean } = {}): unknown {
  const plain = plainData(config);
  if (options.showSecrets) return plain;
  return SECRET_PATHS.reduce((value, path) => redactAt(value, path), plain);
}

function redactAt(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return REDACTED;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const [key, ...rest] = path as [string, ...string[]];
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const name of Object.keys(out)) if (key === '*' || key === name) out[name] = redactAt(out[name], rest);
  return out;
}

/** JSON-safe data: a plugin (an object with `apply`) becomes `{ name }`, other functions are dropped. */
function plainData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainData).filter((item) => item !== undefined);
  if (typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.apply === 'function' && typeof record.name === 'string') return { name: record.name };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    const plain = plainData(item);
    if (plain !== undefined) out[key] = plain;
  }
  return out;
}

/** The config as a `cidx.config.ts`: identifier keys unquoted, two-space indent. */
export function toTypeScript(value: unknown): string {
  return `import { defineConfig } from 'cidx';\n\nexport default defineConfig(${literal(value, '')});\n`;
}

function literal(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${literal(item, inner)},`).join('\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, item]) => `${inner}${propertyKey(key)}: ${literal(item, inner)},`);
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  return typeof value === 'string' ? quote(value) : JSON.stringify(value);
}
