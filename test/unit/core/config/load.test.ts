import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { loadConfig } from '../../../../core/config/load.js';
import { validateConfig } from '../../../../core/config/validate.js';
import { CidxError } from '../../../../core/errors.js';
import { CONFIG_FILE, problems } from '../../helpers/config-problems.js';
import { projectId } from '../../../../core/project.js';

const FILE = CONFIG_FILE;


test('applies the defaults: runtime auto, bind 127.0.0.1, empty collections', (t) => {
  const { config, warnings } = validateConfig({ services: { qdrant: { image: 'qdrant/qdrant:v1.12.4' } } }, FILE);
  t.is(config.runtime, 'auto');
  t.is(config.bind, '127.0.0.1');
  t.deepEqual(config.preferredPorts, {});
  t.deepEqual(config.plugins, []);
  t.deepEqual(config.services.qdrant, { image: 'qdrant/qdrant:v1.12.4', ports: {}, env: {}, volumes: {}, dependsOn: [] });
  t.deepEqual(warnings, []);
});

test('health defaults: timeout 60s → 60000 ms, interval 50 ms, one success, path /', (t) => {
  const { config } = validateConfig({ services: { q: { image: 'q', ports: { http: 6333 }, health: { http: { port: 'http' } } } } }, FILE);
  t.deepEqual(config.services.q!.health, { http: { port: 'http', path: '/' }, timeout: 60_000, interval: 50, successes: 1 });
});

test('durations are converted to milliseconds; numbers are milliseconds already', (t) => {
  const { config } = validateConfig(
    { services: { q: { image: 'q', ports: { http: 1 }, health: { tcp: { port: 'http' }, timeout: '2m', interval: 250 } } } },
    FILE,
  );
  const health = config.services.q!.health;
  t.true(health !== false && health !== undefined);
  if (health) {
    t.is(health.timeout, 120_000);
    t.is(health.interval, 250);
  }
});

test('env values are stringified; health: false is kept', (t) => {
  const { config } = validateConfig({ services: { q: { image: 'q', env: { A: 1, B: true, C: 'x' }, health: false } } }, FILE);
  t.deepEqual(config.services.q!.env, { A: '1', B: 'true', C: 'x' });
  t.is(config.services.q!.health, false);
});

test('project identity: name from the directory unless configured, id from the root', (t) => {
  const plain = validateConfig({ services: {} }, FILE);
  t.deepEqual(plain.project, { name: 'my-app', id: projectId('/work/my-app'), root: '/work/my-app', configFile: FILE });
  t.is(validateConfig({ project: 'shop', services: {} }, FILE).project.name, 'shop');
  t.is(validateConfig({ services: {} }, '/work/My App!/cidx.config.ts').project.name, 'my-app-');
});

test('a CommonJS-style { default: config } is unwrapped', (t) => {
  t.is(validateConfig({ default: { runtime: 'podman', services: {} } }, FILE).config.runtime, 'podman');
});

test('the thrown error is CONFIG_INVALID, names the file and counts the problems', (t) => {
  const error = t.throws(() => validateConfig({ runtime: 42, services: { q: { image: 'q', ports: { http: 0 } } } }, FILE), {
    instanceOf: CidxError,
  });
  t.is(error.code, 'CONFIG_INVALID');
  t.is(error.exitCode, 2);
  t.is(error.message, `cidx.config.ts has 2 problems (${FILE})`);
  t.truthy(error.hint);
  t.deepEqual(error.details, [
    "runtime: expected 'auto', 'docker', 'podman' or a runtime plugin's name, got 42",
    'services.q.ports.http: expected a port number 1-65535, got 0',
  ]);
});

test('one problem is "1 problem"', (t) => {
  const error = t.throws(() => validateConfig({ services: {}, bind: 'localhost' }, FILE), { instanceOf: CidxError });
  t.is(error.message, `cidx.config.ts has 1 problem (${FILE})`);
  t.deepEqual(error.details, ['bind: expected an IP address such as "127.0.0.1" or "0.0.0.0"']);
});

test('every problem is reported at once, each with its dotted path', (t) => {
  const lines = problems({
    runtim: 'docker',
    services: {
      ollama: { image: 'ollama/ollama', ports: { http: 70000 } },
      qdrant: { image: 'qdrant/qdrant', ports: ['6333:6333'] },
      web: { image: 'web', ports: { http: 8080.5 }, volumes: { data: 'relative/path' } },
    },
  });
  t.deepEqual([...lines].sort(), [
    'runtim: unknown key; did you mean "runtime"?',
    'services.ollama.ports.http: expected a port number 1-65535, got 70000',
    'services.qdrant.ports: expected an object of port name → container port, e.g. { http: 6333 }; got a compose-style list. ' +
      'cidx lets the runtime choose host ports; put a wanted host port in `preferredPorts`',
    'services.web.ports.http: expected a whole port number 1-65535, got 8080.5',
    'services.web.volumes.data: expected an absolute container path',
  ].sort());
  t.is(lines.length, 5);
});

