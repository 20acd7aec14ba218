/**
 * Which config runs: the nearest one, never a parent's by accident, never one
 * another user could have written, and never one that leaves a copy in the
 * project or lets cidx exit 0 unfinished. All through the real CLI; the
 * config error comes before any runtime is asked.
 */
import { chmod, chown, mkdir, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { createProject, type TestProject } from '../helpers/project.js';

const NOBODY = 65534;
const PARENT = JSON.stringify({ project: 'parent', services: { web: { image: 'localhost/cidx-test:2' } } });

async function withConfigProject(text: string, file: string, run: (project: TestProject) => Promise<void>): Promise<void> {
  const project = await createProject(text, { configFile: file });
  try {
    await run(project);
  } finally {
    await project.cleanup();
  }
}

/** A config that leaves a file named `ran` next to itself when it is evaluated. */
const RECORDING = "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./ran', import.meta.url), 'yes');\nexport default { services: {} };\n";

for (const [command, args] of [
  ['status', ['status', '--runtime', 'docker']],
  ['down --volumes', ['down', '--volumes', '--runtime', 'docker']],
] as const) {
  test(`${command} in a package whose config exports nothing fails naming that file, exit 2; the parent project is not used`, async (t) => {
    await withConfigProject(PARENT, 'cidx.config.json', async (project) => {
      await mkdir(path.join(project.root, '.git'));
      const pkg = path.join(project.root, 'pkg');
      await mkdir(pkg);
      await writeFile(path.join(pkg, 'cidx.config.ts'), "export const config = { services: {} };\n");
      const run = await project.cidx([...args], { cwd: pkg });
      t.is(run.exitCode, 2, run.describe());
      t.true(run.stderr.includes(`error[CONFIG_EMPTY] cidx.config.ts has no default export (${path.join(pkg, 'cidx.config.ts')})`), run.describe());
      t.false(run.stderr.includes('parent'), run.describe());
    });
  });
}

test('an empty config file in a package is an error naming it, exit 2', async (t) => {
  await withConfigProject(PARENT, 'cidx.config.json', async (project) => {
    await mkdir(path.join(project.root, '.git'));
    await mkdir(path.join(project.root, 'pkg'));
    await writeFile(path.join(project.root, 'pkg', 'cidx.config.mjs'), '');
    const run = await project.cidx(['status', '--runtime', 'docker'], { cwd: path.join(project.root, 'pkg') });
    t.is(run.exitCode, 2, run.describe());
    t.regex(run.stderr, /error\[CONFIG_EMPTY\] cidx\.config\.mjs is empty/);
  });
});

test("outside a repository and $HOME, a config in a parent directory is not searched for, so it never runs", async (t) => {
  await withConfigProject(RECORDING, 'cidx.config.mjs', async (project) => {
    const below = path.join(project.root, 'x');
    await mkdir(below);
    const run = await project.cidx(['plan', '--runtime', 'docker'], { cwd: below });
    t.is(run.exitCode, 2, run.describe());
    t.regex(run.stderr, /error\[CONFIG_NOT_FOUND\] no cidx config found in .*\/x \(/);
    t.false(existsSync(path.join(project.root, 'ran')), 'the parent config did not run');
  });
});

test("a config owned by another user is refused before it runs, exit 2, also with -c; CIDX_TRUSTED_CONFIGS allows it", async (t) => {
  await withConfigProject(RECORDING, 'cidx.config.mjs', async (project) => {
    await chown(project.configFile, NOBODY, NOBODY);
    for (const args of [['plan', '--runtime', 'docker'], ['-c', project.configFile, 'plan', '--runtime', 'docker']]) {
      const run = await project.cidx(args);
      t.is(run.exitCode, 2, run.describe());
      t.true(run.stderr.includes(`error[CONFIG_UNTRUSTED] refusing to load ${project.configFile}: it is owned by another user (uid ${NOBODY})`), run.describe());
      t.regex(run.stderr, /hint: .*CIDX_TRUSTED_CONFIGS=/);
      t.false(existsSync(path.join(project.root, 'ran')), 'its code did not run');
    }
    const allowed = await project.cidx(['plan', '--json', '--runtime', 'docker'], { env: { CIDX_TRUSTED_CONFIGS: project.configFile } });
    t.is(allowed.exitCode, 0, allowed.describe());
    t.true(existsSync(path.join(project.root, 'ran')));
  });
});

for (const [who, mode] of [['group', 0o664], ['others', 0o646]] as const) {
  test(`a config writable by ${who} is refused, exit 2`, async (t) => {
    await withConfigProject(RECORDING, 'cidx.config.mjs', async (project) => {
      await chmod(project.configFile, mode);
      const run = await project.cidx(['status', '--runtime', 'docker']);
      t.is(run.exitCode, 2, run.describe());
      t.regex(run.stderr, new RegExp(`error\\[CONFIG_UNTRUSTED\\] .*writable by .*\\(mode 0${mode.toString(8)}\\)`));
      t.false(existsSync(path.join(project.root, 'ran')));
    });
  });
}

test('a config whose default export never settles ends with UNSETTLED naming the config, exit 1, not a silent 0', async (t) => {
  await withConfigProject('const never: Promise<unknown> = new Promise(() => {});\nexport default never;\n', 'cidx.config.ts', async (project) => {
    const run = await project.cidx(['plan', '--runtime', 'docker']);
    t.is(run.exitCode, 1, run.describe());
    t.true(run.stderr.includes(`error[UNSETTLED] cidx stopped unfinished: nothing was left to run, but it was still waiting for the config ${project.configFile} to load`), run.describe());
    t.is(run.stdout, '');
  });
});

test("a plugin's hook that never settles is named in the UNSETTLED error, exit 1", async (t) => {
  const config = [
    "import { definePlugin } from 'cidx';",
    "const stuck = definePlugin({ name: 'stuck', apply(hooks) { hooks.afterConfigResolved.tapPromise('stuck', () => new Promise<void>(() => {})); } });",
    'export default { services: {}, plugins: [stuck] };',
  ].join('\n');
  await withConfigProject(config, 'cidx.config.ts', async (project) => {
    const run = await project.cidx(['status', '--runtime', 'docker']);
    t.is(run.exitCode, 1, run.describe());
    t.regex(run.stderr, /error\[UNSETTLED\] .*still waiting for plugin stuck's afterConfigResolved tap/);
  });
});

test('a TypeScript config killed while it loads leaves nothing in the project directory', async (t) => {
  const config = [
    "import { pause } from './slow.mjs';",
    "process.stderr.write('config: loading\\n');",
    'await pause(60_000);',
    'export default { services: {} } as const;',
  ].join('\n');
  await withConfigProject(config, 'cidx.config.ts', async (project) => {
    await writeFile(path.join(project.root, 'slow.mjs'), 'export const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));\n');
    const child = project.spawn(['plan', '--runtime', 'docker']);
    await child.stderrLine(/^config: loading$/);
    child.kill('SIGKILL');
    await child.result;
    t.deepEqual((await readdir(project.root)).sort(), ['cidx.config.ts', 'slow.mjs']);
  });
});
