/**
 * The swarm runtime's pure parts: the stack file `docker stack deploy -c -`
 * reads (env values only there, `$` kept literally), and Swarm's JSON turned
 * into what the core observes (ports at the node's address, state from tasks).
 */
import test from 'ava';
import type { ContainerSpec } from '../../../../core/model.js';
import { nodeView, observedService, serviceState, taskView, type TaskJson } from '../../../../plugins/swarm-runtime/observe.js';
import { placementOf, SWARM_LABELS } from '../../../../plugins/swarm-runtime/section.js';
import { stackFile, swarmServiceName } from '../../../../plugins/swarm-runtime/stack-file.js';

const spec: ContainerSpec = {
  name: 'cidx-abcd1234-qdrant',
  image: 'qdrant/qdrant:v1',
  command: undefined,
  env: { TOKEN: 'pa$$word ${HOME}', HTTP_PORTS: '6333' },
  labels: { 'io.cidx.project': 'abcd1234', 'io.cidx.service': 'qdrant', [SWARM_LABELS.replicas]: '1', [SWARM_LABELS.constraints]: '["node.id==n1"]' },
  ports: [{ name: 'http', container: 6333 }],
  hostIp: '127.0.0.1',
  volumes: [{ source: 'cidx-abcd1234-qdrant.storage', target: '/qdrant/storage' }],
  network: { name: 'cidx-abcd1234', aliases: ['qdrant'] },
};

test('the stack file names the service <namespace>_<service>, publishes in host mode, mounts the volume by its name and doubles every $', (t) => {
  t.is(swarmServiceName(spec), 'cidx-abcd1234_qdrant');
  const file = JSON.parse(stackFile({ spec, ports: [{ container: 6333, hostIp: '127.0.0.1', hostPort: 6333 }], placement: placementOf(spec.labels), publishMode: 'host' }));
  const service = file.services.qdrant;
  t.deepEqual(service.environment, { TOKEN: 'pa$$$$word $${HOME}', HTTP_PORTS: '6333' });
  t.deepEqual(service.ports, [{ target: 6333, published: 6333, protocol: 'tcp', mode: 'host' }]);
  t.deepEqual(service.deploy.placement, { constraints: ['node.id==n1'] });
  t.is(service.deploy.endpoint_mode, 'dnsrr', 'no IPVS needed');
  t.deepEqual(service.labels, { 'io.cidx-swarm.project': 'abcd1234' }, 'task containers do not carry io.cidx.project');
  t.deepEqual(file.volumes.v0, { external: true, name: 'cidx-abcd1234-qdrant.storage' });
  t.deepEqual(file.networks.project, { external: true, name: 'cidx-abcd1234' });
});

test('a task publishes at its node address, once per port though Docker lists it per address family', (t) => {
  const nodes = new Map([['n1', nodeView({ ID: 'n1', Description: { Hostname: 'vm' }, Status: { Addr: '0.0.0.0' }, ManagerStatus: { Addr: '127.0.0.1:2377' } })]]);
  const task: TaskJson = {
    ID: 't1',
    ServiceID: 's1',
    NodeID: 'n1',
    Slot: 1,
    DesiredState: 'running',
    Status: { State: 'running', PortStatus: { Ports: [{ TargetPort: 6333, PublishedPort: 32768 }, { TargetPort: 6333, PublishedPort: 32768 }] } },
  };
  const view = taskView(task, nodes);
  t.like(view, { node: 'vm', address: '127.0.0.1', ports: [{ container: 6333, hostIp: '127.0.0.1', hostPort: 32768 }] });
  const observed = observedService({ ID: 's1', Spec: { Name: 'cidx-abcd1234_qdrant', Labels: spec.labels, Mode: { Replicated: { Replicas: 1 } } } }, [view], false, undefined);
  t.like(observed, { id: 's1', service: 'qdrant', projectId: 'abcd1234', state: 'running' });
});

test('each task Swarm wants running is a copy of the service; only running ones have ports', (t) => {
  const nodes = new Map([['n1', nodeView({ ID: 'n1', Status: { Addr: '198.18.0.5' } })], ['n2', nodeView({ ID: 'n2', Status: { Addr: '198.18.0.6' } })]]);
  const task = (id: string, node: string, slot: number, state: string, port: number): TaskJson => ({
    ID: id,
    ServiceID: 's1',
    NodeID: node,
    Slot: slot,
    DesiredState: 'running',
    Status: { State: state, PortStatus: { Ports: [{ TargetPort: 8080, PublishedPort: port }] } },
  });
  const views = [task('t1', 'n1', 1, 'running', 32770), task('t2', 'n2', 2, 'running', 32771), task('t3', 'n2', 3, 'preparing', 32772)].map((json) => taskView(json, nodes));
  const observed = observedService({ ID: 's1', Spec: { Name: 'cidx-abcd1234_web', Labels: { ...spec.labels, 'io.cidx.service': 'web' }, Mode: { Replicated: { Replicas: 3 } } } }, views, false, undefined);
  t.deepEqual(observed.instances, [
    { name: 'web.1', ports: [{ container: 8080, hostIp: '198.18.0.5', hostPort: 32770 }] },
    { name: 'web.2', ports: [{ container: 8080, hostIp: '198.18.0.6', hostPort: 32771 }] },
    { name: 'web.3', ports: [] },
  ], 'a copy on its way is listed without ports, so its health fails by name until it runs');
  const meshed = observedService(
    { ID: 's1', Spec: { Name: 'cidx-abcd1234_web', Labels: spec.labels }, Endpoint: { Ports: [{ TargetPort: 8080, PublishedPort: 30000, PublishMode: 'ingress' }] } },
    [],
    false,
    '198.18.0.5',
  );
  t.is(meshed.instances, undefined, 'the routing mesh hides the copies behind one port');
});

test('service state: scaled to zero is exited, failing tasks are restarting, tasks on their way are created', (t) => {
  const task = (state: string) => ({ id: state, slot: 1, state, node: 'vm', address: undefined, ports: [], error: undefined, containerId: undefined });
  t.is(serviceState(0, [], false), 'exited');
  t.is(serviceState(2, [task('running'), task('running')], false), 'running');
  t.is(serviceState(1, [task('preparing')], false), 'created');
  t.is(serviceState(1, [task('pending')], true), 'restarting');
});
