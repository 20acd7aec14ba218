/**
 * What the Compose converter produces: a config as plain data, in which a
 * value Compose leaves to the environment (`${VAR:-default}`) is a `Code`
 * node, so the emitter can write it as a `process.env` read rather than
 * freezing today's value into the file.
 */

/** A TypeScript expression, written into the generated config as is. */
export class Code {
  constructor(
    readonly code: string,
    /** Whether the expression reads `required()` (a `${VAR:?message}`), so the emitter defines it. */
    readonly needsRequired = false,
  ) {}
}

/** An object whose keys may be expressions: `{ [process.env.DATA ?? './data']: '/data' }`. */
export class Entries {
  constructor(readonly entries: Array<[string | Code, Value]>) {}
}

/** A value with comments written on the lines above it (why a service lost a key); written one entry per line. */
export class Commented {
  constructor(
    readonly comments: string[],
    readonly value: Value,
  ) {}
}

export type Value = string | number | boolean | Code | Entries | Commented | Value[] | { [key: string]: Value | undefined };

/** A Compose setting the conversion left out, and why. */
export interface Skipped {
  /** The Compose service, or '(file)' for a top-level key. */
  service: string;
  /** The Compose key, e.g. 'build' or 'ports[2]'. */
  key: string;
  reason: string;
}

/** The result of converting one Compose file. */
export interface Conversion {
  /** The config, as the generated file's default export holds it. */
  config: { [key: string]: Value | undefined };
  /** Converted service names (cidx spelling), in file order. */
  services: string[];
  skipped: Skipped[];
}

/** The service name written for a top-level key in `Skipped`. */
export const FILE_LEVEL = '(file)';

/** True when any `Code` node in `value` calls `required()`. */
export function usesRequired(value: Value | undefined): boolean {
  if (value instanceof Code) return value.needsRequired;
  if (value instanceof Commented) return usesRequired(value.value);
  if (value instanceof Entries) return value.entries.some(([key, item]) => (key instanceof Code && key.needsRequired) || usesRequired(item));
  if (Array.isArray(value)) return value.some(usesRequired);
  if (value && typeof value === 'object') return Object.values(value).some(usesRequired);
  return false;
}
