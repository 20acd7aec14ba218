/**
 * The README's references stay true to the code: every config key and default
 * against the JSON Schema generated from the zod schema, every error code
 * against the registry; docs/cli.md: every command of `cidx --help` and its options.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { errorRegistry } from '../../core/index.js';
import { COMMANDS } from '../../cli/commands/index.js';
import { overview } from '../../cli/usage.js';
import { REPO_ROOT } from './project.js';

const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');

function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Table rows whose first cell is a single code span: [key, ...other cells]. */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => /^\| `[^`]+` \|/.test(line))
    .map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()));
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  default?: unknown;
}

/** Dotted key → default, walking objects, maps (`<name>`) and unions. */
function schemaKeys(node: SchemaNode, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    out.set(dotted, child.default);
    schemaKeys(child, dotted, out);
  }
  if (typeof node.additionalProperties === 'object') schemaKeys(node.additionalProperties, `${prefix}.<name>`, out);
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) schemaKeys(branch, prefix, out);
  return out;
}

test('the config reference lists every key of the schema, and nothing else', async (t) => {
  const schema = JSON.parse(await readFile(path.join(REPO_ROOT, 'schemas', 'cidx.config.schema.json'), 'utf8')) as SchemaNode;
  const expected = schemaKeys(schema, '', new Map());
  // preferredPorts values are maps too, but the README describes them in one row.
  for (const key of [...expected.keys()]) if (key.startsWith('preferredPorts.')) expected.delete(key);
  const documented = rows(section('Config reference')).map(([key]) => key!.replace(/^`|`$/g, ''));
  t.deepEqual([...documented].sort(), [...expected.keys()].sort());
});

test('the config reference gives each default the schema gives', async (t) => {
  const schema = JSON.parse(await readFile(path.join(REPO_ROOT, 'schemas', 'cidx.config.schema.json'), 'utf8')) as SchemaNode;
  const defaults = schemaKeys(schema, '', new Map());
  for (const [cell, , documentedDefault] of rows(section('Config reference'))) {
    const key = cell!.replace(/^`|`$/g, '');
    const value = defaults.get(key);
    if (value === undefined) continue;
    const literal = typeof value === 'string' ? `\`'${value}'\`` : `\`${JSON.stringify(value)}\``;
    t.true(documentedDefault!.includes(literal), `${key}: README says ${documentedDefault}, schema says ${literal}`);
  }
});

test('the CLI reference names every error code of the registry', (t) => {
  const documented = [...section('CLI reference').matchAll(/`([A-Z][A-Z_]+)`/g)].map((match) => match[1]!);
  for (const code of Object.keys(errorRegistry)) t.true(documented.includes(code), code);
});

test('docs/cli.md documents every command with each of its options', async (t) => {
  const reference = await readFile(path.join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');
  const commandsBlock = overview().split('Commands:')[1]!.split('Options')[0]!;
  const listed = [...commandsBlock.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((match) => match[1]!);
  t.true(listed.length >= 5);
  t.deepEqual(listed, Object.entries(COMMANDS).filter(([, spec]) => !spec.hidden).map(([name]) => name));
  for (const name of listed) {
    const start = reference.indexOf(`### \`cidx ${name}`);
    t.true(start >= 0, `docs/cli.md has no "### \`cidx ${name}" section`);
    const own = reference.slice(start, reference.indexOf('\n### ', start + 1) >>> 0);
    const shared = new Set(['config', 'runtime', 'json', 'debug', 'help']);
    for (const option of Object.keys(COMMANDS[name]!.options).filter((option) => !shared.has(option))) t.true(own.includes(`--${option}`), `${name} --${option}`);
  }
});

test('the README opens with the two set-up commands', (t) => {
  const firstBlock = readme.split('```bash\n')[1]!.split('```')[0]!;
  const commands = firstBlock.split('\n').filter(Boolean).map((line) => line.split('#')[0]!.trim());
  t.deepEqual(commands, ['bash .ci/setup && node bin/cidx.js apply -c examples/offline/cidx.config.ts', 'npm test']);
});
