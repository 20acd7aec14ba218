/**
 * Pieces of TypeScript source as the project's configs are written: single-
 * quoted strings, identifier keys unquoted. Shared by `cidx import` (which
 * writes a config) and `cidx config --format ts` (which prints one).
 */

/** A single-quoted string literal; JSON escapes for the rest. */
export function quote(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}
