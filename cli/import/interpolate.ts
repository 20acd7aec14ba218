/**
 * Compose's variable interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}`, `${VAR:+alternative}`, `$$`), kept
 * as `process.env` reads in the generated config rather than resolved at
 * import time: the config then sees the same variables Compose would, from
 * the shell or from the `.env` cidx reads next to the config.
 */
import { quote } from '../ts-literal.js';
import { Code } from './model.js';

type Operator = '' | '-' | ':-' | '?' | ':?' | '+' | ':+';
type Part = { text: string } | { name: string; op: Operator; arg: Part[] };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Splits `raw` into literal text and variable references; a `$` that starts none is literal. */
export function parseTemplate(raw: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < raw.length) {
    const char = raw[i]!;
    if (char !== '$') {
      text += char;
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next === '$') {
      text += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(raw, i + 2);
      const inner = end === -1 ? undefined : raw.slice(i + 2, end);
      const name = inner?.match(NAME)?.[0];
      if (inner === undefined || !name) {
        text += char;
        i++;
        continue;
      }
      const rest = inner.slice(name.length);
      const op = (['', ':-', '-', ':?', '?', ':+', '+'] as const).find((candidate) => candidate !== '' && rest.startsWith(candidate)) ?? '';
      if (op === '' && rest !== '') {
        text += char; // `${A B}` is not a reference Compose accepts; keep it as written
        i++;
        continue;
      }
      if (text) parts.push({ text });
      text = '';
      parts.push({ name, op, arg: parseTemplate(rest.slice(op.length)) });
      i = end + 1;
      continue;
    }
    const name = raw.slice(i + 1).match(NAME)?.[0];
    if (!name) {
      text += char;
      i++;
      continue;
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ name, op: '', arg: [] });
    i += 1 + name.length;
  }
  if (text) parts.push({ text });
  return parts;
}

/** The index of the `}` closing a `${` whose content starts at `start`, counting nested `${…}`. */
function closingBrace(raw: string, start: number): number {
  let depth = 1;
  for (let i = start; i < raw.length; i++) {
    if (raw[i] === '$' && raw[i + 1] === '{') {
      depth++;
      i++;
    } else if (raw[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** True when `raw` reads a variable (so its value is only known when the config loads). */
export function hasVariables(raw: string): boolean {
  return parseTemplate(raw).some((part) => 'name' in part);
}


const envRead = (name: string) => `process.env.${name}`;

/** TypeScript for the parts: a string literal, one expression, or a template literal. */
function partsCode(parts: Part[]): { code: string; literal: boolean; required: boolean } {
  if (parts.every((part) => 'text' in part)) return { code: quote(parts.map((part) => (part as { text: string }).text).join('')), literal: true, required: false };
  let required = false;
  const expression = (part: Exclude<Part, { text: string }>): string => {
    const arg = partsCode(part.arg);
    required ||= arg.required;
    const nested = arg.literal ? arg.code : `(${arg.code})`;
    switch (part.op) {
      case '':
        return `${envRead(part.name)} ?? ''`;
      case '-':
        return `${envRead(part.name)} ?? ${nested}`;
      case ':-':
        // Compose uses the default when the variable is unset *or empty*: `||`, not `??`.
        return arg.code === "''" ? `${envRead(part.name)} ?? ''` : `${envRead(part.name)} || ${nested}`;
      case '?':
      case ':?':
        required = true;
        return `required(${quote(part.name)}, ${quote(templateText(part.arg))}, ${part.op === ':?'})`;
      case '+':
        return `${envRead(part.name)} !== undefined ? ${nested} : ''`;
      case ':+':
        return `${envRead(part.name)} ? ${nested} : ''`;
    }
  };
  if (parts.length === 1) return { code: expression(parts[0] as Exclude<Part, { text: string }>), literal: false, required };
  const body = parts
    .map((part) => ('text' in part ? part.text.replace(/[\\`]/g, '\\$&').replace(/\$\{/g, '\\${') : `\${${expression(part)}}`))
    .join('');
  return { code: `\`${body}\``, literal: false, required };
}

/** The text of parts as Compose wrote them (for a `:?` message). */
function templateText(parts: Part[]): string {
  return parts.map((part) => ('text' in part ? part.text : `\${${part.name}}`)).join('');
}

/** `raw` as the config should hold it: the string itself, or an expression reading the environment. */
export function interpolate(raw: string): string | Code {
  const parts = parseTemplate(raw);
  if (parts.every((part) => 'text' in part)) return parts.map((part) => (part as { text: string }).text).join('');
  const { code, required } = partsCode(parts);
  return new Code(code, required);
}

/**
 * `raw` with each variable replaced by the default Compose would use when it
 * is unset, or undefined when some variable has none: for places that need
 * a value now (a container port number, a volume name).
 */
export function withDefaults(raw: string): string | undefined {
  let out = '';
  for (const part of parseTemplate(raw)) {
    if ('text' in part) out += part.text;
    else if (part.op === '-' || part.op === ':-') {
      const inner = withDefaults(templateText(part.arg));
      if (inner === undefined) return undefined;
      out += inner;
    } else if (part.op === '+' || part.op === ':+') continue;
    else return undefined;
  }
  return out;
}

/** The `required()` helper a generated config defines when it reads a `${VAR:?message}`. */
export const REQUIRED_HELPER = `/** Compose's \`\${VAR:?message}\`: the variable must be set (and, with \`:?\`, not empty). */
function required(name: string, message: string, nonEmpty: boolean): string {
  const value = process.env[name];
  if (value === undefined || (nonEmpty && value === '')) throw new Error(\`\${name} must be set\${message ? \`: \${message}\` : ''}\`);
  return value;
}
`;
