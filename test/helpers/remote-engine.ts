/**
 * A second Docker engine on this machine that behaves like a remote one: a
 * `dockerd` in its own network namespace (`cidxr2`, 198.18.0.2), reachable
 * over TCP only, with its own loopback, so a port it publishes on 127.0.0.1
 * is as unreachable from here as one on another machine's loopback (recipe:
 * shared/RUNTIMES.md, "A second engine on the same machine").
 *
 * One engine per test file: `useRemoteEngine(test)` starts it in `before`
 * (~5-20 s), loads the test image into it, and removes everything (daemon,
 * namespace, veth, data and exec roots) in `after.always` and, should the
 * process die first, in an exit handler. A leftover of a crashed earlier run
 * is removed before starting. Needs root, iproute2 and util-linux.
 *
 * The namespace also runs an `sshd` (198.18.0.2:22, its own host key, one
 * authorized key, both made per run), whose sessions talk to this engine, so
 * `DOCKER_HOST=ssh://root@198.18.0.2` works as it does for a real build box.
 * The docker CLI runs `ssh` from PATH: `sshEnv` puts a wrapper first on PATH
 * that hands ssh the run's own config (key, known host), so the user's
 * ~/.ssh is neither read nor written.
 *
 * Every call is an argument array: the scripts are fixed texts, with nothing
 * interpolated from outside but this file's constants.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { TestFn } from 'ava';
import { copyImage, createNetns, engineCli, removeNetns, sh, pidFromFile, startInNetns, stopDaemon, useForFile } from './netns.js';
import { TEST_IMAGE } from './runtime.js';

export const REMOTE = Object.freeze({
  netns: 'cidxr2',
  hostVeth: 'cidxr2h',
  nsVeth: 'cidxr2n',
  hostAddress: '198.18.0.1',
  /** The engine's address as seen from this machine. */
  address: '198.18.0.2',
  port: 2375,
  dataRoot: '/var/lib/docker-cidxr2',
  execRoot: '/run/docker-cidxr2',
  pidFile: '/run/docker-cidxr2.pid',
  socket: '/run/docker-cidxr2.sock',
  script: '/run/docker-cidxr2.sh',
  /** An empty daemon.json: the host's /etc/docker/daemon.json (hosts, data-root, …) is not this engine's. */
  config: '/run/docker-cidxr2.json',
  log: '/var/log/dockerd-cidxr2.log',
  /** sshd's config, keys and the ssh wrapper: made per run, removed with the rest. */
  sshDir: '/run/cidxr2-ssh',
});

export const REMOTE_DOCKER_HOST = `tcp://${REMOTE.address}:${REMOTE.port}`;

/**
 * dockerd must see its own namespace's /sys (its bridge's sysfs files) yet
 * keep the host's cgroup mounts: mount both in a private mount namespace.
 */
const SCRIPT = `#!/bin/sh
set -e
mkdir -p /tmp/cidxr2-cg && mount --rbind /sys/fs/cgroup /tmp/cidxr2-cg
mount -t sysfs sysfs /sys && mount --rbind /tmp/cidxr2-cg /sys/fs/cgroup
exec dockerd --config-file ${REMOTE.config} --data-root ${REMOTE.dataRoot} --exec-root ${REMOTE.execRoot} --pidfile ${REMOTE.pidFile} \\
  -H unix://${REMOTE.socket} -H tcp://${REMOTE.address}:${REMOTE.port} --bip 172.31.250.1/24
`;

/** sshd refuses to start without it; a machine that runs sshd already has it. */
const PRIVSEP_DIR = '/run/sshd';

const SSHD_CONFIG = `ListenAddress ${REMOTE.address}:22
HostKey ${REMOTE.sshDir}/host_key
AuthorizedKeysFile ${REMOTE.sshDir}/client_key.pub
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PidFile ${REMOTE.sshDir}/sshd.pid
SetEnv DOCKER_HOST=unix://${REMOTE.socket}
`;

/** The client side: this run's key, and the engine's host key as the only known host. Never the user's ~/.ssh. */
const SSH_CONFIG = `Host ${REMOTE.address}
  IdentityFile ${REMOTE.sshDir}/client_key
  IdentitiesOnly yes
  UserKnownHostsFile ${REMOTE.sshDir}/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
`;

/** What the docker CLI runs as `ssh`: the real one, with this run's config. */
const SSH_WRAPPER = `#!/bin/sh
exec /usr/bin/ssh -F ${REMOTE.sshDir}/ssh_config "$@"
`;


