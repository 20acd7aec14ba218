import test from 'ava';
import { convert, plain, service, skippedKeys } from './helpers.js';

const one = (body: string) => convert(`services:\n  app:\n    image: app:1\n${body.replace(/^/gm, '    ')}\n`);

test('image and the string and list forms of command and entrypoint (split like a shell, never run by one)', (t) => {
  const app = service(one(`entrypoint: sh -c\ncommand: ["echo", 42]`), 'app');
  t.deepEqual(app.entrypoint, ['sh', '-c']);
  t.deepEqual(app.command, ['echo', '42']);
  const quoted = service(one(`command: bundle exec puma -C "config/puma rb" --name 'a b'`), 'app');
  t.deepEqual(quoted.command, ['bundle', 'exec', 'puma', '-C', 'config/puma rb', '--name', 'a b']);
  t.is(service(one(''), 'app').image, 'app:1');
});

test('environment as a list and as a map; a bare name passes the shell variable through', (t) => {
  const list = service(one(`environment:\n  - A=1\n  - B=x=y\n  - C`), 'app');
  t.deepEqual(list.env, { A: '1', B: 'x=y', C: { code: "process.env.C ?? ''" } });
  const map = service(one(`environment:\n  A: 1\n  B: true\n  C:\n  D: text`), 'app');
  t.deepEqual(map.env, { A: 1, B: true, C: { code: "process.env.C ?? ''" }, D: 'text' });
});

test('env_file → envFile, as a string, a list, or long entries', (t) => {
  t.deepEqual(service(one('env_file: .env'), 'app').envFile, ['.env']);
  t.deepEqual(service(one('env_file: [.env, .env.local]'), 'app').envFile, ['.env', '.env.local']);
  t.deepEqual(service(one('env_file:\n  - path: .env.dev\n    required: false'), 'app').envFile, ['.env.dev']);
});

test('fixed host ports → container ports plus preferredPorts; host IPs, ranges, UDP and long syntax', (t) => {
  const conversion = one(`ports:\n  - "6333:6333"\n  - "127.0.0.1:8080:80"\n  - "53:53/udp"\n  - "9000-9001:9000-9001"\n  - 3000\n  - target: 7233\n    published: "17233"\n    name: frontend`);
  const app = service(conversion, 'app');
  t.deepEqual(app.ports, { http: 6333, 'http-80': 80, 'dns-udp': '53/udp', p9000: 9000, p9001: 9001, 'http-3000': 3000, frontend: 7233 });
  t.deepEqual(plain(conversion.config.preferredPorts), { app: { http: 6333, 'http-80': 8080, 'dns-udp': 53, p9000: 9000, p9001: 9001, frontend: 17233 } });
  t.deepEqual(conversion.skipped, []);
});

test('a host port from a variable stays a variable; without a default it is dropped and reported', (t) => {
  const conversion = one(`ports:\n  - "\${WEB_PORT:-8080}:80"\n  - "\${ADMIN_PORT}:9000"`);
  t.deepEqual(plain(conversion.config.preferredPorts), { app: { http: { code: "Number(process.env.WEB_PORT || '8080')" } } });
  t.deepEqual(service(conversion, 'app').ports, { http: 80, p9000: 9000 });
  t.deepEqual(skippedKeys(conversion), ['app:ports[1]']);
});

test('a container port published twice is kept once and the second reported; SCTP and other host IPs are reported', (t) => {
  const conversion = one(`ports:\n  - "80:80"\n  - "8080:80"\n  - "5000:5000/sctp"\n  - "10.0.0.5:81:81"`);
  t.deepEqual(service(conversion, 'app').ports, { http: 80, p81: 81 });
  t.deepEqual(skippedKeys(conversion), ['app:ports[1]', 'app:ports[2]', 'app:ports[3]']);
});

