/**
 * `cidx port <service> [port-name|container-port[/udp]]`: prints `host:port` and nothing else, for
 * `$(cidx port qdrant http)`. A bare number picks the TCP port first (`53` is 53/tcp when both are declared).
 */
import { CidxError, ExitCode } from '../../core/errors.js';
import type { PortReport } from '../../core/model.js';
import { lookupService } from '../../core/operations.js';
import type { CommandContext } from '../context.js';
import { cliSession } from '../session.js';

export async function port(context: CommandContext): Promise<number> {
  const [serviceName, which] = context.args;
  if (!serviceName) throw new CidxError('USAGE', 'usage: cidx port <service> [port-name|container-port]');
  const session = await cliSession(context, 'port');
  const { service, container, ports } = await lookupService(session, serviceName);
  const wanted = which === undefined ? ports[0] : pickPort(ports, which);
  if (!wanted) {
    const declared = service.spec.ports.map((p) => `${p.name} (${p.protocol === 'udp' ? `${p.container}/udp` : p.container})`).join(', ') || 'none';
    throw new CidxError('USAGE', which === undefined ? `${serviceName} declares no ports` : `${serviceName} has no port "${which}"`, {
      hint: `Declared ports: ${declared}.`,
    });
  }
  if (container?.state === 'running' && wanted.host !== null && wanted.unreachable) {
    throw new CidxError('REMOTE_LOOPBACK', `${serviceName}'s ${wanted.name} port ${wanted.host} is ${wanted.unreachable}`);
  }
  if (!container || container.state !== 'running' || wanted.host === null || !wanted.url) {
    throw new CidxError(
      'SERVICE_EXITED',
      `${serviceName} is not running on ${session.runtime.name}${container ? ` (${container.state})` : ''}, so ${wanted.name} has no host port`,
      { hint: `Run \`cidx apply\` first, or pick the runtime it runs on with --runtime.` },
    );
  }
  const url = new URL(wanted.url);
  if (context.options.json) {
    process.stdout.write(`${JSON.stringify(wanted)}\n`);
  } else {
    process.stdout.write(`${url.hostname}:${wanted.host}\n`);
  }
  return ExitCode.ok;
}

/** By name, by `53/udp`, or by number (TCP before UDP). */
function pickPort(ports: PortReport[], which: string): PortReport | undefined {
  const byName = ports.find((p) => p.name === which);
  if (byName) return byName;
  const [number, protocol] = which.toLowerCase().split('/');
  const matching = ports.filter((p) => String(p.container) === number && (protocol === undefined || p.protocol === protocol));
  return matching.find((p) => p.protocol === 'tcp') ?? matching[0];
}
