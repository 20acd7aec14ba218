/**
 * Configs that used to crash validation (names that are also members of
 * Object), or slip past it, through the real CLI: exit 2 with the dotted
 * path, no stack trace, no secret echoed, and nothing created on any engine.
 * The last tests apply a valid config full of such names on both runtimes.
 */
import test, { type ExecutionContext } from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { volumeName } from '../../core/project.js';
import { withProject, type TestProject } from '../helpers/project.js';
import { service, STACK_LINE } from '../helpers/reports.js';
import { projectContainers, projectVolumes, RUNTIMES, TEST_IMAGE } from '../helpers/runtime.js';

/** A config file whose services are `services` (TS source text, so computed keys such as ['__proto__'] survive). */
const configWith = (services: string, rest = '') => `export default {\n  services: ${services},\n${rest}};\n`;

const web = (extra = '') => `{ image: '${TEST_IMAGE}', ports: { http: 8080 }, env: { HTTP_PORTS: '8080' }${extra} }`;

async function assertRefused(t: ExecutionContext, project: TestProject, args: string[], expected: RegExp, secret?: string, title = ''): Promise<void> {
  const run = await project.cidx(args);
  const describe = `${title}\n${run.describe()}`;
  t.is(run.exitCode, 2, describe);
  t.regex(run.stderr, /error\[CONFIG_INVALID\]/, describe);
  t.regex(run.stderr, expected, describe);
  t.notRegex(run.stderr, STACK_LINE, `a config error prints no stack trace\n${describe}`);
  t.notRegex(run.stderr, /INTERNAL/, describe);
  if (secret) t.false(`${run.stdout}${run.stderr}`.includes(secret), `the secret was printed\n${describe}`);
}

async function assertNothingCreated(t: ExecutionContext, project: TestProject): Promise<void> {
  for (const runtime of RUNTIMES) {
    t.deepEqual(await projectContainers(runtime, project.id), [], `${runtime}: a container was created`);
    t.deepEqual(await projectVolumes(runtime, project.id), [], `${runtime}: a volume was created`);
  }
}

const refused: Array<{ title: string; config: string; expected: RegExp; secret?: string }> = [
  {
    title: "dependsOn: ['toString'] is an unknown service",
    config: configWith(`{ web: ${web(", dependsOn: ['toString']")} }`),
    expected: /services\.web\.dependsOn\.0: unknown service "toString"; known: web/,
  },
  {
    title: 'preferredPorts: { hasOwnProperty: 80 } is an unknown service',
    config: configWith(`{ web: ${web()} }`, '  preferredPorts: { hasOwnProperty: 80 },\n'),
    expected: /preferredPorts\.hasOwnProperty: unknown service "hasOwnProperty"; known: web/,
  },
  {
    title: 'preferredPorts: { web: { constructor: 80 } } is an unknown port',
    config: configWith(`{ web: ${web()} }`, '  preferredPorts: { web: { constructor: 80 } },\n'),
    expected: /preferredPorts\.web\.constructor: unknown port "constructor" of service "web"; declared: http/,
  },
  {
    title: "an env name written as ['__proto__'] is refused instead of dropped",
    config: configWith(`{ web: { image: '${TEST_IMAGE}', env: { ['__proto__']: 'x' } } }`),
    expected: /services\.web\.env\.__proto__: "__proto__" cannot be used as a name/,
  },
  {
    title: 'one container port declared twice in a service',
    config: configWith(`{ web: { image: '${TEST_IMAGE}', ports: { http: 8080, alt: 8080 } } }`),
    expected: /services\.web\.ports\.alt: container port 8080 is already declared as "http"/,
  },
  {
    title: 'two ports that `cidx env` would give the same variables',
    config: configWith(`{ 'a-b': { image: '${TEST_IMAGE}', ports: { c: 8080 } }, a: { image: '${TEST_IMAGE}', ports: { 'b-c': 8080 } } }`),
    expected: /services\.a\.ports\.b-c: `cidx env` would name this port and port "c" of service "a-b" both CIDX_A_B_C_HOST\/PORT\/URL/,
  },
  {
    title: 'a NUL byte in an env value, without printing the value',
    config: configWith(`{ web: { image: '${TEST_IMAGE}', env: { API_TOKEN: 'hunter2-secret\\0' } } }`),
    expected: /services\.web\.env\.API_TOKEN: the value contains a NUL byte/,
    secret: 'hunter2-secret',
  },
  {
    title: 'a header value with CR/LF, without printing the value',
    config: configWith(`{ web: ${web(", health: { http: { port: 'http', headers: { Authorization: 'Bearer hunter2-secret\\r\\nX-Injected: 1' } } }")} }`),
    expected: /services\.web\.health\.http\.headers\.Authorization: expected a header value without line breaks/,
    secret: 'hunter2-secret',
  },
  {
    title: 'a probe path with a space',
    config: configWith(`{ web: ${web(", health: { http: { port: 'http', path: '/health check' } }")} }`),
    expected: /services\.web\.health\.http\.path: expected a path of printable ASCII without spaces/,
  },
  {
    title: 'a health timeout of 0',
    config: configWith(`{ web: ${web(", health: { tcp: { port: 'http' }, timeout: 0 }")} }`),
    expected: /services\.web\.health\.timeout: expected at least 100ms for a probe to answer, got 0ms/,
  },
];

