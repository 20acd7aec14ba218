/**
 * A single-node swarm on the test machine's Docker engine, for the swarm
 * runtime's tests. `useSwarm(test)` makes the engine a swarm manager
 * (`docker swarm init --advertise-addr 127.0.0.1`) only when it is in no
 * swarm yet, and in every outcome (the file's `after.always`, the worker's
 * exit or a signal) undoes exactly what it did: `docker swarm leave --force`,
 * and `docker_gwbridge` removed if the init created it. An engine that was a
 * swarm manager already is used as it is and left so.
 *
 * Swarm mode leaves the engine's plain containers alone (they keep their
 * bridge networks); other test files run theirs on the same engine meanwhile.
 * Only a file that uses this helper touches swarm mode.
 */
import { execFileSync } from 'node:child_process';
import type { TestFn } from 'ava';
import { execa } from 'execa';

const GWBRIDGE = 'docker_gwbridge';

interface Made {
  swarm: boolean;
  gwbridge: boolean;
}

let made: Made | undefined;
let ready: Promise<void> | undefined;

async function docker(args: string[]): Promise<string> {
  return (await execa('docker', args, { timeout: 60_000 })).stdout.trim();
}

async function swarmState(): Promise<string> {
  return docker(['info', '--format', '{{.Swarm.LocalNodeState}}']);
}

async function hasNetwork(name: string): Promise<boolean> {
  return (await docker(['network', 'ls', '--quiet', '--filter', `name=^${name}$`])) !== '';
}

async function init(): Promise<void> {
  const state = await swarmState();
  if (state === 'active') {
    const manager = await docker(['info', '--format', '{{.Swarm.ControlAvailable}}']);
    if (manager !== 'true') throw new Error('this engine is a swarm worker; the swarm tests need a manager (or no swarm at all)');
    return;
  }
  if (state !== 'inactive') throw new Error(`this engine's swarm is ${state}; the swarm tests need a manager or no swarm at all`);
  const gwbridgeBefore = await hasNetwork(GWBRIDGE);
  made = { swarm: true, gwbridge: !gwbridgeBefore };
  process.once('exit', leaveSync);
  process.once('SIGTERM', leaveOnSignal);
  process.once('SIGINT', leaveOnSignal);
  await docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
}

/** Undoes what `init` did, synchronously: the process may be on its way out. */
function leaveSync(): void {
  if (!made) return;
  const { gwbridge } = made;
  made = undefined;
  try {
    execFileSync('docker', ['swarm', 'leave', '--force'], { stdio: 'ignore', timeout: 60_000 });
  } catch {
    // best effort: reported by the next run's init, which finds the engine still in a swarm
  }
  if (gwbridge) {
    try {
      execFileSync('docker', ['network', 'rm', GWBRIDGE], { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // in use by a container someone else attached to it since: not ours to force
    }
  }
}

function leaveOnSignal(signal: NodeJS.Signals): void {
  leaveSync();
  process.kill(process.pid, signal);
}

/**
 * Registers the swarm for this test file: call once at the top, then
 * `await swarmReady()` in each test. Leaves the swarm after the last test,
 * whether it passed or not.
 */
export function useSwarm(test: TestFn): void {
  test.after.always('leave the swarm this file made', () => leaveSync());
}

export function swarmReady(): Promise<void> {
  ready ??= init();
  return ready;
}

/**
 * Makes the swarm this file made again, advertised on `address` (a worker
 * in a network namespace cannot reach a manager advertised on 127.0.0.1).
 * Refuses a swarm it did not make: that one is the machine owner's.
 */
export async function readvertiseSwarm(address: string): Promise<void> {
  await swarmReady();
  if (!made) throw new Error('the engine was in a swarm before this test file: the multi-node test needs one it can make and leave');
  const { gwbridge } = made;
  await docker(['swarm', 'leave', '--force']);
  await docker(['swarm', 'init', '--advertise-addr', address]);
  made = { swarm: true, gwbridge };
}

/** Swarm services carrying `label` (e.g. `io.cidx.project=<id>`). */
export async function swarmServices(label: string): Promise<string[]> {
  const out = await docker(['service', 'ls', '--format', '{{.Name}}', '--filter', `label=${label}`]);
  return out.split('\n').filter(Boolean).sort();
}

/** Removes a test project's Swarm services, network and volumes (best effort, for teardown). */
export async function removeSwarmProject(projectId: string): Promise<void> {
  const ids = (await execa('docker', ['service', 'ls', '--quiet', '--filter', `label=io.cidx.project=${projectId}`], { reject: false })).stdout.split('\n').filter(Boolean);
  if (ids.length) await execa('docker', ['service', 'rm', ...ids], { reject: false });
  // Task containers go away shortly after their service; the network and volumes only then.
  for (let attempt = 0; attempt < 100; attempt++) {
    const left = (await execa('docker', ['ps', '--all', '--quiet', '--filter', `label=io.cidx-swarm.project=${projectId}`], { reject: false })).stdout.trim();
    if (!left) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await execa('docker', ['network', 'rm', `cidx-${projectId}`], { reject: false });
  const volumes = (await execa('docker', ['volume', 'ls', '--quiet', '--filter', `name=cidx-${projectId}-`], { reject: false })).stdout.split('\n').filter(Boolean);
  if (volumes.length) await execa('docker', ['volume', 'rm', ...volumes], { reject: false });
}
