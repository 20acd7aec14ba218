/** What the numbers were measured on: they mean nothing without it. */
import os from 'node:os';
import { timed, type Runtime } from './exec.js';

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
  };
}

export function machineLine(machine: Machine): string {
  return [
    `${machine.cpus} × ${machine.cpuModel}`,
    `${machine.memoryGiB} GiB`,
    machine.os,
    `node ${machine.node}`,
    `docker ${machine.docker ?? 'n/a'}`,
    `docker-compose ${machine.dockerCompose ?? 'n/a'}`,
    `podman ${machine.podman ?? 'n/a'}`,
    `load ${machine.loadAverage.join(' ')}`,
  ].join(', ');
}
