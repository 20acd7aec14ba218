/**
 * validateConfig on configs that used to crash it or slip through: names
 * that are also members of Object, probe settings node:http cannot send,
 * env names `cidx env` would merge, and secrets that must not be echoed.
 */
import test from 'ava';
import { validateConfig } from '../../../../core/config/validate.js';
import { CONFIG_FILE, problems } from '../../helpers/config-problems.js';

const FILE = CONFIG_FILE;


const OBJECT_MEMBERS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];

for (const member of OBJECT_MEMBERS) {
  test(`dependsOn: ['${member}'] is an unknown service, not a crash`, (t) => {
    t.deepEqual(problems({ services: { web: { image: 'w', dependsOn: [member] } } }), [`services.web.dependsOn.0: unknown service "${member}"; known: web`]);
  });

  test(`preferredPorts: { ${member}: 80 } is an unknown service, not a crash`, (t) => {
    t.deepEqual(problems({ services: { web: { image: 'w', ports: { http: 80 } } }, preferredPorts: { [member]: 80 } }), [
      `preferredPorts.${member}: unknown service "${member}"; known: web`,
    ]);
  });

  test(`preferredPorts naming port "${member}" that the service does not declare is an unknown port`, (t) => {
    t.deepEqual(problems({ services: { web: { image: 'w', ports: { http: 80 } } }, preferredPorts: { web: { [member]: 8080 } } }), [
      `preferredPorts.web.${member}: unknown port "${member}" of service "web"; declared: http`,
    ]);
  });

  test(`"${member}" works as a service, port, volume and env name`, (t) => {
    const { config } = validateConfig(
      {
        services: {
          [member]: { image: 'i', ports: { [member]: 80 }, volumes: { [member]: '/data' }, env: { [member]: 'x' }, health: { tcp: { port: member } } },
          other: { image: 'o', dependsOn: [member] },
        },
        preferredPorts: { [member]: { [member]: 8080 } },
      },
      FILE,
    );
    const service = config.services[member]!;
    t.deepEqual(Object.entries(service.ports), [[member, 80]]);
    t.deepEqual(Object.entries(service.volumes), [[member, '/data']]);
    t.deepEqual(Object.entries(service.env), [[member, 'x']]);
    t.deepEqual(config.services.other!.dependsOn, [member]);
  });
}

test('an unknown top-level key named constructor is reported as unknown, without Object leaking into the hint', (t) => {
  const lines = problems({ services: {}, constructor: 1, toString: 2 });
  t.true(lines.every((line) => !line.includes('function')), lines.join('\n'));
  t.true(lines.some((line) => line.startsWith('constructor: unknown key')), lines.join('\n'));
  t.true(lines.some((line) => line.startsWith('toString: unknown key')), lines.join('\n'));
});

// JSON (and computed keys) can make `__proto__` an own key; zod would silently drop it.
const withProtoKey = (json: string) => JSON.parse(json) as unknown;

test('__proto__ as a service name is a config error, not a silent drop', (t) => {
  t.deepEqual(problems(withProtoKey('{"services":{"web":{"image":"i"},"__proto__":{"image":"i"}}}')), [
    'services.__proto__: "__proto__" cannot be used as a name: JavaScript objects cannot hold it as an entry',
  ]);
});

test('__proto__ next to other problems is reported once, with them', (t) => {
  const lines = problems(withProtoKey('{"services":{"web":{"image":"i","ports":{"http":0},"env":{"__proto__":"x"}}},"__proto__":{}}'));
  t.deepEqual(lines, [
    'services.web.ports.http: expected a port number 1-65535, got 0',
    '__proto__: unknown key; expected one of $schema, project, runtime, bind, services, volumes, preferredPorts, disable, plugins',
    'services.web.env.__proto__: "__proto__" cannot be used as a name: JavaScript objects cannot hold it as an entry',
  ]);
});

test('__proto__ as a port, volume, env, header or preferredPorts name is a config error, not a silent drop', (t) => {
  const lines = problems(
    withProtoKey(`{
      "services": { "web": {
        "image": "i",
        "ports": { "http": 80, "__proto__": 81 },
        "volumes": { "__proto__": "/data" },
        "env": { "__proto__": "x" },
        "health": { "http": { "port": "http", "headers": { "__proto__": "x" } } }
      } },
      "preferredPorts": { "__proto__": { "web": 8080 }, "web": { "__proto__": 8081 } }
    }`),
  );
  for (const path of ['services.web.ports.__proto__', 'services.web.volumes.__proto__', 'services.web.env.__proto__', 'services.web.health.http.headers.__proto__', 'preferredPorts.__proto__', 'preferredPorts.web.__proto__']) {
    t.true(lines.some((line) => line.startsWith(`${path}: `)), `${path} missing from:\n${lines.join('\n')}`);
  }
});

test('one container port declared twice in a service is refused, naming both', (t) => {
  t.deepEqual(problems({ services: { web: { image: 'w', ports: { http: 8080, alt: 8080 } } } }), [
    'services.web.ports.alt: container port 8080 is already declared as "http"; declare each container port once',
  ]);
});

test('the same container port in two services is fine', (t) => {
  t.notThrows(() => validateConfig({ services: { a: { image: 'a', ports: { http: 8080 } }, b: { image: 'b', ports: { http: 8080 } } } }, FILE));
});

