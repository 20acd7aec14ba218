/**
 * A swarm runtime is keyed by the manager its Docker CLI talks to: two swarms
 * never share a port cache or a project lock, and URLs stay the tasks' node
 * addresses (the endpoint is never treated as a remote host to rewrite to).
 */
import test from 'ava';
import { endpointKey } from '../../../../core/engine-endpoint.js';
import { SwarmRuntime } from '../../../../plugins/swarm-runtime/swarm-runtime.js';

test('the endpoint is the manager the CLI talks to; URLs are left to the node addresses', (t) => {
  const here = new SwarmRuntime({ env: { HOME: '/nonexistent' } });
  const there = new SwarmRuntime({ env: { HOME: '/nonexistent', DOCKER_HOST: 'tcp://manager-b:2375' } });
  t.is(there.endpoint.uri, 'tcp://manager-b:2375');
  t.is(there.endpoint.source, 'DOCKER_HOST');
  t.not(endpointKey(here), endpointKey(there));
  t.true(there.endpoint.local, 'never rewritten to the manager: each task publishes on its own node');
  t.is(there.endpoint.host, undefined);
});
