import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { emitConfig, wrap } from '../../../../cli/import/emit.js';
import { findConfig } from '../../../../core/config/load.js';
import { convert } from './helpers.js';

/** Writes the config for `yaml` into a temp dir and loads it with cidx's loader, in an environment of `env`. */
async function roundTrip(yaml: string, env: Record<string, string | undefined> = {}): Promise<{ text: string; raw: () => Promise<any> }> {
  const text = emitConfig(convert(yaml), { source: 'docker-compose.yml' });
  return {
    text,
    async raw() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-emit-'));
      const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
      try {
        Object.assign(process.env, env);
        for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
        await writeFile(path.join(dir, 'cidx.config.ts'), text);
        const { raw } = await findConfig({ configFile: path.join(dir, 'cidx.config.ts') });
        return (raw as { default?: unknown }).default ?? raw;
      } finally {
        for (const [key, value] of Object.entries(saved)) if (value === undefined) delete process.env[key];
        else process.env[key] = value;
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

test('the output imports defineConfig from cidx and writes a service with lines of its own', async (t) => {
  const { text } = await roundTrip('services:\n  db:\n    image: postgres:16\n');
  t.regex(text, /^import \{ defineConfig \} from 'cidx';$/m);
  t.regex(text, /^export default defineConfig\(\{\n {2}services: \{\n {4}db: \{\n {6}image: 'postgres:16',\n {4}\},\n {2}\},\n\}\);\n$/m);
});

test('quotes, backslashes, newlines and backticks survive the trip into TypeScript and back', async (t) => {
  const yaml = `services:\n  app:\n    image: a\n    environment:\n      Q: "it's \\"quoted\\" \\\\ done"\n      N: "line1\\nline2"\n      B: "\`tick\` \${X:-d}"\n`;
  const config = await (await roundTrip(yaml, { X: undefined })).raw();
  t.deepEqual(config.services.app.env, { Q: 'it\'s "quoted" \\ done', N: 'line1\nline2', B: '`tick` d' });
});

test('${VAR:?message} defines required(): the config loads when the variable is set and fails with the message when not', async (t) => {
  const yaml = 'services:\n  app:\n    image: "app:${TAG:?set TAG to the release}"\n';
  const set = await roundTrip(yaml, { TAG: '1.2' });
  t.regex(set.text, /function required\(name: string, message: string, nonEmpty: boolean\): string/);
  t.is((await set.raw()).services.app.image, 'app:1.2');
  // Another image name: the loader caches a config module by its text.
  const unset = await roundTrip(yaml.replace('app:', 'api:'), { TAG: undefined });
  const error = await t.throwsAsync(unset.raw());
  t.regex(`${error?.message} ${(error as { details?: string[] })?.details?.join(' ')}`, /TAG must be set: set TAG to the release/);
});

test('skipped settings are written as comments above their service, wrapped', (t) => {
  const text = emitConfig(convert('services:\n  web:\n    image: w\n    network_mode: host\n'), { source: 'compose.yaml' });
  t.regex(text, /\/\/ 1 setting was not imported/);
  t.regex(text, /^ {4}\/\/ not imported: network_mode: network_mode: host: cidx puts every service/m);
  t.true(text.split('\n').every((line) => line.length <= 100), 'comments are wrapped');
  t.deepEqual(wrap('a b c d', 5), ['a b c', '  d']);
});
