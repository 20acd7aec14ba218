/**
 * The daily verbs on real engines: `run` (apply, the services' variables in
 * a command's environment, its exit code, `--down`), `exec` (exit code,
 * -u/-w/-e, no env value in the engine CLI's argv, a TTY only on a
 * terminal), and the pull phase (`--pull never`, `missing` with the image
 * present, a pull that fails naming the service while running containers
 * stay as they were). One apply per test, shared by its assertions.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { execa } from 'execa';
import { httpGet } from '../helpers/net.js';
import { CIDX_BIN, withProject, type TestProject } from '../helpers/project.js';
import { STACK_LINE } from '../helpers/reports.js';
import { projectContainers, RUNTIMES, TEST_IMAGE, type Runtime } from '../helpers/runtime.js';

const web = { image: TEST_IMAGE, ports: { http: 8080 }, env: { HTTP_PORTS: '8080' }, health: { http: { port: 'http', path: '/healthz' }, timeout: '30s' } };
/** A name no resolver knows: fails at once (NXDOMAIN), never after a DNS timeout. */
const UNREACHABLE_IMAGE = 'nonexistent.invalid/cidx-none:1';

/** Prints the CIDX_ variables it was given, then exits 7: the stand-in for `npm test`. */
const REPORTER = ['-e', "for (const [k, v] of Object.entries(process.env)) if (k.startsWith('CIDX_WEB')) console.log(`${k}=${v}`); process.exit(7)"];

/** Says when it is ready, then waits; exits 42 on SIGINT. Node, not sh: a shell cannot trap a signal ignored on entry. */
const ON_INT = "process.on('SIGINT', () => { console.log('got INT'); process.exit(42); }); console.error('started'); setTimeout(() => {}, 60000);";

/** The argv of every running `docker`/`podman` process whose argv names `word`. */
async function engineArgvs(runtime: Runtime, word: string): Promise<string[][]> {
  const found: string[][] = [];
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
    if (argv[0] && path.basename(argv[0]) === runtime && argv.includes(word)) found.push(argv);
  }
  return found;
}

