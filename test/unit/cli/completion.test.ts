/**
 * Completion: the candidate logic against a table of command lines, and the
 * bash script for real: sourced in bash, with COMP_WORDS/COMP_CWORD set as
 * bash sets them, calling the real `cidx __complete` in a project directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { execa } from 'execa';
import { candidatesFor } from '../../../cli/commands/complete.js';
import { SCRIPTS } from '../../../cli/commands/completion.js';

type Read = Parameters<typeof candidatesFor>[2];
const services: Read = async () => ({ qdrant: { ports: { http: 6333, grpc: 6334 } }, ollama: { ports: { http: 11434 } } });
const noConfig: Read = async () => undefined;
const complete = (line: string, read: Read = services) => {
  const words = line.split(' ');
  return candidatesFor(words.slice(0, -1), words.at(-1)!, read);
};

test('commands (aliases too), then each command\'s declared options, then option values', async (t) => {
  t.deepEqual((await complete('p')).sort(), ['plan', 'port', 'prune', 'ps', 'pull']);
  t.deepEqual((await complete('exec --')).sort(), ['--config', '--debug', '--env', '--help', '--interactive', '--profile', '--runtime', '--tty', '--user', '--workdir']);
  t.deepEqual(await complete('run --d'), ['--debug', '--down']);
  t.deepEqual(await complete('help ex'), ['exec']);
  t.deepEqual(await complete('apply --pull '), ['missing', 'always', 'never']);
  t.deepEqual(await complete('--runtime d'), ['docker']);
  t.deepEqual(await complete('config --format '), ['json', 'ts']);
  t.deepEqual(await complete('env --format '), ['dotenv', 'shell', 'json']);
  t.deepEqual(await complete('completion '), ['bash', 'zsh', 'fish']);
});

test('service names from the config; a service\'s port names after it; services not repeated', async (t) => {
  t.deepEqual(await complete('exec '), ['qdrant', 'ollama']);
  t.deepEqual(await complete('--runtime podman port qdrant '), ['http', 'grpc']);
  t.deepEqual(await complete('pull qdrant '), ['ollama']);
  t.deepEqual(await complete('exec -u 1000 q'), ['qdrant']);
  t.deepEqual(await complete('exec qdrant '), [], 'then the container\'s command: nothing to offer');
  t.deepEqual(await complete('run -- '), []);
  t.deepEqual(await complete('port nope '), []);
});

test('no config, or one that fails to load: no names, no error', async (t) => {
  t.deepEqual(await complete('exec ', noConfig), []);
  t.deepEqual(await complete('port qdrant ', noConfig), []);
});

const CIDX_BIN = fileURLToPath(new URL('../../../../bin/cidx.js', import.meta.url));

/** Sources the bash script, sets COMP_WORDS as bash would for `line` (cursor at its end), prints COMPREPLY. */
async function bashComplete(cwd: string, line: string, env: Record<string, string>): Promise<string[]> {
  const words = line.split(' ');
  const script = `${SCRIPTS.bash}
cidx() { node "$CIDX_BIN" "$@"; }
COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_cidx_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = await execa('bash', ['-c', script], { cwd, env: { ...env, CIDX_BIN }, reject: false, timeout: 30_000 });
  if (result.exitCode !== 0) throw new Error(`bash failed (${result.exitCode}): ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

test('the bash script completes commands, options and names from the config in the current directory', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-complete-'));
  try {
    await writeFile(
      path.join(dir, 'cidx.config.ts'),
      `export default { services: { qdrant: { image: 'x', ports: { http: 6333, grpc: 6334 } }, 'data-cleaner': { image: 'x' } } };\n`,
    );
    // The machine running the tests may be loaded: the 1.5 s budget is for a person's Tab, not for CI.
    const env = { CIDX_CACHE_DIR: path.join(dir, '.cache'), PATH: process.env.PATH ?? '', CIDX_COMPLETE_TIMEOUT_MS: '20000' };
    t.deepEqual(await bashComplete(dir, 'cidx ex', env), ['exec']);
    t.deepEqual(await bashComplete(dir, 'cidx exec ', env), ['qdrant', 'data-cleaner']);
    t.deepEqual(await bashComplete(dir, 'cidx port qdrant g', env), ['grpc']);
    t.deepEqual(await bashComplete(dir, 'cidx apply --pu', env), ['--pull']);
    t.deepEqual(await bashComplete(dir, 'cidx pull qdrant d', env), ['data-cleaner']);
    await writeFile(path.join(dir, 'cidx.config.ts'), 'throw new Error("broken config");\n');
    t.deepEqual(await bashComplete(dir, 'cidx exec ', env), [], 'a broken config: no names, and no error text in the command line');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
