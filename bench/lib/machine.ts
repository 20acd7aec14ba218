/** What the numbers were measured on: they mean nothing without it. */
import os from 'node:os';
import { timed, type Runtime } from './exec.js';
import { median } from './stats.js';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1, 5 and 15 minute load averages when the bench started: a busy machine gives noisy numbers. */
  loadAverage: number[];
  docker: string | null;
  dockerCompose: string | null;
  podman: string | null;
  /** Which runtimes answered; the others are skipped. */
  available: Runtime[];
  /** Median of `node -e 0`, whole process: the part of every cidx time that is Node's own. */
  nodeStartMs: number;
  /**
   * NODE_EXTRA_CA_CERTS, when set, and `node -e 0` without it. Node 20 reads and
   * parses that file at every start-up; pointed at a whole system CA bundle it
   * costs tens of milliseconds, which every cidx time includes and no baseline does.
   */
  extraCaCerts: { file: string; nodeStartMsWithout: number } | null;
}

const NODE_START_RUNS = 9;

async function nodeStartMs(environment: NodeJS.ProcessEnv): Promise<number> {
  const env = Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const samples: number[] = [];
  for (let run = 0; run < NODE_START_RUNS; run++) samples.push((await timed(process.execPath, ['-e', '0'], { env })).ms);
  return Math.round(median(samples)!);
}

async function firstLine(file: string, args: string[]): Promise<string | null> {
  try {
    const result = await timed(file, args, { timeout: 15_000 });
    return result.exitCode === 0 ? result.stdout.trim().split('\n')[0]?.trim() || null : null;
  } catch {
    return null;
  }
}

export async function describeMachine(): Promise<Machine> {
  const [dockerServer, dockerClient, compose, podman] = await Promise.all([
    firstLine('docker', ['version', '--format', '{{.Server.Version}}']),
    firstLine('docker', ['version', '--format', '{{.Client.Version}}']),
    firstLine('docker-compose', ['version', '--short']),
    firstLine('podman', ['version', '--format', '{{.Version}}']),
  ]);
  const podmanAnswers = podman ? (await firstLine('podman', ['info', '--format', '{{.Host.OS}}'])) !== null : false;
  const cpus = os.cpus();
  const extraCaFile = process.env.NODE_EXTRA_CA_CERTS;
  const { NODE_EXTRA_CA_CERTS: _dropped, ...withoutExtraCa } = process.env;
  const nodeStart = await nodeStartMs(process.env);
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    docker: dockerServer ? `${dockerServer}${dockerClient && dockerClient !== dockerServer ? ` (client ${dockerClient})` : ''}` : null,
    dockerCompose: compose,
    podman,
    available: [...(dockerServer ? ['docker' as const] : []), ...(podmanAnswers ? ['podman' as const] : [])],
    nodeStartMs: nodeStart,
    extraCaCerts: extraCaFile ? { file: extraCaFile, nodeStartMsWithout: await nodeStartMs(withoutExtraCa) } : null,
  };
}

/** A note for under the table when NODE_EXTRA_CA_CERTS makes every Node process on this machine slower. */
export function extraCaCertsNote(machine: Machine): string | undefined {
  if (!machine.extraCaCerts) return undefined;
  const cost = machine.nodeStartMs - machine.extraCaCerts.nodeStartMsWithout;
  return (
    `note: NODE_EXTRA_CA_CERTS=${machine.extraCaCerts.file} is set. Node reads it at every start-up: here that adds ${cost} ms ` +
    `to each cidx process and to no baseline. \`env -u NODE_EXTRA_CA_CERTS npm run bench\` measures without it.`
  );
}

export function machineLine(machine: Machine): string {
  return [
    `${machine.cpus} × ${machine.cpuModel}`,
    `${machine.memoryGiB} GiB`,
    machine.os,
    `node ${machine.node} (node -e 0: ${machine.nodeStartMs} ms${machine.extraCaCerts ? `, ${machine.extraCaCerts.nodeStartMsWithout} ms without NODE_EXTRA_CA_CERTS` : ''})`,
    `docker ${machine.docker ?? 'n/a'}`,
    `docker-compose ${machine.dockerCompose ?? 'n/a'}`,
    `podman ${machine.podman ?? 'n/a'}`,
    `load ${machine.loadAverage.join(' ')}`,
  ].join(', ');
}
