/**
 * `cidx import` as a person runs it: the real binary converts a Compose file
 * in a project directory, refuses to overwrite a config, prints with
 * --stdout, and `cidx plan` on each runtime accepts what it wrote.
 */
import { existsSync } from 'node:fs';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { withProject } from '../helpers/project.js';
import { RUNTIMES } from '../helpers/runtime.js';

/** Uses only keys cidx had before issue 11, so the plan works on any branch. */
const QDRANT = fileURLToPath(new URL('../../../test/fixtures/compose/qdrant/docker-compose.yml', import.meta.url));
const PLACEHOLDER = 'export default { services: {} };\n';

interface ImportReport {
  file: string;
  written?: string;
  services: string[];
  skipped: Array<{ service: string; key: string; reason: string }>;
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: import writes cidx.config.ts beside the Compose file, and plan accepts it`, withProject, PLACEHOLDER, async (t, project) => {
    const compose = path.join(project.root, 'docker-compose.yml');
    await copyFile(QDRANT, compose);

    const refused = await project.cidx(['import']);
    t.is(refused.exitCode, 2, refused.describe());
    t.regex(refused.stderr, /a config exists already/);
    t.is(await readFile(project.configFile, 'utf8'), PLACEHOLDER, 'the existing config is untouched');

    const run = await project.cidx(['import', '--force', '--json']);
    t.is(run.exitCode, 0, run.describe());
    t.deepEqual(run.json<ImportReport>(), { file: compose, written: project.configFile, services: ['qdrant', 'ollama', 'rag-api'], skipped: [] });
    t.regex(await readFile(project.configFile, 'utf8'), /import \{ defineConfig \} from 'cidx'/);

    const plan = await project.cidx(['plan', '--json', '--runtime', runtime]);
    t.is(plan.exitCode, 0, plan.describe());
    t.deepEqual(
      plan.json<{ steps: Array<{ service: string; op: string }> }>().steps.map(({ service, op }) => [service, op]),
      [['qdrant', 'create'], ['ollama', 'create'], ['rag-api', 'create']],
    );
  });
}

test('import --stdout prints the config and writes nothing; a setting left out exits 1 and is listed', withProject, PLACEHOLDER, async (t, project) => {
  await rm(project.configFile);
  const compose = path.join(project.root, 'compose.yaml');
  await writeFile(compose, 'services:\n  web:\n    build: .\n    ports: ["8080:80"]\n    network_mode: host\n');

  const run = await project.cidx(['import', '--stdout']);
  t.is(run.exitCode, 1, run.describe());
  t.regex(run.stdout, /^\/\/ cidx\.config\.ts, written by `cidx import` from compose\.yaml/);
  t.regex(run.stdout, /preferredPorts: \{\n {4}web: \{ http: 8080 \},/);
  t.regex(run.stderr, /not imported: web: build: cidx runs images and does not build them/);
  t.regex(run.stderr, /not imported: web: network_mode: network_mode: host/);
  t.regex(run.stderr, /printed the config: 1 service, 2 settings not imported/);
  t.false(existsSync(project.configFile), '--stdout writes no file');

  const missing = await project.cidx(['import', 'nope.yml']);
  t.is(missing.exitCode, 2, missing.describe());
  t.regex(missing.stderr, /error\[COMPOSE_NOT_FOUND\] no such file: .*nope\.yml/);
});