test('ports that `cidx env` would give the same variables are refused, naming both', (t) => {
  t.deepEqual(problems({ services: { 'a-b': { image: 'i', ports: { c: 1 } }, a: { image: 'i', ports: { 'b-c': 2 } } } }), [
    'services.a.ports.b-c: `cidx env` would name this port and port "c" of service "a-b" both CIDX_A_B_C_HOST/PORT/URL; rename one (names that differ only in case or in \'-\' and \'_\' collide)',
  ]);
  const lines = problems({ services: { Web: { image: 'i', ports: { http: 1 } }, web: { image: 'i', ports: { http: 2 } } } });
  t.deepEqual(lines.map((line) => line.split(':')[0]), ['services.web.ports.http']);
  t.regex(lines[0]!, /port "http" of service "Web" both CIDX_WEB_HTTP_/);
  t.regex(problems({ services: { web: { image: 'i', ports: { 'a-b': 1, a_b: 2 } } } })[0]!, /^services\.web\.ports\.a_b: .* this port and port "a-b" both CIDX_WEB_A_B_/);
});

test('services that differ only in case but publish no common port name are fine', (t) => {
  t.notThrows(() => validateConfig({ services: { Web: { image: 'i', ports: { http: 1 } }, web: { image: 'i', ports: { admin: 2 } } } }, FILE));
});

test('a NUL byte in an env value is a config error naming the variable, never showing the value', (t) => {
  const lines = problems({ services: { web: { image: 'w', env: { API_TOKEN: 'hunter2\0tail' } } } });
  t.deepEqual(lines, ['services.web.env.API_TOKEN: the value contains a NUL byte, which no environment can hold (the value is not shown)']);
});

test('a NUL byte in an env name is a config error, shown escaped', (t) => {
  t.deepEqual(problems({ services: { web: { image: 'w', env: { 'BAD\0NAME': 'hunter2' } } } }), [
    'services.web.env.BAD\\u0000NAME: expected a variable name without "=" or NUL bytes',
  ]);
});

test('an env key holding a whole NAME=value assignment is reported by its name only', (t) => {
  const lines = problems({ services: { web: { image: 'w', env: { 'API_TOKEN=hunter2': '' } } } });
  t.deepEqual(lines, ['services.web.env.API_TOKEN=…: expected a variable name without "=" or NUL bytes']);
});

test('health timeout and interval of 0 are refused with the minimum', (t) => {
  const lines = problems({ services: { web: { image: 'w', ports: { http: 1 }, health: { tcp: { port: 'http' }, timeout: 0, interval: '0ms' } } } });
  t.deepEqual(lines, [
    'services.web.health.timeout: expected at least 100ms for a probe to answer, got 0ms',
    'services.web.health.interval: expected at least 10ms, so probes do not run in a busy loop, got 0ms',
  ]);
  t.notThrows(() => validateConfig({ services: { web: { image: 'w', ports: { http: 1 }, health: { tcp: { port: 'http' }, timeout: '100ms', interval: 10 } } } }, FILE));
});

test('a probe path node:http cannot send is a config error at its path', (t) => {
  for (const path of ['/health check', '/tab\there', '/line\nbreak', '/café']) {
    t.deepEqual(problems({ services: { web: { image: 'w', ports: { http: 1 }, health: { http: { port: 'http', path } } } } }), [
      'services.web.health.http.path: expected a path of printable ASCII without spaces or control characters; percent-encode the rest (a space is %20)',
    ], JSON.stringify(path));
  }
  t.notThrows(() => validateConfig({ services: { web: { image: 'w', ports: { http: 1 }, health: { http: { port: 'http', path: '/a%20b?x=1&y=~' } } } } }, FILE));
});

test('header names must be tokens and values free of CR/LF; a bad value is never shown', (t) => {
  const lines = problems({
    services: {
      web: {
        image: 'w',
        ports: { http: 1 },
        health: { http: { port: 'http', headers: { 'X Token': 'ok', Authorization: 'Bearer hunter2\r\nX-Injected: 1' } } },
      },
    },
  });
  t.deepEqual(lines, [
    "services.web.health.http.headers.X Token: expected a header name: letters, digits and !#$%&'*+-.^_`|~",
    'services.web.health.http.headers.Authorization: expected a header value without line breaks or control characters (the value is not shown)',
  ]);
});

test('no message echoes an env or header value, whatever is wrong around it', (t) => {
  const secret = 'hunter2-secret';
  const configs = [
    { services: { web: { image: 'w', env: { A: { nested: secret } } } } },
    { services: { web: { image: 'w', env: [`A=${secret}`] } } },
    { services: { web: { image: 'w', env: { A: [secret] } } } },
    { services: { web: { image: 'w', health: [{ http: { port: 'http', headers: { Authorization: secret } } }] } } },
    { services: { web: { image: 'w', ports: { http: 1 }, health: { http: { port: 'http', headers: [secret] } } } } },
    { services: { web: { image: 'w', ports: { http: 1 }, health: { http: { port: 'http', headers: { Authorization: [secret] } } } } } },
    { services: { web: { image: 'w', ports: [{ secret }] } } },
    { services: { web: { image: 'w' } }, preferredPorts: { web: [secret] } },
  ];
  for (const config of configs) {
    const lines = problems(config);
    t.true(lines.length > 0);
    t.false(lines.join('\n').includes('hunter2'), lines.join('\n'));
  }
});
