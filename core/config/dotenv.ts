/**
 * Env files in Docker Compose's syntax: the project's `.env` (which the config
 * sees in `process.env` while it is evaluated) and a service's `envFile`
 * (whose variables its container gets).
 *
 * The syntax, as Compose reads it: `NAME=value` lines, blank lines and `#`
 * comments skipped, an optional `export ` prefix. An unquoted value is
 * trimmed and ends at ` #` (an inline comment). 'Single quotes' keep the
 * value verbatim. "Double quotes" understand \n \r \t \\ \" \$ and may span
 * lines. Unquoted and double-quoted values are interpolated: `$VAR`,
 * `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset),
 * `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?message}`, `${VAR?message}`; `$$` is
 * a `$`. A variable already set in cidx's environment wins over the file's.
 *
 * Hand-written rather than `dotenv` + `dotenv-expand`: those differ from
 * Compose (dotenv-expand interpolates single-quoted values, dotenv has no
 * `${VAR?message}`), and the whole syntax fits in this module.
 *
 * Values are secrets: no message here ever quotes one.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CidxError } from '../errors.js';
import { configTrustProblem, isListedAsTrusted } from './trust.js';

export type Lookup = (name: string) => string | undefined;

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const VAR_NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$' };

/**
 * Parses an env file's text. `lookup` answers variables the file does not set
 * (and wins over those it does); `where` names the file in errors.
 */
export function parseDotEnv(source: string, lookup: Lookup = () => undefined, where = '.env'): Record<string, string> {
  const text = source.replace(/^\uFEFF/, ''); // a byte-order mark some editors write
  const vars: Record<string, string> = Object.create(null);
  const resolve: Lookup = (name) => lookup(name) ?? (Object.hasOwn(vars, name) ? vars[name] : undefined);
  let pos = 0;
  const lineAt = (at: number) => text.slice(0, at).split('\n').length;
  const fail = (at: number, message: string): never => {
    throw new CidxError('CONFIG_INVALID', `${where}, line ${lineAt(at)}: ${message}`, { hint: 'Fix the env file; its values are not shown.' });
  };
  const skipBlanks = () => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++;
  };
  /** After a value: only blanks and a comment may follow on its line. */
  const endOfLine = () => {
    skipBlanks();
    if (pos < text.length && text[pos] === '#') while (pos < text.length && text[pos] !== '\n') pos++;
    if (pos < text.length && text[pos] !== '\n' && text[pos] !== '\r') fail(pos, 'unexpected text after the closing quote');
  };
  while (pos < text.length) {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
    if (pos >= text.length) break;
    if (text[pos] === '#') {
      while (pos < text.length && text[pos] !== '\n') pos++;
      continue;
    }
    const exported = /export[ \t]+/y;
    exported.lastIndex = pos;
    if (exported.test(text)) pos = exported.lastIndex;
    NAME.lastIndex = pos;
    const name = NAME.exec(text)?.[0];
    if (!name) fail(pos, 'expected NAME=value');
    pos += name!.length;
    skipBlanks();
    if (text[pos] !== '=') {
      // A bare NAME (Compose takes it from the environment): nothing to set here.
      endOfLine();
      continue;
    }
    pos++;
    skipBlanks();
    const quote = text[pos];
    if (quote === "'") {
      const close = text.indexOf("'", pos + 1);
      if (close < 0) fail(pos, `the value of ${name} has no closing '`);
      vars[name!] = text.slice(pos + 1, close);
      pos = close + 1;
      endOfLine();
    } else if (quote === '"') {
      let close = pos + 1;
      while (close < text.length && text[close] !== '"') close += text[close] === '\\' ? 2 : 1;
      if (close >= text.length) fail(pos, `the value of ${name} has no closing "`);
      vars[name!] = interpolate(text.slice(pos + 1, close), resolve, { escapes: true, fail: (message) => fail(pos, message) });
      pos = close + 1;
      endOfLine();
    } else {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const raw = text.slice(pos, end).replace(/[ \t]#.*$/, '').trim();
      vars[name!] = interpolate(raw, resolve, { escapes: false, fail: (message) => fail(pos, message) });
      pos = end;
    }
  }
  return vars;
}

interface InterpolateOptions {
  escapes: boolean;
  fail: (message: string) => never;
}

