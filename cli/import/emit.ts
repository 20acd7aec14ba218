/**
 * The config model (model.ts) → a readable `cidx.config.ts`: `defineConfig`
 * from 'cidx', short objects on one line, `process.env` reads where Compose
 * interpolated, and a `not imported:` comment above each service that lost
 * a setting.
 */
import { propertyKey, quote } from '../ts-literal.js';
import { REQUIRED_HELPER } from './interpolate.js';
import { Code, Commented, type Conversion, Entries, FILE_LEVEL, usesRequired, type Value } from './model.js';

const WIDTH = 100;
const INDENT = '  ';

/** A value on one line, or undefined when it holds something that needs lines of its own. */
function inline(value: Value): string | undefined {
  if (value instanceof Commented) return undefined;
  if (value instanceof Code) return value.code;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map(inline);
    return items.every((item) => item !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  const entries = value instanceof Entries ? value.entries : Object.entries(value).filter((entry): entry is [string, Value] => entry[1] !== undefined);
  if (entries.length === 0) return '{}';
  const parts: string[] = [];
  for (const [name, item] of entries) {
    const text = inline(item);
    if (text === undefined) return undefined;
    parts.push(`${name instanceof Code ? `[${name.code}]` : propertyKey(name)}: ${text}`);
  }
  return `{ ${parts.join(', ')} }`;
}

/** `value` at `depth`, starting after `prefix` on the current line; `lines` forces one entry per line. */
function block(value: Value, depth: number, prefix: number, lines = false): string {
  const pad = INDENT.repeat(depth);
  // A commented value is a service: its settings get lines of their own, so a diff of one setting stays one line.
  if (value instanceof Commented) return block(value.value, depth, prefix, true);
  const one = inline(value);
  if (typeof value !== 'object' || value instanceof Code) return one!; // a scalar has no shorter form
  if (!lines && one !== undefined && prefix + one.length <= WIDTH && !(depth <= 1 && !isFlat(value))) return one;
  if (Array.isArray(value)) {
    return `[\n${value.map((item) => `${pad}${INDENT}${block(item, depth + 1, pad.length + 2)},`).join('\n')}\n${pad}]`;
  }
  const entries = value instanceof Entries ? value.entries : Object.entries(value as Record<string, Value | undefined>).filter((entry): entry is [string, Value] => entry[1] !== undefined);
  const body = entries.map(([name, item]) => {
    const label = `${name instanceof Code ? `[${name.code}]` : propertyKey(name)}: `;
    const comments = item instanceof Commented ? item.comments.flatMap((comment) => wrap(comment, WIDTH - pad.length - 5)).map((line) => `${pad}${INDENT}// ${line}\n`).join('') : '';
    return `${comments}${pad}${INDENT}${label}${block(item, depth + 1, pad.length + 2 + label.length)},`;
  });
  return `{\n${body.join('\n')}\n${pad}}`;
}

/** A comment cut into lines of at most `width` characters, continuation lines indented. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const isObject = (value: Value): boolean => typeof value === 'object' && !(value instanceof Code) && !Array.isArray(value);
/** Objects of scalars only (env, labels) may share a line; those holding objects (a service) do not. */
const isFlat = (value: Value): boolean =>
  !(value instanceof Commented) && Object.values(value instanceof Entries ? Object.fromEntries(value.entries.map(([k, v]) => [String(k), v])) : (value as object)).every((item) => !isObject(item as Value));

export interface EmitOptions {
  /** The Compose file's name, for the header. */
  source: string;
}

/** The whole `cidx.config.ts`. */
export function emitConfig(conversion: Conversion, options: EmitOptions): string {
  const fileLevel = conversion.skipped.filter((entry) => entry.service === FILE_LEVEL);
  const count = conversion.skipped.length;
  const lines = [
    `// cidx.config.ts, written by \`cidx import\` from ${options.source}.`,
    '// Host ports Compose fixed are preferences here (`preferredPorts`): when one is taken,',
    '// cidx uses a free port and says so. Ports are published on 127.0.0.1 unless `bind` says otherwise.',
    '// ${VAR} references are read from the environment (and the .env beside this file) when it loads.',
    ...(count ? [`// ${count} setting${count === 1 ? ' was' : 's were'} not imported: see the \`not imported\` comments.`] : []),
    ...fileLevel.flatMap((entry) => wrap(`not imported: ${entry.key}: ${entry.reason}`, WIDTH - 3)).map((line) => `// ${line}`),
    "import { defineConfig } from 'cidx';",
    '',
    ...(usesRequired(conversion.config) ? [REQUIRED_HELPER] : []),
    `export default defineConfig(${block(conversion.config, 0, 'export default defineConfig('.length)});`,
    '',
  ];
  return lines.join('\n');
}
