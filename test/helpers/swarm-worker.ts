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
import { rmSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { copyImage, createNetns, engineCli, removeNetns, removeOnProcessEnd, pidFromFile, startInNetns, stopDaemon, type NetnsSpec } from './netns.js';

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
/** An empty daemon.json: the host's /etc/docker/daemon.json (hosts, data-root, …) is not the worker's. */
const CONFIG_FILE = '/run/docker-cidxsw.json';
/** dockerd must see its own namespace's /sys (a fresh sysfs) but keep the host's cgroup mounts. */
const DAEMON_SCRIPT = `#!/bin/sh
set -e
mkdir -p /tmp/cidxsw-cg && mount --rbind /sys/fs/cgroup /tmp/cidxsw-cg
mount -t sysfs sysfs /sys && mount --rbind /tmp/cidxsw-cg /sys/fs/cgroup
exec dockerd --config-file ${CONFIG_FILE} --data-root ${DATA_ROOT} --exec-root ${EXEC_ROOT} --pidfile ${PID_FILE} -H unix://${SOCKET} --bip 172.31.251.1/24
`;

let made = false;
let unhook = () => {};

/** The worker's Docker CLI environment. */
export const workerEnv = { ...process.env, DOCKER_HOST: `unix://${SOCKET}` };

export async function startWorker(image: string): Promise<void> {
  removeWorker(); // a crashed (SIGKILLed) earlier run's leftover: nothing of it can be reused
  made = true;
  unhook = removeOnProcessEnd(stopWorkerSync);
  createNetns(NETNS);
  writeFileSync(SCRIPT_FILE, DAEMON_SCRIPT, { mode: 0o755 });
  writeFileSync(CONFIG_FILE, '{}\n');
  const docker = engineCli('docker', [], { DOCKER_HOST: `unix://${SOCKET}`, DOCKER_CONTEXT: undefined });
  await startInNetns(NETNS, { script: SCRIPT_FILE, log: LOG, unshare: ['-m', '--propagation', 'private'], ping: () => docker(['info', '--format', '{{.ServerVersion}}']), what: 'the worker dockerd' });
  await copyImage('docker', image, { DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined }, { args: [], env: { DOCKER_HOST: `unix://${SOCKET}`, DOCKER_CONTEXT: undefined } });
}

export async function joinWorker(): Promise<void> {
  const token = (await execa('docker', ['swarm', 'join-token', '-q', 'worker'])).stdout.trim();
  await execa('docker', ['swarm', 'join', '--advertise-addr', WORKER_ADDRESS, '--token', token, `${HOST_ADDRESS}:2377`], { env: workerEnv, timeout: 60_000 });
}

/** Synchronous: also the exit handler. The worker leaves the swarm first, then everything it made goes. */
export function stopWorkerSync(): void {
  if (!made) return;
  made = false;
  unhook();
  try {
    execFileSync('docker', ['swarm', 'leave', '--force'], { stdio: 'ignore', timeout: 60_000, env: workerEnv });
  } catch {
    // not in the swarm, or its daemon is gone: the removal below does the rest
  }
  removeWorker();
}

/** Idempotent, best effort at each step, so one failure does not leave the rest. */
function removeWorker(): void {
  stopDaemon(pidFromFile(PID_FILE));
  removeNetns(NETNS);
  for (const path of [DATA_ROOT, EXEC_ROOT, PID_FILE, SCRIPT_FILE, CONFIG_FILE, LOG, '/tmp/cidxsw-cg']) rmSync(path, { recursive: true, force: true });
}