test('named volumes → volumes; bind mounts → mounts (read-only kept); anonymous volumes are reported', (t) => {
  const conversion = one(`volumes:\n  - data:/var/lib/data\n  - ./init.sql:/docker-entrypoint-initdb.d/init.sql:ro\n  - ./conf:/etc/app:z\n  - /app/node_modules\n  - type: bind\n    source: ./certs\n    target: /certs\n    read_only: true\n  - type: tmpfs\n    target: /cache\n    tmpfs:\n      size: 1000000`);
  const app = service(conversion, 'app');
  t.deepEqual(app.volumes, { data: '/var/lib/data' });
  t.deepEqual(app.mounts, { './init.sql': '/docker-entrypoint-initdb.d/init.sql:ro', './conf': '/etc/app', './certs': '/certs:ro' });
  t.deepEqual(app.tmpfs, ['/cache:size=1000000']);
  t.deepEqual(skippedKeys(conversion), ['app:volumes[3]']);
});

test('a bind source from a variable becomes a computed key; ~ becomes $HOME', (t) => {
  const app = service(one(`volumes:\n  - \${DATA_DIR:-./data}:/data\n  - ~/.cache:/cache`), 'app');
  t.deepEqual(app.mounts, {
    entries: [
      [{ code: "process.env.DATA_DIR || './data'" }, '/data'],
      [{ code: '`${process.env.HOME}/.cache`' }, '/cache'],
    ],
  });
});

test('a named volume used by several services becomes a top-level shared volume; one used once stays private', (t) => {
  const conversion = convert(`services:\n  seed:\n    image: s\n    volumes: [shared:/out, own:/tmp/own]\n  api:\n    image: a\n    volumes: [shared:/in]\nvolumes:\n  shared:\n  own:\n`);
  t.deepEqual(plain(conversion.config.volumes), { shared: {} });
  t.deepEqual(service(conversion, 'seed').volumes, { shared: '/out', own: '/tmp/own' });
});

test('external volumes and read-only named volumes are imported and reported', (t) => {
  const conversion = convert(`services:\n  app:\n    image: a\n    volumes: [old:/data, cfg:/cfg:ro]\nvolumes:\n  old:\n    external: true\n  cfg: {}\n`);
  t.deepEqual(service(conversion, 'app').volumes, { old: '/data', cfg: '/cfg' });
  t.deepEqual(skippedKeys(conversion), ['app:volumes[0]', 'app:volumes[1]']);
});

test('depends_on short and long form; service_completed_successfully makes the dependency a job', (t) => {
  const conversion = convert(`services:
  db: { image: postgres }
  migrate:
    image: app
    depends_on: [db]
  api:
    image: app
    depends_on:
      db: { condition: service_healthy }
      migrate: { condition: service_completed_successfully }
`);
  t.deepEqual(service(conversion, 'migrate').dependsOn, ['db']);
  t.deepEqual(service(conversion, 'api').dependsOn, ['db', 'migrate']);
  t.is(service(conversion, 'migrate').job, true);
  t.is(service(conversion, 'db').job, undefined);
});

test('healthcheck: CMD and CMD-SHELL → command probes; a curl/wget of a published port → http; NONE/disable → false', (t) => {
  const cmd = service(one(`healthcheck:\n  test: ["CMD", "redis-cli", "ping"]`), 'app');
  t.deepEqual(cmd.health, { command: ['redis-cli', 'ping'] });
  const shell = service(one(`healthcheck:\n  test: ["CMD-SHELL", "pg_isready -U $\${POSTGRES_USER}"]`), 'app');
  t.deepEqual(shell.health, { command: ['sh', '-c', 'pg_isready -U ${POSTGRES_USER}'] });
  const http = service(one(`ports: ["8080:8080"]\nhealthcheck:\n  test: curl -f http://localhost:8080/health || exit 1`), 'app');
  t.deepEqual(http.health, { http: { port: 'http', path: '/health' } });
  const unpublished = service(one(`healthcheck:\n  test: ["CMD", "wget", "--spider", "http://localhost:8974/health"]`), 'app');
  t.deepEqual(unpublished.health, { command: ['wget', '--spider', 'http://localhost:8974/health'] });
  const headers = service(one(`ports: ["80:80"]\nhealthcheck:\n  test: 'curl -H "X: y" http://localhost/'`), 'app');
  t.deepEqual(headers.health, { command: ['sh', '-c', 'curl -H "X: y" http://localhost/'] });
  const byName = service(one(`ports: ["5000:5000"]\nhealthcheck:\n  test: ["CMD", "wget", "--spider", "http://app:5000/status"]`), 'app');
  t.deepEqual(byName.health, { http: { port: 'http', path: '/status' } }, 'the service by its own name is the container itself');
  const other = service(one(`ports: ["5000:5000"]\nhealthcheck:\n  test: ["CMD", "wget", "--spider", "http://kong:5000/status"]`), 'app');
  t.deepEqual(other.health, { command: ['wget', '--spider', 'http://kong:5000/status'] });
  t.is(service(one(`healthcheck:\n  test: ["NONE"]`), 'app').health, false);
  t.is(service(one(`healthcheck:\n  disable: true`), 'app').health, false);
  t.is(service(one(`healthcheck:\n  disable: false`), 'app').health, undefined);
});

