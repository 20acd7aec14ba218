/**
 * The `run` arguments for the container keys, per engine dialect: no GPU
 * exists on the test machines, so the GPU arguments are proven here and the
 * engines' refusal in test/integration/stack-keys.test.ts.
 */
import test from 'ava';
import { dockerDialect } from '../../../../plugins/docker-runtime/index.js';
import { podmanDialect } from '../../../../plugins/podman-runtime/index.js';
import { classifyFailure } from '../../../../plugins/oci-cli/failures.js';
import { cdiGpuArgs, commandArgs, containerKeyArgs, dockerGpuArgs, needsHostGateway, parseNetworkGateway, volumeArgs } from '../../../../plugins/oci-cli/run-args.js';

const ALL = {
  mounts: [
    { source: '/p/init.sql', target: '/init.sql', readOnly: true },
    { source: '/p/conf', target: '/etc/app' },
    { source: '/p/data', target: '/data', readOnly: true, selinux: 'shared' as const },
    { source: '/p/own', target: '/own', selinux: 'private' as const },
  ],
  tmpfs: [{ target: '/tmp' }, { target: '/cache', size: '64m' }],
  entrypoint: ['sh', '-c'],
  user: '1000:1000',
  workdir: '/app',
  extraHosts: { 'db.local': '10.0.0.5' },
  restart: 'unless-stopped' as const,
  resources: { memory: '2g', cpus: 1.5, shmSize: '1g' },
};

test('every key becomes its flag, in the same words on both engines', (t) => {
  const expected = [
    '--volume', '/p/init.sql:/init.sql:ro',
    '--volume', '/p/conf:/etc/app',
    '--volume', '/p/data:/data:ro,z',
    '--volume', '/p/own:/own:Z',
    '--tmpfs', '/tmp',
    '--tmpfs', '/cache:size=64m',
    '--entrypoint', 'sh',
    '--user', '1000:1000',
    '--workdir', '/app',
    '--add-host', 'db.local:10.0.0.5',
    '--restart', 'unless-stopped',
    '--memory', '2g',
    '--cpus', '1.5',
    '--shm-size', '1g',
  ];
  t.deepEqual(containerKeyArgs(ALL, dockerDialect), expected);
  t.deepEqual(containerKeyArgs(ALL, podmanDialect), expected);
  t.deepEqual(containerKeyArgs({}, dockerDialect), []);
});

test('the entrypoint\'s arguments come after the image, before the command', (t) => {
  t.deepEqual(commandArgs({ entrypoint: ['sh', '-c'], command: ['echo hi'] }), ['-c', 'echo hi']);
  t.deepEqual(commandArgs({ entrypoint: ['/entry.sh'], command: undefined }), []);
  t.deepEqual(commandArgs({ command: ['serve'] }), ['serve']);
});

test('gpus: Docker --gpus, Podman CDI devices', (t) => {
  t.deepEqual(dockerGpuArgs('all'), ['--gpus', 'all']);
  t.deepEqual(dockerGpuArgs(2), ['--gpus', '2']);
  t.deepEqual(dockerGpuArgs(['0', '2']), ['--gpus', '"device=0,2"']);
  t.deepEqual(cdiGpuArgs('all'), ['--device', 'nvidia.com/gpu=all']);
  t.deepEqual(cdiGpuArgs(2), ['--device', 'nvidia.com/gpu=0', '--device', 'nvidia.com/gpu=1']);
  t.deepEqual(cdiGpuArgs(['GPU-3a']), ['--device', 'nvidia.com/gpu=GPU-3a']);
  t.deepEqual(containerKeyArgs({ gpus: 'all' }, dockerDialect), ['--gpus', 'all']);
  t.deepEqual(containerKeyArgs({ gpus: 'all' }, podmanDialect), ['--device', 'nvidia.com/gpu=all']);
});

test('host-gateway: Docker resolves the word itself, Podman gets the network gateway cidx looked up', (t) => {
  const spec = { extraHosts: { 'host.docker.internal': 'host-gateway' } };
  t.false(needsHostGateway(spec, dockerDialect));
  t.deepEqual(containerKeyArgs(spec, dockerDialect), ['--add-host', 'host.docker.internal:host-gateway']);
  t.true(needsHostGateway(spec, podmanDialect));
  t.false(needsHostGateway({ extraHosts: { a: '10.0.0.1' } }, podmanDialect));
  t.deepEqual(containerKeyArgs(spec, podmanDialect, '10.89.0.1'), ['--add-host', 'host.docker.internal:10.89.0.1']);
  t.throws(() => containerKeyArgs(spec, podmanDialect), { message: /not resolved/ });
});

test('parseNetworkGateway reads both engines\' network inspect output, IPv4 first', (t) => {
  t.is(parseNetworkGateway(JSON.stringify([{ IPAM: { Config: [{ Subnet: 'fd00::/64', Gateway: 'fd00::1' }, { Subnet: '172.20.0.0/16', Gateway: '172.20.0.1' }] } }])), '172.20.0.1');
  t.is(parseNetworkGateway(JSON.stringify([{ name: 'cidx-x', subnets: [{ subnet: '10.89.1.0/24', gateway: '10.89.1.1' }] }])), '10.89.1.1');
  t.is(parseNetworkGateway('[]'), undefined);
});

test('an engine refusing GPUs is an error naming the service, with what to install', (t) => {
  const base = { binary: 'x', what: 'starting containers', image: undefined, spawnError: undefined, timedOut: false, address: 'local' };
  const docker = classifyFailure(
    { ...base, runtime: 'docker', args: ['create', '--name', 'cidx-1-llm', '--label', 'io.cidx.service=llm', '--gpus', 'all', 'img'], stderr: 'Error response from daemon: could not select device driver "" with capabilities: [[gpu]].' },
    dockerDialect.errors,
  );
  t.is(docker.message, 'service "llm" asks for GPUs (`gpus`), but docker has none it can give');
  t.regex(docker.hint ?? '', /NVIDIA Container Toolkit/);
  const podman = classifyFailure(
    { ...base, runtime: 'podman', service: 'llm', args: ['start', 'abc'], stderr: 'Error: unable to start container "abc": setting up CDI devices: unresolvable CDI devices nvidia.com/gpu=all' },
    podmanDialect.errors,
  );
  t.is(podman.message, 'service "llm" asks for GPUs (`gpus`), but podman has none it can give');
  t.regex(podman.details.join('\n'), /unresolvable CDI devices/);
});

test('volumeArgs: a plain named volume is `--volume`; one with labels is a `--mount` whose fields survive commas, quotes and `=`', (t) => {
  t.deepEqual(volumeArgs({ source: 'cidx-p-db.data', target: '/data' }), ['--volume', 'cidx-p-db.data:/data']);
  t.deepEqual(volumeArgs({ source: 'cidx-p-db.data', target: '/data', labels: { 'io.cidx.project': 'p', 'io.cidx.root': '/home/a,b "c"=d' } }), [
    '--mount',
    'type=volume,src=cidx-p-db.data,dst=/data,volume-label=io.cidx.project=p,"volume-label=io.cidx.root=/home/a,b ""c""=d"',
  ]);
});
