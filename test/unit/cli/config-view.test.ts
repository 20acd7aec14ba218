import test from 'ava';
import { toTypeScript, viewConfig } from '../../../cli/config-view.js';

const config = {
  runtime: 'auto',
  services: {
    qdrant: {
      image: 'qdrant/qdrant:v1.12.4',
      env: { QDRANT__SERVICE__API_KEY: 'k3y', LOG: 'debug' },
      health: { http: { port: 'http', path: '/readyz', headers: { Authorization: 'Bearer t0k3n' } } },
    },
  },
  plugins: [{ name: 'my-plugin', apply: () => undefined }],
};

test('env values and header values are *** unless asked; names and everything else stay', (t) => {
  const view = viewConfig(config) as typeof config;
  t.deepEqual(view.services.qdrant.env, { QDRANT__SERVICE__API_KEY: '***', LOG: '***' });
  t.deepEqual(view.services.qdrant.health.http.headers, { Authorization: '***' });
  t.is(view.services.qdrant.image, 'qdrant/qdrant:v1.12.4');
  t.notRegex(JSON.stringify(view), /k3y|t0k3n/);
  t.is(config.services.qdrant.env.LOG, 'debug', 'the config itself is not changed');
  const shown = viewConfig(config, { showSecrets: true }) as typeof config;
  t.is(shown.services.qdrant.env.QDRANT__SERVICE__API_KEY, 'k3y');
});

test('plugins are shown by name (they are code)', (t) => {
  t.deepEqual((viewConfig(config) as { plugins: unknown }).plugins, [{ name: 'my-plugin' }]);
});

test('TypeScript output: defineConfig, unquoted identifier keys, quoted others, escapes kept', (t) => {
  const text = toTypeScript({ services: { 'data-cleaner': { env: { A: "it's \"x\"\n" } } }, list: [1, true], empty: {} });
  t.is(
    text,
    `import { defineConfig } from 'cidx';

export default defineConfig({
  services: {
    'data-cleaner': {
      env: {
        A: 'it\\'s "x"\\n',
      },
    },
  },
  list: [
    1,
    true,
  ],
  empty: {},
});
`,
  );
});