test('a port given as a string is a TCP port ("6333") or names its protocol ("53/udp"); other strings are named as such', (t) => {
  t.deepEqual(problems({ services: { q: { image: 'q', ports: { http: 'http' } } } }), [`services.q.ports.http: expected a container port such as 6333, '53/udp' or { port: 53, protocol: 'udp' }, got "http"`]);
});

test('unknown keys in a service get "did you mean"', (t) => {
  t.deepEqual(problems({ services: { q: { imgae: 'q' } } }), [
    'services.q.image: expected an image reference such as "qdrant/qdrant:v1.12.4"',
    'services.q.imgae: unknown key; did you mean "image"?',
  ]);
});

test('dependsOn: unknown service and self-dependency', (t) => {
  const lines = problems({ services: { a: { image: 'a', dependsOn: ['zz'] }, b: { image: 'b', dependsOn: ['b'] } } });
  t.true(lines.includes('services.a.dependsOn.0: unknown service "zz"; known: a, b'));
  t.true(lines.includes('services.b.dependsOn.0: a service cannot depend on itself'));
});

test('dependsOn: a cycle is shown as a closed path', (t) => {
  t.deepEqual(
    problems({ services: { a: { image: 'a', dependsOn: ['b'] }, b: { image: 'b', dependsOn: ['c'] }, c: { image: 'c', dependsOn: ['a'] } } }),
    ['services.a.dependsOn: dependency cycle: a → b → c → a'],
  );
});

test('preferredPorts must name declared services and ports', (t) => {
  const lines = problems({
    services: { q: { image: 'q', ports: { http: 6333, grpc: 6334 } }, bare: { image: 'b' } },
    preferredPorts: { nope: 1, q: { rest: 8080 }, bare: 9000 },
  });
  t.deepEqual([...lines].sort(), [
    'preferredPorts.nope: unknown service "nope"; known: q, bare',
    'preferredPorts.q.rest: unknown port "rest" of service "q"; declared: http, grpc',
    'preferredPorts.bare: service "bare" declares no ports',
  ].sort());
});

test('preferredPorts values are port numbers too', (t) => {
  t.deepEqual(problems({ services: { q: { image: 'q', ports: { http: 1 } } }, preferredPorts: { q: { http: 70000 } } }), [
    'preferredPorts.q.http: expected a port number 1-65535, got 70000',
  ]);
});

test('health needs exactly one probe', (t) => {
  const lines = problems({
    services: {
      none: { image: 'n', ports: { http: 1 }, health: { timeout: '5s' } },
      two: { image: 't', ports: { http: 1 }, health: { http: { port: 'http' }, tcp: { port: 'http' } } },
    },
  });
  t.deepEqual(lines, [
    'services.none.health: expected one probe: `http`, `tcp`, `command` or `runtime` (or `health: false` for none)',
    'services.two.health: expected one probe, got http and tcp',
  ]);
});

test('health probes must reference a declared port, by name or container port', (t) => {
  const lines = problems({
    services: {
      q: { image: 'q', ports: { http: 6333 }, health: { http: { port: 'grpc' } } },
      r: { image: 'r', health: { tcp: { port: 80 } } },
    },
  });
  t.deepEqual(lines, [
    'services.q.health.http.port: unknown port "grpc"; declared: http',
    'services.r.health.tcp.port: unknown port 80; the service declares no ports',
  ]);
  t.notThrows(() => validateConfig({ services: { q: { image: 'q', ports: { http: 6333 }, health: { tcp: { port: 6333 } } } } }, FILE));
});

test('a typo inside health gets "did you mean" with the full path', (t) => {
  t.deepEqual(problems({ services: { q: { image: 'q', ports: { h: 1 }, health: { tcp: { port: 'h' }, timout: '5s' } } } }), [
    'services.q.health.timout: unknown key; did you mean "timeout"?',
  ]);
  t.deepEqual(problems({ services: { q: { image: 'q', ports: { h: 1 }, health: { http: { port: 'h', pth: '/x' } } } } }), [
    'services.q.health.http.pth: unknown key; did you mean "path"?',
  ]);
});

test('plugins must have a name and apply()', (t) => {
  t.deepEqual(problems({ services: {}, plugins: [{ name: 'half' }] }), ['plugins.0: expected a plugin: an object with `name` and `apply(hooks)`']);
  t.notThrows(() => validateConfig({ services: {}, plugins: [{ name: 'ok', apply() {} }] }, FILE));
});

