/**
 * A second swarm node on the test machine: a `dockerd` in the network
 * namespace `cidxsw` (198.18.0.4/30: host .5, worker .6) with its own mount
 * namespace and sysfs, the host's cgroup mounts kept (docs/swarm.md has the
 * recipe and why). `startWorker` makes it and joins it to this engine's swarm,
 * which must be advertised on 198.18.0.5; `stopWorker` (also run on exit)
 * undoes everything it made: the worker leaves, its daemon stops, the
 * namespace, the veth and the data root go.
 */
import { execFileSync } from 'node:child_process';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { execa } from 'execa';

export const NAMESPACE = 'cidxsw';
export const HOST_ADDRESS = '198.18.0.5';
export const WORKER_ADDRESS = '198.18.0.6';
const SOCKET = '/run/docker-cidxsw.sock';
const DATA_ROOT = '/var/lib/docker-cidxsw';
const EXEC_ROOT = '/run/docker-cidxsw';
const HOST_VETH = 'vswh';
const NS_VETH = 'vswn';
/** dockerd must see its own namespace's /sys (a fresh sysfs) but keep the host's cgroup mounts. */
const DAEMON_SCRIPT = [
  'mkdir -p /tmp/cidxsw-cg && mount --rbind /sys/fs/cgroup /tmp/cidxsw-cg',
  'mount -t sysfs sysfs /sys && mount --rbind /tmp/cidxsw-cg /sys/fs/cgroup',
  `exec dockerd --data-root ${DATA_ROOT} --exec-root ${EXEC_ROOT} --pidfile ${EXEC_ROOT}.pid -H unix://${SOCKET} --bip 172.31.251.1/24`,
].join('\n');

let daemon: ChildProcess | undefined;
let made = false;

/** The worker's Docker CLI environment. */
export const workerEnv = { ...process.env, DOCKER_HOST: `unix://${SOCKET}` };

function ip(args: string[]) {
  return execa('ip', args, { timeout: 30_000 });
}

/** A crashed (SIGKILLed) earlier run leaves its daemon, namespace, link and data root: nothing of it can be reused. */
function removeLeftover(): void {
  try {
    const pid = Number(readFileSync(`${EXEC_ROOT}.pid`, 'utf8'));
    if (Number.isInteger(pid) && pid > 1) {
      process.kill(pid, 'SIGKILL');
      execFileSync('sleep', ['1']);
    }
  } catch {
    // no leftover daemon
  }
  for (const args of [['netns', 'del', NAMESPACE], ['link', 'del', HOST_VETH]]) {
    try {
      execFileSync('ip', args, { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // nothing to remove
    }
  }
  for (const dir of [DATA_ROOT, EXEC_ROOT, `${EXEC_ROOT}.pid`]) rmSync(dir, { recursive: true, force: true });
}

export async function startWorker(image: string): Promise<void> {
  removeLeftover();
  made = true;
  process.once('exit', stopWorkerSync);
  await ip(['netns', 'add', NAMESPACE]);
  await ip(['link', 'add', HOST_VETH, 'type', 'veth', 'peer', 'name', NS_VETH]);
  await ip(['link', 'set', NS_VETH, 'netns', NAMESPACE]);
  await ip(['addr', 'add', `${HOST_ADDRESS}/30`, 'dev', HOST_VETH]);
  await ip(['link', 'set', HOST_VETH, 'up']);
  const inNs = (args: string[]) => ip(['netns', 'exec', NAMESPACE, 'ip', ...args]);
  await inNs(['addr', 'add', `${WORKER_ADDRESS}/30`, 'dev', NS_VETH]);
  await inNs(['link', 'set', NS_VETH, 'up']);
  await inNs(['link', 'set', 'lo', 'up']);
  await inNs(['route', 'add', 'default', 'via', HOST_ADDRESS]);
  daemon = spawn('nsenter', [`--net=/var/run/netns/${NAMESPACE}`, 'unshare', '-m', '--propagation', 'private', '/bin/sh', '-c', DAEMON_SCRIPT], { stdio: 'ignore', detached: true });
  for (let attempt = 0; ; attempt++) {
    const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { env: workerEnv, reject: false, timeout: 10_000 });
    if (info.exitCode === 0) break;
    if (attempt > 60) throw new Error(`the worker dockerd did not answer within 60 s: ${info.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  // No registry: the worker gets the test image the way a user without one would.
  const save = execa('docker', ['save', image], { buffer: false, encoding: 'buffer' });
  await Promise.all([save, execa('docker', ['load'], { env: workerEnv, input: save.stdout!, timeout: 120_000 })]);
}

export async function joinWorker(): Promise<void> {
  const token = (await execa('docker', ['swarm', 'join-token', '-q', 'worker'])).stdout.trim();
  await execa('docker', ['swarm', 'join', '--advertise-addr', WORKER_ADDRESS, '--token', token, `${HOST_ADDRESS}:2377`], { env: workerEnv, timeout: 60_000 });
}

/** Synchronous: also the exit handler. Each step is best effort, so one failure does not leave the rest. */
export function stopWorkerSync(): void {
  if (!made) return;
  made = false;
  const quiet = { stdio: 'ignore' as const, timeout: 60_000 };
  const attempt = (file: string, args: string[], env?: NodeJS.ProcessEnv) => {
    try {
      execFileSync(file, args, env ? { ...quiet, env } : quiet);
    } catch {
      // best effort
    }
  };
  attempt('docker', ['swarm', 'leave', '--force'], workerEnv);
  // The manager forgets the node (it is down now); only nodes of this file's swarm are removed.
  if (daemon?.pid) {
    try {
      process.kill(-daemon.pid, 'SIGTERM');
    } catch {
      // gone already
    }
    for (let i = 0; i < 40; i++) {
      try {
        process.kill(-daemon.pid, 0);
        execFileSync('sleep', ['0.5']);
      } catch {
        break;
      }
    }
  }
  daemon = undefined;
  attempt('ip', ['netns', 'del', NAMESPACE]);
  attempt('ip', ['link', 'del', HOST_VETH]);
  rmSync(DATA_ROOT, { recursive: true, force: true });
  rmSync(EXEC_ROOT, { recursive: true, force: true });
}
