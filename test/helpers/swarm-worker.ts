/**
 * A second swarm node on the test machine: a `dockerd` in the network
 * namespace `cidxsw` (198.18.0.4/30: host .5, worker .6) with its own mount
 * namespace and sysfs, the host's cgroup mounts kept (docs/swarm.md has the
 * recipe and why). `startWorker` makes it and joins it to this engine's swarm,
 * which must be advertised on 198.18.0.5; `stopWorkerSync` (also run on exit)
 * undoes everything it made: the worker leaves, its daemon stops, the
 * namespace, the veth and the data root go.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { alive, createNetns, engineCli, removeNetns, startInNetns, type NetnsSpec } from './netns.js';

export const NAMESPACE = 'cidxsw';
export const HOST_ADDRESS = '198.18.0.5';
export const WORKER_ADDRESS = '198.18.0.6';
const NETNS: NetnsSpec = { netns: NAMESPACE, hostVeth: 'vswh', nsVeth: 'vswn', hostAddress: HOST_ADDRESS, address: WORKER_ADDRESS };
const SOCKET = '/run/docker-cidxsw.sock';
const DATA_ROOT = '/var/lib/docker-cidxsw';
const EXEC_ROOT = '/run/docker-cidxsw';
const PID_FILE = `${EXEC_ROOT}.pid`;
const SCRIPT_FILE = '/run/docker-cidxsw.sh';
const LOG = '/var/log/dockerd-cidxsw.log';
/** dockerd must see its own namespace's /sys (a fresh sysfs) but keep the host's cgroup mounts. */
const DAEMON_SCRIPT = `#!/bin/sh
set -e
mkdir -p /tmp/cidxsw-cg && mount --rbind /sys/fs/cgroup /tmp/cidxsw-cg
mount -t sysfs sysfs /sys && mount --rbind /tmp/cidxsw-cg /sys/fs/cgroup
exec dockerd --data-root ${DATA_ROOT} --exec-root ${EXEC_ROOT} --pidfile ${PID_FILE} -H unix://${SOCKET} --bip 172.31.251.1/24
`;

let made = false;

/** The worker's Docker CLI environment. */
export const workerEnv = { ...process.env, DOCKER_HOST: `unix://${SOCKET}` };

export async function startWorker(image: string): Promise<void> {
  removeWorker(); // a crashed (SIGKILLed) earlier run's leftover: nothing of it can be reused
  made = true;
  process.once('exit', stopWorkerSync);
  createNetns(NETNS);
  writeFileSync(SCRIPT_FILE, DAEMON_SCRIPT, { mode: 0o755 });
  const docker = engineCli('docker', [], { DOCKER_HOST: `unix://${SOCKET}`, DOCKER_CONTEXT: undefined });
  await startInNetns(NETNS, { script: SCRIPT_FILE, log: LOG, unshare: ['-m', '--propagation', 'private'], ping: () => docker(['info', '--format', '{{.ServerVersion}}']), what: 'the worker dockerd' });
  // No registry: the worker gets the test image the way a user without one would.
  const save = execa('docker', ['save', image], { buffer: false, encoding: 'buffer' });
  await Promise.all([save, execa('docker', ['load'], { env: workerEnv, input: save.stdout!, timeout: 120_000 })]);
}

export async function joinWorker(): Promise<void> {
  const token = (await execa('docker', ['swarm', 'join-token', '-q', 'worker'])).stdout.trim();
  await execa('docker', ['swarm', 'join', '--advertise-addr', WORKER_ADDRESS, '--token', token, `${HOST_ADDRESS}:2377`], { env: workerEnv, timeout: 60_000 });
}

/** Synchronous: also the exit handler. The worker leaves the swarm first, then everything it made goes. */
export function stopWorkerSync(): void {
  if (!made) return;
  made = false;
  try {
    execFileSync('docker', ['swarm', 'leave', '--force'], { stdio: 'ignore', timeout: 60_000, env: workerEnv });
  } catch {
    // not in the swarm, or its daemon is gone: the removal below does the rest
  }
  removeWorker();
}

/** Idempotent, best effort at each step, so one failure does not leave the rest. */
function removeWorker(): void {
  // dockerd stops its containers on the way out; give it a few seconds before the namespace's processes are killed.
  try {
    const pid = Number(readFileSync(PID_FILE, 'utf8'));
    if (Number.isInteger(pid) && pid > 1) {
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 30 && alive(pid); i++) execFileSync('sleep', ['0.5']);
    }
  } catch {
    // no daemon left
  }
  removeNetns(NETNS);
  for (const path of [DATA_ROOT, EXEC_ROOT, PID_FILE, SCRIPT_FILE, LOG, '/tmp/cidxsw-cg']) rmSync(path, { recursive: true, force: true });
}