/** `$VAR`, `${VAR…}` and `$$` in `raw`; with `escapes`, the backslash escapes of a double-quoted value too. */
export function interpolate(raw: string, lookup: Lookup, options: InterpolateOptions): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (options.escapes && c === '\\' && i + 1 < raw.length) {
      const escaped = ESCAPES[raw[i + 1]!];
      out += escaped ?? `\\${raw[i + 1]}`;
      i++;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = raw[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '{') {
      const close = matchingBrace(raw, i + 1);
      if (close < 0) options.fail('a ${ has no closing }');
      out += substitute(raw.slice(i + 2, close), lookup, options);
      i = close;
    } else {
      VAR_NAME.lastIndex = i + 1;
      const name = VAR_NAME.exec(raw)?.[0];
      if (name) {
        out += lookup(name) ?? '';
        i += name.length;
      } else out += '$';
    }
  }
  return out;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The inside of `${…}`: a name, optionally with an operator and a word (itself interpolated). */
function substitute(inner: string, lookup: Lookup, options: InterpolateOptions): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(inner);
  if (!match) return options.fail(`\${${inner.slice(0, 40)}} is not a variable reference`);
  const [, name, operator, word = ''] = match;
  const value = lookup(name!);
  const unset = value === undefined;
  const empty = unset || value === '';
  const expand = () => interpolate(word, lookup, { ...options, escapes: false });
  switch (operator) {
    case undefined:
      return value ?? '';
    case ':-':
      return empty ? expand() : value!;
    case '-':
      return unset ? expand() : value;
    case ':+':
      return empty ? '' : expand();
    case '+':
      return unset ? '' : expand();
    case ':?':
    case '?':
      if (operator === ':?' ? empty : unset) return options.fail(`${name} is required${word ? `: ${expand()}` : ''}`);
      return value!;
    default:
      return options.fail(`\${${inner.slice(0, 40)}} is not a variable reference`);
  }
}

/** The variables of `dir/.env`, interpolated against `env`; none when there is no such file. */
export function readProjectDotEnv(dir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = path.join(dir, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CidxError('CONFIG_LOAD', `could not read ${file}: ${(error as Error).message}`);
  }
  // What `.env` says steers the config (an image, a command): it is trusted as the config is.
  const problem = configTrustProblem(file, statSync(file), statSync(dir));
  if (problem && !isListedAsTrusted(file, env.CIDX_TRUSTED_CONFIGS)) {
    throw new CidxError('CONFIG_UNTRUSTED', `refusing to read ${file}: ${problem}, and its variables steer the config`, {
      hint: `If you trust it, make it yours and writable by you only (e.g. \`chmod go-w ${file}\`), or allow it: CIDX_TRUSTED_CONFIGS=${file}.`,
    });
  }
  return parseDotEnv(text, (name) => env[name], file);
}

/**
 * Runs `evaluate` (the config module's evaluation) with `dir/.env`'s
 * variables in `process.env`, those already set left as they are; the
 * variables it added are taken out again afterwards, so they reach neither
 * the engine CLIs cidx runs nor anything else but the config.
 */
export async function withProjectDotEnv<T>(dir: string, evaluate: () => Promise<T>): Promise<T> {
  const added = Object.entries(readProjectDotEnv(dir)).filter(([name]) => process.env[name] === undefined);
  for (const [name, value] of added) process.env[name] = value;
  try {
    return await evaluate();
  } finally {
    for (const [name, value] of added) if (process.env[name] === value) delete process.env[name];
  }
}

/** One `envFile` entry as the config may write it. */
export type EnvFileEntry = string | { path: string; required?: boolean };

/**
 * The variables a service's `envFile` entries give its container, later
 * files winning; paths are relative to the config's directory. A missing
 * file is a config error naming it, unless its entry says `required: false`.
 */
export function readEnvFiles(root: string, service: string, entries: EnvFileEntry | EnvFileEntry[] | undefined, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (entries === undefined) return {};
  const vars: Record<string, string> = {};
  for (const entry of Array.isArray(entries) ? entries : [entries]) {
    const { path: relative, required = true } = typeof entry === 'string' ? { path: entry } : entry;
    const file = path.resolve(root, relative);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !required) continue;
      throw new CidxError('CONFIG_INVALID', `services.${service}.envFile: ${code === 'ENOENT' ? 'no such file' : 'cannot read'} ${relative} (${file})`, {
        hint: code === 'ENOENT' ? `Create it, or write { path: '${relative}', required: false } to make it optional.` : 'Make the file readable by you.',
      });
    }
    Object.assign(vars, parseDotEnv(text, (name) => env[name], file));
  }
  return vars;
}
