/**
 * A second Podman engine on this machine that behaves like a remote one:
 * `podman system service` listening on tcp://198.18.0.10:8888 inside the
 * network namespace `cidxp2`, with its own storage, volumes, networks and
 * run directories, so it shares nothing with the host's Podman but the
 * binaries and /etc/containers. It runs in private mount and PID namespaces:
 * its own /dev/shm (Podman's lock table) and /run/netns (its containers'
 * network namespaces), and killing it kills every container it started.
 *
 * One engine per test file: `useRemotePodman(test)` starts it in `before`
 * (a few seconds), loads the test image into it, and removes everything
 * (processes, namespace, veth, storage) in `after.always` and, should the
 * process die first, in an exit handler. A crashed earlier run's leftover
 * is removed before starting. Needs root, iproute2 and util-linux.
 */
import { rmSync, writeFileSync } from 'node:fs';
import type { TestFn } from 'ava';
import { copyImage, createNetns, engineCli, removeNetns, startInNetns, useForFile } from './netns.js';
import { TEST_IMAGE } from './runtime.js';

export const REMOTE_PODMAN = Object.freeze({
  netns: 'cidxp2',
  hostVeth: 'cidxp2h',
  nsVeth: 'cidxp2n',
  hostAddress: '198.18.0.9',
  /** The engine's address as seen from this machine. */
  address: '198.18.0.10',
  port: 8888,
  /** Storage and named volumes. */
  root: '/var/lib/podman-cidxp2',
  /** Run state, temporary files and network configs. */
  runRoot: '/run/podman-cidxp2',
  script: '/run/podman-cidxp2.sh',
  log: '/var/log/podman-cidxp2.log',
});

export const REMOTE_CONTAINER_HOST = `tcp://${REMOTE_PODMAN.address}:${REMOTE_PODMAN.port}`;

const { root, runRoot } = REMOTE_PODMAN;
const SCRIPT = `#!/bin/sh
set -e
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run/netns
exec podman --root ${root}/storage --volumepath ${root}/volumes --runroot ${runRoot}/run --tmpdir ${runRoot}/tmp \\
  --network-config-dir ${runRoot}/networks system service --time=0 ${REMOTE_CONTAINER_HOST}
`;


export interface RemotePodman {
  /** `tcp://198.18.0.10:8888` */
  containerHost: string;
  /** The engine's host as URLs name it: `198.18.0.10`. */
  address: string;
  /** Runs `podman --remote` against this engine; resolves with stdout. */
  podman(args: string[]): Promise<string>;
}

/** Env for a podman client of this engine only (no connection of the user's applies). */
export const remotePodmanEnv = () => ({ CONTAINER_HOST: REMOTE_CONTAINER_HOST, CONTAINER_CONNECTION: undefined });

/** Synchronous, so it also runs from a process exit handler. Idempotent. */
export function removeRemotePodman(): void {
  // The service is the init of its PID namespace: killing it (with everything else in the network namespace) ends its containers too.
  removeNetns(REMOTE_PODMAN);
  // Its mounts were in its private mount namespace: gone with it, so these are plain files now.
  for (const file of [root, runRoot, REMOTE_PODMAN.script, REMOTE_PODMAN.log]) rmSync(file, { recursive: true, force: true });
}

export async function startRemotePodman(): Promise<RemotePodman> {
  removeRemotePodman(); // a crashed earlier run's leftover
  createNetns(REMOTE_PODMAN);
  writeFileSync(REMOTE_PODMAN.script, SCRIPT, { mode: 0o755 });
  const podman = engineCli('podman', ['--remote'], remotePodmanEnv());
  await startInNetns(REMOTE_PODMAN, {
    script: REMOTE_PODMAN.script,
    log: REMOTE_PODMAN.log,
    // Its own PID namespace: the service is its init, so its end ends every container it started.
    unshare: ['-m', '-p', '-f', '--propagation', 'private', '--mount-proc'],
    ping: () => podman(['info', '--format', '{{.Store.GraphRoot}}']),
    what: 'the remote podman service',
  });
  await copyImage('podman', TEST_IMAGE, { CONTAINER_HOST: undefined, CONTAINER_CONNECTION: undefined }, { args: ['--remote'], env: remotePodmanEnv() });
  return { containerHost: REMOTE_CONTAINER_HOST, address: REMOTE_PODMAN.address, podman };
}

/** Starts the engine before the file's tests and removes it after them, in every outcome. The getter throws if it did not start. */
export function useRemotePodman(test: TestFn): () => RemotePodman {
  return useForFile(test, 'the remote podman engine', startRemotePodman, removeRemotePodman);
}
