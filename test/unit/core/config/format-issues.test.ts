import test from 'ava';
import { formatIssues, formatPath } from '../../../../core/config/format-issues.js';
import { configSchema } from '../../../../schemas/config.js';

const linesFor = (raw: unknown): string[] => {
  const result = configSchema.safeParse(raw);
  if (result.success) throw new Error('expected the config to be invalid');
  return formatIssues(result.error.issues);
};

test('formatPath joins keys and indexes with dots', (t) => {
  t.is(formatPath(['services', 'a', 'dependsOn', 0]), 'services.a.dependsOn.0');
  t.is(formatPath([]), '');
});

test('an issue at the root is labelled (config)', (t) => {
  t.deepEqual(linesFor('not an object').map((line) => line.split(':')[0]), ['(config)']);
});

test('each unknown key gets its own line, with "did you mean" for near misses', (t) => {
  const lines = linesFor({ servces: {}, runtme: 'docker', services: { q: { image: 'q', ports: {}, volume: {} } } });
  t.true(lines.includes('servces: unknown key; did you mean "services"?'));
  t.true(lines.includes('runtme: unknown key; did you mean "runtime"?'));
  t.true(lines.includes('services.q.volume: unknown key; did you mean "volumes"?'));
});

test('a key far from every known one lists the known keys instead', (t) => {
  const lines = linesFor({ services: { q: { image: 'q', health: { tcp: { port: 1 }, zzzzzzzz: 1 } } } });
  t.true(lines.includes('services.q.health.zzzzzzzz: unknown key; expected one of http, tcp, command, runtime, timeout, interval, successes'));
});

test('a typo that starts with (or is the start of) a known key suggests it', (t) => {
  const lines = linesFor({ services: { q: { image: 'q', enviroment_vars: {}, dep: [] } } });
  t.true(lines.includes('services.q.enviroment_vars: unknown key; did you mean "env"?'), lines.join('\n'));
  t.true(lines.includes('services.q.dep: unknown key; did you mean "dependsOn"?'), lines.join('\n'));
});

test('compose spellings get a specific explanation', (t) => {
  const lines = linesFor({ services: { q: { image: 'q', depends_on: ['x'], environment: {}, working_dir: '/app', shm_size: '1g' } } });
  t.true(lines.includes('services.q.depends_on: unknown key; cidx spells it `dependsOn: ["other-service"]`'));
  t.true(lines.includes('services.q.environment: unknown key; cidx spells it `env: { KEY: "value" }`'));
  t.true(lines.includes('services.q.working_dir: unknown key; cidx spells it `workdir: "/app"`'), lines.join('\n'));
  t.true(lines.includes('services.q.shm_size: unknown key; cidx spells it `resources: { shmSize: "1g" }`'), lines.join('\n'));
});