test('healthcheck timing: apply waits as long as Compose would, when that is more than the 60 s default', (t) => {
  const slow = service(one(`healthcheck:\n  test: ["CMD", "true"]\n  interval: 10s\n  timeout: 5s\n  retries: 15\n  start_period: 30s`), 'app');
  t.deepEqual(slow.health, { command: ['true'], timeout: '3m' });
  const quick = service(one(`healthcheck:\n  test: ["CMD", "true"]\n  interval: 1s\n  timeout: 1s\n  retries: 5`), 'app');
  t.deepEqual(quick.health, { command: ['true'] });
});

test('profiles, restart, user, working_dir → workdir, tmpfs, extra_hosts → extraHosts, labels', (t) => {
  const conversion = one(`profiles: [gpu]\nrestart: unless-stopped\nuser: 1000\nworking_dir: /srv\ntmpfs: /run\nextra_hosts:\n  - host.docker.internal:host-gateway\n  - "v6=::1"\nlabels:\n  - com.example.team=data\n  - flag`);
  const app = service(conversion, 'app');
  t.deepEqual(app.profiles, ['gpu']);
  t.is(app.restart, 'unless-stopped');
  t.is(app.user, '1000');
  t.is(app.workdir, '/srv');
  t.deepEqual(app.tmpfs, ['/run']);
  t.deepEqual(app.extraHosts, { 'host.docker.internal': 'host-gateway', v6: '::1' });
  t.deepEqual(app.labels, { 'com.example.team': 'data', flag: '' });
  t.deepEqual(conversion.skipped, []);
});

test('restart on-failure:3 keeps the policy and reports the retry count; restart_policy maps when restart is absent', (t) => {
  const retries = one('restart: on-failure:3');
  t.is(service(retries, 'app').restart, 'on-failure');
  t.deepEqual(skippedKeys(retries), ['app:restart']);
  t.is(service(one('deploy:\n  restart_policy:\n    condition: any'), 'app').restart, 'always');
});

test('deploy.resources limits, mem_limit, cpus and shm_size → resources; GPU reservations and gpus → gpus', (t) => {
  const app = service(one(`shm_size: 1gb\ndeploy:\n  resources:\n    limits:\n      memory: 512M\n      cpus: '1.5'\n    reservations:\n      devices:\n        - driver: nvidia\n          count: all\n          capabilities: [gpu]`), 'app');
  t.deepEqual(app.resources, { memory: '512m', cpus: 1.5, shmSize: '1g' });
  t.is(app.gpus, 'all');
  t.deepEqual(service(one('mem_limit: 2g\ncpus: 2'), 'app').resources, { memory: '2g', cpus: 2 });
  t.is(service(one('deploy:\n  resources:\n    reservations:\n      devices:\n        - capabilities: [gpu]\n          count: 2'), 'app').gpus, 2);
  t.deepEqual(service(one('deploy:\n  resources:\n    reservations:\n      devices:\n        - capabilities: [gpu]\n          device_ids: ["0", "3"]'), 'app').gpus, ['0', '3']);
  t.is(service(one('gpus: all'), 'app').gpus, 'all');
  t.is(service(one('deploy:\n  resources:\n    reservations:\n      devices:\n        - driver: nvidia\n          count: ${GPU_COUNT:-1}\n          capabilities: [gpu]'), 'app').gpus, 1);
});

