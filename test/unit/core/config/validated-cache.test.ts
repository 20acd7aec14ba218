/** The validated-config cache: a hit must give what validation gives, and no secret value may reach its files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { validateCached } from '../../../../core/config/validated-cache.js';
import { validateConfig } from '../../../../core/config/validate.js';

const CACHE = mkdtempSync(path.join(os.tmpdir(), 'cidx-validated-'));
process.env.CIDX_CACHE_DIR = CACHE;
test.after.always(() => rmSync(CACHE, { recursive: true, force: true }));

const FILE = '/work/app/cidx.config.ts';
const entries = async () => (await readdir(path.join(CACHE, 'validated')).catch(() => [] as string[])).sort();

function config(secret: string, header: string, pin: number | boolean = 1234) {
  return {
    services: {
      api: {
        image: 'api:1',
        ports: { http: 8080 },
        env: { TOKEN: secret, PIN: pin },
        health: { http: { port: 'http', path: '/ready', headers: { Authorization: header } } },
      },
    },
  };
}

test.serial('a miss stores the config with env and header values blanked; files 0600 in a 0700 directory', async (t) => {
  const before = await entries();
  const loaded = await validateCached(config('sekrit-env-1', 'Bearer sekrit-hdr-1'), FILE);
  t.deepEqual(loaded, validateConfig(config('sekrit-env-1', 'Bearer sekrit-hdr-1'), FILE));
  const added = (await entries()).filter((name) => !before.includes(name));
  t.is(added.length, 1);
  t.regex(added[0]!, /^v2-[0-9a-f]{32}\.json$/);
  const file = path.join(CACHE, 'validated', added[0]!);
  const text = await readFile(file, 'utf8');
  t.false(/sekrit|1234/.test(text), text);
  t.is((await stat(file)).mode & 0o777, 0o600);
  t.is((await stat(path.join(CACHE, 'validated'))).mode & 0o777, 0o700);
});

test.serial('other secret values of the same types hit the same entry and come back as validation would give them', async (t) => {
  await validateCached(config('first', 'Bearer a'), FILE);
  const before = await entries();
  const loaded = await validateCached(config('second', 'Bearer b', 99), FILE);
  t.deepEqual(await entries(), before, 'a hit: nothing new written');
  t.deepEqual(loaded.config.services.api!.env, { TOKEN: 'second', PIN: '99' });
  const health = loaded.config.services.api!.health;
  t.true(health !== false && health?.http !== undefined);
  if (health && health.http) t.deepEqual(health.http.headers, { Authorization: 'Bearer b' });
  t.deepEqual(loaded, validateConfig(config('second', 'Bearer b', 99), FILE));
});

test.serial('a value of another type is another entry: validation depends on types', async (t) => {
  await validateCached(config('x', 'y', 1), FILE);
  const before = await entries();
  const loaded = await validateCached(config('x', 'y', true), FILE);
  t.is((await entries()).length, before.length + 1);
  t.is(loaded.config.services.api!.env.PIN, 'true');
});