test('a missing services key is explained', (t) => {
  t.deepEqual(problems({}), ['services: expected an object of service name → service, e.g. { qdrant: { image: "qdrant/qdrant" } }']);
});

test('legacy project_ports / qdrant_port are stripped with warnings, not errors', (t) => {
  const { config, warnings } = validateConfig(
    { project_ports: { qdrant: 6333 }, qdrant_port: 6333, services: { qdrant: { image: 'qdrant/qdrant', ports: { http: 6333 } } } },
    FILE,
  );
  t.false('project_ports' in config);
  t.false('qdrant_port' in config);
  t.is(warnings.length, 2);
  t.regex(warnings[0]!, /^`project_ports` is ignored: host ports are now chosen by the container runtime/);
  t.regex(warnings[1]!, /^`qdrant_port` is ignored/);
  t.true(warnings.every((warning) => warning.includes('preferredPorts: { qdrant: { http: 6333 } }')));
});

test('legacy keys are stripped even when the rest of the config is invalid, and their warnings follow the problems', (t) => {
  const error = t.throws(() => validateConfig({ qdrant_port: 6333, services: { q: { image: 'q', ports: { http: 0 } } } }, FILE), {
    instanceOf: CidxError,
  });
  t.is(error.message, `cidx.config.ts has 1 problem (${FILE})`, 'warnings are not counted as problems');
  t.is(error.details.length, 2);
  t.is(error.details[0], 'services.q.ports.http: expected a port number 1-65535, got 0');
  t.regex(error.details[1]!, /^warning: `qdrant_port` is ignored/);
});

test('a runtime plugin may be chosen by name', (t) => {
  t.is(validateConfig({ runtime: 'nerdctl', services: {} }, FILE).config.runtime, 'nerdctl');
  t.deepEqual(problems({ runtime: 7, services: {} }), ["runtime: expected 'auto', 'docker', 'podman' or a runtime plugin's name, got 7"]);
});

test('shape errors and reference errors are reported in the same run', (t) => {
  const lines = problems({
    services: {
      api: { image: 'api', ports: { http: 70000 }, dependsOn: ['postgress'] },
      db: { image: 'db', dependsOn: ['db'] },
    },
  });
  t.deepEqual([...lines].sort(), [
    'services.api.dependsOn.0: unknown service "postgress"; known: api, db',
    'services.api.ports.http: expected a port number 1-65535, got 70000',
    'services.db.dependsOn.0: a service cannot depend on itself',
  ]);
});

test('a cycle is found even when the shape is wrong elsewhere', (t) => {
  const lines = problems({ services: { a: { image: 'a', dependsOn: ['b'] }, b: { image: 'b', dependsOn: ['a'], ports: ['80:80'] } } });
  t.true(lines.includes('services.a.dependsOn: dependency cycle: a → b → a'), lines.join('\n'));
  t.true(lines.some((line) => line.startsWith('services.b.ports: ')));
});

test.serial('loadConfig reads cidx.config.json found from a subdirectory of its repository', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-load-'));
  try {
    await writeFile(path.join(dir, 'cidx.config.json'), JSON.stringify({ project: 'jsonproj', services: { q: { image: 'q' } } }));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, '.git')); // the search goes up to the repository root, no further
    await mkdir(path.join(dir, 'src', 'deep'), { recursive: true });
    const loaded = await loadConfig({ cwd: path.join(dir, 'src', 'deep') });
    t.is(loaded.project.name, 'jsonproj');
    t.is(loaded.project.root, dir);
    t.is(loaded.project.configFile, path.join(dir, 'cidx.config.json'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('loadConfig with a missing explicit file throws CONFIG_NOT_FOUND', async (t) => {
  const error = await t.throwsAsync(loadConfig({ configFile: '/nonexistent/cidx.config.ts' }), { instanceOf: CidxError });
  t.is(error.code, 'CONFIG_NOT_FOUND');
  t.regex(error.message, /\/nonexistent\/cidx\.config\.ts/);
});

test('loadConfig turns an invalid JSON config into CONFIG_INVALID with details', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cidx-load-'));
  try {
    const file = path.join(dir, 'cidx.config.json');
    await writeFile(file, JSON.stringify({ services: { q: { image: 'q', ports: ['6333:6333'] } } }));
    const error = await t.throwsAsync(loadConfig({ configFile: file }), { instanceOf: CidxError });
    t.is(error.code, 'CONFIG_INVALID');
    t.is(error.details.length, 1);
    t.regex(error.details[0]!, /^services\.q\.ports: .*compose-style list/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
