/**
 * Where in the user's config a load failed, shown as the user's file, line
 * and column with the lines around it (a code frame, as babel and vite print
 * one): for a syntax error the transpiler found, and for a config that threw
 * while it ran. The stack of a config loaded from memory names the config's
 * own URL (ts-loader.ts marks the code with `sourceURL`, and the served module
 * lives at the config's URL plus a query), never a cache path.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface Location {
  line: number;
  /** 1-based. */
  column: number;
}

/** Lines shown before and after the one at fault. */
const AROUND = 2;
/** A longer source line is cut: a minified config must not fill the terminal. */
const MAX_LINE = 120;

/**
 * The location in `file` an error points at: sucrase's `(line:column)` for a
 * syntax error, else the first stack frame in the config file.
 */
export function errorLocation(error: unknown, file: string): { location: Location; syntax: boolean } | undefined {
  if (!(error instanceof Error)) return undefined;
  const syntax = /^Error transforming .*?: .* \((\d+):(\d+)\)$/m.exec(error.message);
  if (syntax) return { location: { line: Number(syntax[1]), column: Number(syntax[2]) }, syntax: true };
  if (error instanceof SyntaxError && !error.stack?.includes(pathToFileURL(file).href)) return undefined;
  const href = pathToFileURL(file).href;
  for (const frame of (error.stack ?? '').split('\n').slice(1)) {
    for (const name of [href, file]) {
      const at = frame.indexOf(name);
      if (at < 0) continue;
      // `file:///…/cidx.config.ts?cidx-config=<uuid>:3:9` or `/…/cidx.config.cjs:3:9`
      const match = /^(?:\?[^:\s)]*)?:(\d+):(\d+)/.exec(frame.slice(at + name.length));
      if (match) return { location: { line: Number(match[1]), column: Number(match[2]) }, syntax: false };
    }
  }
  return undefined;
}

/** The syntax error's own words, without sucrase's "Error transforming <path>:" and "(line:column)". */
export function syntaxMessage(error: Error): string {
  return (/^Error transforming .*?: (.*) \(\d+:\d+\)$/m.exec(error.message)?.[1] ?? error.message).trim();
}

/**
 * ```
 *   2 |   services: {
 * > 3 |     web: { image: 'x' ports: {} },
 *     |                       ^
 *   4 |   },
 * ```
 */
export function codeFrame(source: string, { line, column }: Location): string[] {
  const lines = source.replace(/\r?\n$/, '').split(/\r?\n/);
  if (line < 1 || line > lines.length) return [];
  const first = Math.max(1, line - AROUND);
  const last = Math.min(lines.length, line + AROUND);
  const width = String(last).length;
  const frame: string[] = [];
  for (let number = first; number <= last; number++) {
    const text = lines[number - 1]!.replace(/\t/g, '  ');
    const shown = text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text;
    frame.push(`${number === line ? '>' : ' '} ${String(number).padStart(width)} | ${shown}`);
    if (number === line && column >= 1 && column <= MAX_LINE) frame.push(`  ${' '.repeat(width)} | ${' '.repeat(column - 1)}^`);
  }
  return frame;
}

/** The frame for `file` at `location`; no lines when the file cannot be read. */
export function fileFrame(file: string, location: Location): string[] {
  try {
    return codeFrame(readFileSync(file, 'utf8'), location);
  } catch {
    return [];
  }
}