export interface RemoteEngine {
  /** `tcp://198.18.0.2:2375` */
  dockerHost: string;
  /** The engine's host as URLs name it: `198.18.0.2`. */
  address: string;
  /** Runs the docker CLI against the remote engine; resolves with stdout. */
  docker(args: string[]): Promise<string>;
  /** The same engine through its sshd: `ssh://root@198.18.0.2`. */
  sshDockerHost: string;
  /** Env for a process that reaches the engine over ssh: DOCKER_HOST, and PATH with the ssh wrapper first. */
  sshEnv(): Record<string, string | undefined>;
}


/** Synchronous, so it also runs from a process exit handler. Idempotent: each step checks before it acts. */
export function removeRemoteEngine(): void {
  stopDaemon(pidFromFile(REMOTE.pidFile));
  // Its containerd, shims and sshd live in the namespace too (and dockerd, should it not have stopped): nothing of it may survive.
  removeNetns(REMOTE);
  // The daemon's mounts were in its private mount namespace: gone with it, so the roots are plain directories now.
  if (existsSync(`${REMOTE.sshDir}/made-privsep-dir`)) rmSync(PRIVSEP_DIR, { recursive: true, force: true });
  for (const file of [REMOTE.dataRoot, REMOTE.execRoot, REMOTE.pidFile, REMOTE.socket, REMOTE.script, REMOTE.config, REMOTE.log, REMOTE.sshDir, '/tmp/cidxr2-cg']) {
    rmSync(file, { recursive: true, force: true });
  }
}

export async function startRemoteEngine(): Promise<RemoteEngine> {
  removeRemoteEngine(); // a crashed earlier run's leftover
  createNetns(REMOTE);
  writeFileSync(REMOTE.script, SCRIPT, { mode: 0o755 });
  writeFileSync(REMOTE.config, '{}\n');
  const docker = engineCli('docker', [], { DOCKER_HOST: REMOTE_DOCKER_HOST, DOCKER_CONTEXT: undefined });
  await startInNetns(REMOTE, {
    script: REMOTE.script,
    log: REMOTE.log,
    unshare: ['-m', '--propagation', 'private'],
    ping: () => docker(['info', '--format', '{{.ServerVersion}}']),
    what: 'the remote dockerd',
  });
  startSshd();
  await copyImage('docker', TEST_IMAGE, { DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined }, { args: [], env: { DOCKER_HOST: REMOTE_DOCKER_HOST, DOCKER_CONTEXT: undefined } });
  const sshEnv = () => ({ DOCKER_HOST: `ssh://root@${REMOTE.address}`, DOCKER_CONTEXT: undefined, PATH: `${REMOTE.sshDir}/bin:${process.env.PATH ?? ''}` });
  return { dockerHost: REMOTE_DOCKER_HOST, address: REMOTE.address, docker, sshDockerHost: `ssh://root@${REMOTE.address}`, sshEnv };
}

/** sshd in the namespace (it daemonizes there, so removeRemoteEngine's sweep of the namespace's processes ends it). */
function startSshd(): void {
  const dir = REMOTE.sshDir;
  mkdirSync(`${dir}/bin`, { recursive: true, mode: 0o700 });
  for (const key of ['host_key', 'client_key']) sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `cidx-test-${key}`, '-f', `${dir}/${key}`]);
  writeFileSync(`${dir}/sshd_config`, SSHD_CONFIG);
  writeFileSync(`${dir}/ssh_config`, SSH_CONFIG);
  writeFileSync(`${dir}/bin/ssh`, SSH_WRAPPER, { mode: 0o755 });
  const hostKey = readFileSync(`${dir}/host_key.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(`${dir}/known_hosts`, `${REMOTE.address} ${hostKey}\n`);
  // Its privilege-separation directory; removed again with the engine when this run made it.
  if (!existsSync(PRIVSEP_DIR)) {
    mkdirSync(PRIVSEP_DIR);
    writeFileSync(`${REMOTE.sshDir}/made-privsep-dir`, '');
  }
  sh('ip', ['netns', 'exec', REMOTE.netns, '/usr/sbin/sshd', '-f', `${dir}/sshd_config`, '-E', `${dir}/sshd.log`]);
}

/**
 * Starts the engine before the file's tests and removes it after them, in
 * every outcome. The getter throws if the engine did not start.
 */
export function useRemoteEngine(test: TestFn): () => RemoteEngine {
  return useForFile(test, 'the remote engine', startRemoteEngine, removeRemoteEngine);
}
