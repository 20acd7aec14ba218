import test from 'ava';
import { envVariables } from '../../../cli/commands/env.js';
import type { ServiceLookup } from '../../../core/operations.js';
import type { PortReport } from '../../../core/model.js';

const lookup = (name: string, ports: PortReport[]) => ({ service: { name }, container: undefined, ports }) as unknown as ServiceLookup;
const port = (name: string, host: number | null, url: string | null): PortReport => ({ name, container: 8080, host, hostIp: null, preferred: null, fallback: false, url });

test('HOST, PORT and URL per published port; an IPv6 host is given bare, as clients take it', (t) => {
  const vars = envVariables([
    lookup('qdrant', [port('http', 32768, 'http://127.0.0.1:32768'), port('grpc', 32769, 'http://[::1]:32769')]),
    lookup('data-cleaner', [port('http', null, null)]),
  ]);
  t.deepEqual(vars, {
    CIDX_QDRANT_HTTP_HOST: '127.0.0.1',
    CIDX_QDRANT_HTTP_PORT: '32768',
    CIDX_QDRANT_HTTP_URL: 'http://127.0.0.1:32768',
    CIDX_QDRANT_GRPC_HOST: '::1',
    CIDX_QDRANT_GRPC_PORT: '32769',
    CIDX_QDRANT_GRPC_URL: 'http://[::1]:32769',
  });
});