/** `cidx …` under a pseudo-terminal (util-linux `script`), as a person at a terminal runs it. */
function underTerminal(project: TestProject, args: string[], env: Record<string, string> = {}) {
  const quoted = [process.execPath, CIDX_BIN, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  return execa('script', ['-qec', quoted, '/dev/null'], {
    cwd: project.root,
    env: { CIDX_CACHE_DIR: project.cacheDir, NO_COLOR: '1', CI: '', ...env },
    reject: false,
    timeout: 60_000,
    stdin: 'ignore',
  });
}

for (const runtime of RUNTIMES) {
  test(`${runtime}: run gives the command the services' variables and its exit code; run --down removes the containers when it fails or is interrupted`, withProject, { services: { web } }, async (t, project) => {
    // run applies (the image is present: --pull never passes, and no pull happens), then runs the command.
    const run = await project.cidx(['run', '--pull', 'never', '--runtime', runtime, '--', process.execPath, ...REPORTER]);
    t.is(run.exitCode, 7, run.describe());
    t.notRegex(run.stderr, /pulling/, 'the image is present: no pull');
    t.regex(run.stderr, /web\s+running\s+healthy/, "apply's report goes to stderr");
    const vars = Object.fromEntries(run.stdout.trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
    t.deepEqual(Object.keys(vars).sort(), ['CIDX_WEB_HTTP_HOST', 'CIDX_WEB_HTTP_PORT', 'CIDX_WEB_HTTP_URL'], run.stdout);
    t.is(vars.CIDX_WEB_HTTP_URL, `http://127.0.0.1:${vars.CIDX_WEB_HTTP_PORT}`);
    t.is((await httpGet(`${vars.CIDX_WEB_HTTP_URL}/healthz`)).status, 200, 'the variables point at the running service');
    const env = await project.cidx(['env', '--format', 'json', '--runtime', runtime]);
    t.deepEqual(env.json(), vars, 'the same variables `cidx env` prints');

    // run --down, interrupted: the signal goes on to the command, cidx waits for it, exits with its code, then tears down.
    const interrupted = project.spawn(['run', '--down', '--runtime', runtime, '--', process.execPath, '-e', ON_INT]);
    await interrupted.stderrLine(/^started$/);
    interrupted.kill('SIGINT');
    const ended = await interrupted.result;
    t.is(ended.exitCode, 42, ended.describe());
    t.is(ended.stdout.trim(), 'got INT');
    t.deepEqual(await projectContainers(runtime, project.id), [], 'torn down after the interrupted command');

    // run --down: the command fails, the containers go anyway (volumes would stay: none here).
    const down = await project.cidx(['run', '--down', '--runtime', runtime, 'sh', '-c', 'exit 9']);
    t.is(down.exitCode, 9, down.describe());
    t.regex(down.stderr, /removed 1 container/);
    t.deepEqual(await projectContainers(runtime, project.id), [], 'no container left');
  });

  test(`${runtime}: exec runs in the container with -u, -w and -e, no value in the engine's argv, a TTY only on a terminal, and its exit code`, withProject, { services: { web } }, async (t, project) => {
    const up = await project.cidx(['apply', '--runtime', runtime]);
    t.is(up.exitCode, 0, up.describe());
    // exec: -u, -w, -e K=V, -e K (the caller's value), the command's options passed on, its exit code.
    const exec = await project.cidx(['exec', '-u', '1234', '-w', '/tmp', '-e', 'GIVEN=a b=c', '-e', 'FROM_CALLER', '--runtime', runtime, 'web', 'sh', '-c', 'id -u; pwd; echo "$GIVEN|$FROM_CALLER"; exit 3'], {
      env: { FROM_CALLER: 'caller value' },
    });
    t.is(exec.exitCode, 3, exec.describe());
    t.deepEqual(exec.stdout.split('\n'), ['1234', '/tmp', 'a b=c|caller value']);
    const noTerminal = await project.cidx(['exec', '--runtime', runtime, 'web', 'sh', '-c', 'tty || true']);
    t.is(noTerminal.stdout.trim(), 'not a tty', `stdin is not a terminal: no TTY. ${noTerminal.describe()}`);

    // Under a pseudo-terminal: a TTY in the container, and the exit code; under CI none (CI=false is not CI).
    const tty = await underTerminal(project, ['exec', '--runtime', runtime, 'web', 'sh', '-c', 'tty; exit 4']);
    t.is(tty.exitCode, 4, `${tty.stdout}\n${tty.stderr}`);
    t.regex(tty.stdout, /\/dev\/pts\/\d+/, 'a terminal in the container');
    const ci = await underTerminal(project, ['exec', '--runtime', runtime, 'web', 'sh', '-c', 'tty || true'], { CI: 'true' });
    t.regex(ci.stdout, /not a tty/, `CI: no TTY. ${ci.stdout}`);
    const notCi = await underTerminal(project, ['exec', '--runtime', runtime, 'web', 'sh', '-c', 'tty || true'], { CI: 'false' });
    t.regex(notCi.stdout, /\/dev\/pts\/\d+/, `CI=false is not CI. ${notCi.stdout}`);

    // No env value in the engine CLI's argv while the exec runs.
    const secret = `s3cret-${process.pid}-${Date.now()}`;
    const slow = project.spawn(['exec', '-e', `TOKEN=${secret}`, '--runtime', runtime, 'web', 'sh', '-c', 'sleep 2; echo "$TOKEN"']);
    let seen: string[][] = [];
    for (let i = 0; i < 30 && seen.length === 0; i++) {
      seen = await engineArgvs(runtime, 'exec');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const finished = await slow.result;
    t.is(finished.stdout.trim(), secret, `the value reached the command. ${finished.describe()}`);
    t.true(seen.length > 0, `an ${runtime} exec process was seen while it ran`);
    for (const argv of seen) t.false(argv.join(' ').includes(secret), argv.join(' '));
  });

  test(`${runtime}: a pull that fails or is forbidden names the service and image and touches no container; run does not start its command then`, withProject, { services: { web } }, async (t, project) => {
    const first = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(first.exitCode, 0, first.describe());
    const [before] = await projectContainers(runtime, project.id);
    await project.writeConfig({ services: { web: { ...web, env: { HTTP_PORTS: '8080', CHANGED: '1' } }, ghost: { image: UNREACHABLE_IMAGE, health: false } } });

    const never = await project.cidx(['apply', '--pull', 'never', '--json', '--runtime', runtime]);
    t.is(never.exitCode, 1, never.describe());
    // The report says what happened to each service: nothing was executed.
    t.like(never.json().services.find((entry) => entry.name === 'ghost'), { action: 'failed', state: 'missing', error: { code: 'IMAGE_UNAVAILABLE' } });
    t.like(never.json().services.find((entry) => entry.name === 'web'), { action: 'skipped', state: 'running', container: { id: before!.Id } });
    t.regex(never.stderr, /error\[IMAGE_UNAVAILABLE\] service ghost: image nonexistent\.invalid\/cidx-none:1 is not present on \w+, and --pull never/);
    t.notRegex(never.stderr, STACK_LINE);

    const started = performance.now();
    const marker = path.join(project.root, 'ran');
    const failing = await project.cidx(['run', '--runtime', runtime, '--', 'sh', '-c', `touch '${marker}'`]);
    const ms = performance.now() - started;
    t.is(failing.exitCode, 1, failing.describe());
    t.regex(failing.stderr, /error\[IMAGE_UNAVAILABLE\] service ghost: image nonexistent\.invalid\/cidx-none:1 is not available to \w+ and could not be pulled/);
    t.regex(failing.stderr, /nonexistent\.invalid\/cidx-none:1: pulling for ghost/, 'the pull is its own visible phase');
    t.false(existsSync(marker), 'the command did not run');
    t.true(ms < 30_000, `failed fast (${Math.round(ms)} ms), not after a DNS timeout`);

    const [after] = await projectContainers(runtime, project.id);
    t.is(after?.Id, before?.Id, 'web was not recreated although its env changed: the pull failed before any container was touched');
    t.is(after?.State.Status, 'running');
    t.is((await projectContainers(runtime, project.id)).length, 1, 'no ghost container');

    const pull = await project.cidx(['pull', '--runtime', runtime, 'ghost']);
    t.is(pull.exitCode, 1, pull.describe());
    t.regex(pull.stderr, /service ghost: image nonexistent\.invalid\/cidx-none:1/);
    const typo = await project.cidx(['pull', '--runtime', runtime, 'ghots']);
    t.is(typo.exitCode, 2, typo.describe());
    t.regex(typo.stderr, /error\[SERVICE_NOT_FOUND\] no service "ghots"[\s\S]*did you mean "ghost"/i, 'the same check, with did-you-mean, as every other command');

    // config needs no engine; secrets stay hidden unless asked.
    const config = await project.cidx(['config', '--format', 'ts']);
    t.is(config.exitCode, 0, config.describe());
    t.regex(config.stdout, /^import \{ defineConfig \} from 'cidx';/);
    t.regex(config.stdout, /CHANGED: '\*\*\*'/);
    t.regex((await project.cidx(['config', '--show-secrets'])).stdout, /"CHANGED": "1"/);
  });
}
