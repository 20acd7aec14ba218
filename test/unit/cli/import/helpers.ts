/** Converts Compose YAML text and reads the result back as plain values, `Code` nodes as `{ code }`. */
import { convertCompose, parseCompose } from '../../../../cli/import/compose.js';
import { Code, Commented, type Conversion, Entries, type Value } from '../../../../cli/import/model.js';

export function convert(yaml: string, directoryName = 'app'): Conversion {
  return convertCompose(parseCompose(yaml, 'docker-compose.yml'), { directoryName });
}

/** A model value as plain data: `Code` → `{ code }`, `Entries` → `{ entries }`, comments dropped. */
export function plain(value: Value | undefined): unknown {
  if (value instanceof Code) return { code: value.code };
  if (value instanceof Commented) return plain(value.value);
  if (value instanceof Entries) return { entries: value.entries.map(([key, item]) => [key instanceof Code ? { code: key.code } : key, plain(item)]) };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  return value;
}

/** One converted service, as plain data. */
export function service(conversion: Conversion, name: string): Record<string, unknown> {
  return plain((conversion.config.services as Record<string, Value>)[name]) as Record<string, unknown>;
}

/** `service:key` of each skipped entry. */
export const skippedKeys = (conversion: Conversion) => conversion.skipped.map((entry) => `${entry.service}:${entry.key}`);