test('YAML anchors and merge keys are resolved; x- fields are ignored at the top and in services', (t) => {
  const conversion = convert(`x-common: &common
  image: base:1
  environment: &env
    A: "1"
services:
  one:
    <<: *common
    x-note: ignored
  two:
    <<: *common
    environment:
      <<: *env
      B: "2"
`);
  t.deepEqual(service(conversion, 'one'), { image: 'base:1', env: { A: '1' } });
  t.deepEqual(service(conversion, 'two'), { image: 'base:1', env: { A: '1', B: '2' } });
  t.deepEqual(conversion.skipped, []);
});

test('same-file extends merges the base service, environment included', (t) => {
  const conversion = convert(`services:\n  base:\n    image: b\n    environment: { A: "1" }\n  child:\n    extends: base\n    environment: { B: "2" }\n`);
  t.deepEqual(service(conversion, 'child'), { image: 'b', env: { A: '1', B: '2' } });
});

test('what cidx cannot express is reported per service with the reason, and the rest still converts', (t) => {
  const conversion = convert(`services:
  web:
    build: .
    network_mode: host
    links: [db]
    networks: [front]
    container_name: web1
    privileged: true
  db:
    image: postgres
    networks: [default]
`);
  t.deepEqual(skippedKeys(conversion), ['web:build', 'web:network_mode', 'web:links', 'web:networks', 'web:container_name', 'web:privileged']);
  t.is(service(conversion, 'web').image, 'app-web', "a build-only service names Compose's default tag");
  t.regex(conversion.skipped.find((entry) => entry.key === 'network_mode')!.reason, /network_mode: host/);
  t.regex(conversion.skipped.find((entry) => entry.key === 'build')!.reason, /does not build/);
  t.deepEqual(skippedKeys(convert('services:\n  db:\n    image: postgres\n    networks: [default]\n    expose: [5432]\n')), []);
});

test('service and volume names cidx does not accept are renamed, dependencies follow, and the rename is reported', (t) => {
  const conversion = convert(`services:\n  api.v2:\n    image: a\n    volumes: ["data.v1:/d"]\n  web:\n    image: w\n    depends_on: [api.v2]\n`);
  t.deepEqual(conversion.services, ['api-v2', 'web']);
  t.deepEqual(service(conversion, 'web').dependsOn, ['api-v2']);
  t.deepEqual(service(conversion, 'api-v2').volumes, { 'data-v1': '/d' });
  t.deepEqual(skippedKeys(conversion), ['api.v2:name']);
});

test('name: becomes the project; unknown top-level keys are reported at file level', (t) => {
  const conversion = convert('name: shop\ninclude: [other.yml]\nservices:\n  a:\n    image: a\n');
  t.is(conversion.config.project, 'shop');
  t.deepEqual(skippedKeys(conversion), ['(file):include']);
});

test('invalid YAML and a file without services are COMPOSE_INVALID errors', (t) => {
  t.throws(() => convert('services: [\n'), { message: /not valid YAML/ });
  t.throws(() => convert('version: "3"\n'), { message: /no `services`/ });
});

test('byteSize: the units docker and podman both read; terabytes become gigabytes, which the schema accepts', async (t) => {
  const { byteSize } = await import('../../../../cli/import/resources.js');
  t.is(byteSize('512M'), '512m');
  t.is(byteSize('1gb'), '1g');
  t.is(byteSize(1073741824), '1073741824b');
  t.is(byteSize('2T'), '2048g');
  t.is(byteSize('1.5tb'), '1536g');
  t.is(byteSize('lots'), undefined);
});
