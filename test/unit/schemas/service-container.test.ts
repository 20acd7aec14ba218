/**
 * The per-service container keys: what each accepts, what it becomes, and
 * the message a wrong value gets (schemas/service-container.ts).
 */
import test from 'ava';
import { validateConfig } from '../../../core/config/validate.js';
import { CONFIG_FILE, problems } from '../helpers/config-problems.js';

const IMAGE = 'localhost/cidx-test:2';
const service = (keys: Record<string, unknown>) => validateConfig({ services: { web: { image: IMAGE, ...keys } } }, CONFIG_FILE).config.services.web!;
const problemOf = (keys: Record<string, unknown>) => problems({ services: { web: { image: IMAGE, ...keys } } });

test('a service without the new keys validates to no new keys at all', (t) => {
  const web = service({});
  for (const key of ['mounts', 'tmpfs', 'entrypoint', 'user', 'workdir', 'labels', 'extraHosts', 'restart', 'resources', 'gpus']) t.false(key in web, key);
  t.is(validateConfig({ services: { web: { image: IMAGE } } }, CONFIG_FILE).config.volumes, undefined);
});

test('mounts: the short form takes :ro and SELinux flags, the long forms say them by name', (t) => {
  t.deepEqual(service({ mounts: { './init.sql': '/docker-entrypoint-initdb.d/init.sql:ro', './conf': '/etc/app', '/srv/x': '/x:ro,Z', '~/y': '/y:z' } }).mounts, [
    { source: './init.sql', target: '/docker-entrypoint-initdb.d/init.sql', readOnly: true },
    { source: './conf', target: '/etc/app' },
    { source: '/srv/x', target: '/x', readOnly: true, selinux: 'private' },
    { source: '~/y', target: '/y', selinux: 'shared' },
  ]);
  t.deepEqual(service({ mounts: { './conf': { target: '/etc/app', readOnly: true } } }).mounts, [{ source: './conf', target: '/etc/app', readOnly: true }]);
  t.deepEqual(service({ mounts: [{ source: './conf', target: '/etc/app', selinux: 'shared' }] }).mounts, [{ source: './conf', target: '/etc/app', selinux: 'shared' }]);
});

test('mounts: a relative container path, an unknown flag or a compose string list teach the form', (t) => {
  t.regex(problemOf({ mounts: { './conf': 'etc/app' } }).join('\n'), /services\.web\.mounts.*container path with optional ':ro'/);
  t.regex(problemOf({ mounts: { './conf': '/etc/app:rw,cached' } }).join('\n'), /'\/etc\/app:ro'/);
  t.regex(problemOf({ mounts: ['./conf:/etc/app'] }).join('\n'), /compose-style 'host:container' string.*\{ '\.\/conf': '\/etc\/app' \}/);
});

test('tmpfs, entrypoint, user, workdir, restart, resources and gpus take their documented forms', (t) => {
  const web = service({
    tmpfs: ['/tmp', { target: '/cache', size: '64M' }],
    entrypoint: '/entry.sh',
    user: '1000:1000',
    workdir: '/app',
    restart: 'unless-stopped',
    resources: { memory: '2g', cpus: 1.5, shmSize: 1048576 },
    gpus: 'all',
  });
  t.deepEqual(web.tmpfs, [{ target: '/tmp' }, { target: '/cache', size: '64m' }]);
  t.deepEqual(web.entrypoint, ['/entry.sh']);
  t.is(web.user, '1000:1000');
  t.is(web.workdir, '/app');
  t.is(web.restart, 'unless-stopped');
  t.deepEqual(web.resources, { memory: '2g', cpus: 1.5, shmSize: '1048576' });
  t.deepEqual(service({ entrypoint: ['sh', '-c'] }).entrypoint, ['sh', '-c']);
  t.is(service({ gpus: 2 }).gpus, 2);
  t.deepEqual(service({ gpus: ['0', 'GPU-3a1b'] }).gpus, ['0', 'GPU-3a1b']);
});

test('wrong values of those keys get messages that teach', (t) => {
  t.regex(problemOf({ entrypoint: 'sh -c' }).join('\n'), /write a list such as \['sh', '-c'\]/);
  t.regex(problemOf({ restart: 'sometimes' }).join('\n'), /expected one of 'no', 'on-failure', 'unless-stopped', 'always', got "sometimes"/);
  t.regex(problemOf({ resources: { memory: 'lots' } }).join('\n'), /resources\.memory.*such as '512m' or '2g'/);
  t.regex(problemOf({ resources: { cpu: 2 } }).join('\n'), /resources/);
  t.regex(problemOf({ gpus: 'some' }).join('\n'), /expected 'all', a number of GPUs, or a list of GPU ids/);
  t.regex(problemOf({ user: 'a b' }).join('\n'), /expected a user such as 'postgres'/);
  t.regex(problemOf({ workdir: 'app' }).join('\n'), /services\.web\.workdir.*absolute/);
  t.regex(problemOf({ tmpfs: '/tmp' }).join('\n'), /expected a list of container paths/);
});

test('labels: user labels are strings; the io.cidx. prefix is refused, whatever its case', (t) => {
  t.deepEqual(service({ labels: { 'com.example.team': 'data', 'com.example.tier': 2 } }).labels, { 'com.example.team': 'data', 'com.example.tier': '2' });
  const message = problemOf({ labels: { 'io.cidx.project': 'x', 'IO.CIDX.other': 'y' } }).join('\n');
  t.regex(message, /label "io\.cidx\.project" uses the prefix 'io\.cidx\.'/);
  t.regex(message, /label "IO\.CIDX\.other"/);
});

test('extraHosts: an address or host-gateway; a compose list is taught the object form', (t) => {
  t.deepEqual(service({ extraHosts: { 'host.docker.internal': 'host-gateway', 'db.local': '10.0.0.5', v6: '::1' } }).extraHosts, {
    'host.docker.internal': 'host-gateway',
    'db.local': '10.0.0.5',
    v6: '::1',
  });
  t.regex(problemOf({ extraHosts: ['db:10.0.0.5'] }).join('\n'), /got a compose-style list/);
  t.regex(problemOf({ extraHosts: { db: 'localhost' } }).join('\n'), /expected an IP address or 'host-gateway'/);
});

test('shared volumes: declared at the top level with {}, anything else is refused', (t) => {
  const { config } = validateConfig({ volumes: { seed: {} }, services: { web: { image: IMAGE, volumes: { seed: '/data' } } } }, CONFIG_FILE);
  t.deepEqual(config.volumes, { seed: {} });
  t.regex(problems({ volumes: { seed: { driver: 'local' } }, services: { web: { image: IMAGE } } }).join('\n'), /volumes\.seed/);
});

test('two things mounted at one container path are a config error naming both', (t) => {
  const lines = problemOf({ volumes: { data: '/data' }, mounts: { './seed': '/data/', './a': '/etc/app', './b': '/etc/app:ro' }, tmpfs: ['/etc/app'] });
  t.true(lines.includes('services.web.mounts.0: host path "./seed" and volume "data" are both mounted at /data; mount one thing per container path'), lines.join('\n'));
  t.true(lines.includes('services.web.mounts.2: host path "./b" and host path "./a" are both mounted at /etc/app; mount one thing per container path'), lines.join('\n'));
  t.true(lines.includes('services.web.tmpfs.0: a tmpfs and host path "./a" are both mounted at /etc/app; mount one thing per container path'), lines.join('\n'));
  t.deepEqual(service({ volumes: { data: '/data' }, mounts: { './conf': '/data/conf' } }).mounts, [{ source: './conf', target: '/data/conf' }]);
});