// One project for all of them: each case rewrites its config, and nothing may exist on either engine afterwards.
test('each refused config: apply exits 2 naming the path, with no stack and no secret, and creates nothing', withProject, refused[0]!.config, async (t, project) => {
  for (const { title, config, expected, secret } of refused) {
    await project.writeConfig(config);
    await assertRefused(t, project, ['apply'], expected, secret, title);
  }
  await assertNothingCreated(t, project);
});

test("every command refuses dependsOn: ['toString'] the same way", withProject, configWith(`{ web: ${web(", dependsOn: ['toString']")} }`), async (t, project) => {
  for (const args of [['plan'], ['status'], ['env'], ['port', 'web', 'http'], ['down']]) {
    await assertRefused(t, project, args, /services\.web\.dependsOn\.0: unknown service "toString"/);
  }
  await assertNothingCreated(t, project);
});

/** Services, ports, volumes and env named after Object's members: all ordinary names to cidx. */
const objectNames = configWith(
  `{
    constructor: {
      image: '${TEST_IMAGE}',
      ports: { toString: 8080, hasOwnProperty: 8081 },
      env: { HTTP_PORTS: '8080 8081', constructor: 'c', toString: 't', hasOwnProperty: 'h' },
      volumes: { valueOf: '/data' },
      health: { http: { port: 'toString', path: '/healthz' }, timeout: '30s' },
    },
    toString: {
      image: '${TEST_IMAGE}',
      ports: { constructor: 8080 },
      env: { HTTP_PORTS: '8080' },
      dependsOn: ['constructor'],
      health: { http: { port: 'constructor', path: '/healthz' }, timeout: '30s' },
    },
  }`,
);

for (const runtime of RUNTIMES) {
  test(`${runtime}: services, ports, volumes and env named constructor, toString, hasOwnProperty, valueOf apply, report and look up like any others`, withProject, objectNames, async (t, project) => {
    const run = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(run.exitCode, 0, run.describe());
    const report = run.json<ProjectReport>();
    const ctor = service(report, 'constructor');
    t.like(ctor, { state: 'running', healthy: true });
    t.deepEqual(ctor.ports.map((port) => [port.name, port.preferred]).sort(), [['hasOwnProperty', null], ['toString', null]], 'no preference inherited from Object');
    t.like(service(report, 'toString'), { state: 'running', healthy: true });
    t.deepEqual(await projectVolumes(runtime, project.id), [volumeName(project, 'constructor', 'valueOf')]);

    const vars = await project.cidx(['env', '--format', 'json', '--runtime', runtime]);
    t.is(vars.exitCode, 0, vars.describe());
    const env = JSON.parse(vars.stdout) as Record<string, string>;
    t.deepEqual(Object.keys(env).sort(), [
      'CIDX_CONSTRUCTOR_HASOWNPROPERTY_HOST', 'CIDX_CONSTRUCTOR_HASOWNPROPERTY_PORT', 'CIDX_CONSTRUCTOR_HASOWNPROPERTY_URL',
      'CIDX_CONSTRUCTOR_TOSTRING_HOST', 'CIDX_CONSTRUCTOR_TOSTRING_PORT', 'CIDX_CONSTRUCTOR_TOSTRING_URL',
      'CIDX_TOSTRING_CONSTRUCTOR_HOST', 'CIDX_TOSTRING_CONSTRUCTOR_PORT', 'CIDX_TOSTRING_CONSTRUCTOR_URL',
    ]);
    const toStringPort = ctor.ports.find((port) => port.name === 'toString')!;
    t.is(env.CIDX_CONSTRUCTOR_TOSTRING_PORT, String(toStringPort.host));

    const port = await project.cidx(['port', 'constructor', 'toString', '--runtime', runtime]);
    t.is(port.exitCode, 0, port.describe());
    t.is(port.stdout.trim(), `127.0.0.1:${toStringPort.host}`);
    const missing = await project.cidx(['port', 'hasOwnProperty', 'http', '--runtime', runtime]);
    t.is(missing.exitCode, 2, missing.describe());
    t.regex(missing.stderr, /error\[SERVICE_NOT_FOUND\] no service "hasOwnProperty"/, missing.describe());

    const again = await project.cidx(['apply', '--json', '--runtime', runtime]);
    t.is(again.exitCode, 0, again.describe());
    t.deepEqual(again.json<ProjectReport>().services.map((entry) => [entry.name, entry.action]).sort(), [['constructor', 'unchanged'], ['toString', 'unchanged']]);
  });
}
