/**
 * A network namespace that stands for another machine: a veth pair, a /30
 * between this machine (`hostAddress`) and the namespace (`address`), and a
 * default route back. The remote-engine helpers run a daemon in one.
 *
 * Making and removing are synchronous, so removal also runs from a process exit handler;
 * removal is idempotent and also clears a crashed earlier run's leftover.
 * Every call is an argument array. Needs root and iproute2.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { TestFn } from 'ava';
import { execa, execaSync } from 'execa';

export interface NetnsSpec {
  /** `ip netns` name. */
  netns: string;
  /** This machine's end of the veth pair. */
  hostVeth: string;
  /** The namespace's end. */
  nsVeth: string;
  /** This machine's address on the /30. */
  hostAddress: string;
  /** The namespace's address: where its "machine" is reached from here. */
  address: string;
}

/** Runs a command; throws with its stderr when it fails. */
export function sh(file: string, args: string[]): void {
  const result = execaSync(file, args, { reject: false, stdin: 'ignore' });
  if (result.exitCode !== 0) throw new Error(`\`${file} ${args.join(' ')}\` failed: ${result.stderr}`);
}

export function createNetns(spec: NetnsSpec): void {
  sh('ip', ['netns', 'add', spec.netns]);
  sh('ip', ['link', 'add', spec.hostVeth, 'type', 'veth', 'peer', 'name', spec.nsVeth]);
  sh('ip', ['link', 'set', spec.nsVeth, 'netns', spec.netns]);
  sh('ip', ['addr', 'add', `${spec.hostAddress}/30`, 'dev', spec.hostVeth]);
  sh('ip', ['link', 'set', spec.hostVeth, 'up']);
  const inNs = (args: string[]) => sh('ip', ['netns', 'exec', spec.netns, ...args]);
  inNs(['ip', 'addr', 'add', `${spec.address}/30`, 'dev', spec.nsVeth]);
  inNs(['ip', 'link', 'set', spec.nsVeth, 'up']);
  inNs(['ip', 'link', 'set', 'lo', 'up']);
  inNs(['ip', 'route', 'add', 'default', 'via', spec.hostAddress]);
}

/** Whether a process runs. A zombie counts as gone: a daemon may be this process's child, which a blocked event loop cannot reap yet. */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Kills whatever still runs in the namespace (nothing of it may survive), then removes the namespace and the veth pair. */
export function removeNetns(spec: NetnsSpec): void {
  if (existsSync(`/var/run/netns/${spec.netns}`)) {
    const left = execaSync('ip', ['netns', 'pids', spec.netns], { reject: false }).stdout ?? '';
    for (const line of left.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(line), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    execaSync('ip', ['netns', 'del', spec.netns], { reject: false });
  }
  if (existsSync(`/sys/class/net/${spec.hostVeth}`)) execaSync('ip', ['link', 'del', spec.hostVeth], { reject: false });
}

/**
 * Runs `remove` however this process ends: normally, or by SIGINT/SIGTERM
 * (after which it exits 130). Returns what takes those hooks off again.
 */
export function removeOnProcessEnd(remove: () => void): () => void {
  const onSignal = () => {
    remove();
    process.exit(130);
  };
  process.once('exit', remove);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  return () => {
    process.off('exit', remove);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
  };
}

/**
 * Starts something (an engine in a namespace) before a test file's tests and
 * removes it after them, in every outcome (see removeOnProcessEnd). The
 * getter throws if it did not start.
 */
export function useForFile<T>(test: TestFn, what: string, start: () => Promise<T>, remove: () => void): () => T {
  let made: T | undefined;
  let unhook = () => {};
  test.before(async () => {
    unhook = removeOnProcessEnd(remove);
    made = await start();
  });
  test.after.always(() => {
    remove();
    unhook();
  });
  return () => {
    if (made === undefined) throw new Error(`${what} did not start`);
    return made;
  };
}

/** No registry: an image goes from this machine's engine to another the way a user without one would move it. */
export async function copyImage(binary: string, image: string, from: Record<string, string | undefined>, to: { args: string[]; env: Record<string, string | undefined> }): Promise<void> {
  const save = execa(binary, ['save', image], { env: from, buffer: false, encoding: 'buffer' });
  await Promise.all([save, execa(binary, [...to.args, 'load'], { env: to.env, input: save.stdout!, timeout: 120_000 })]);
}

/** The pid a daemon wrote to its pidfile, if it wrote one. */
export function pidFromFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Asks a daemon to stop (it stops its containers on the way out) and waits up to `graceMs`; a process already gone is fine. */
export function stopDaemon(pid: number | undefined, graceMs = 15_000): void {
  if (pid === undefined || !alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // gone meanwhile
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) execaSync('sleep', ['0.1']);
  // Still there: removeNetns kills what is left in the namespace.
}

export interface NamespacedDaemon {
  /** An executable script (a fixed text) that execs the daemon. */
  script: string;
  /** Where its output goes; its tail is shown should it not start. */
  log: string;
  /** `unshare` flags: a private mount namespace at least. */
  unshare: string[];
  /** Resolves once the daemon answers; rejects while it does not yet. */
  ping: () => Promise<unknown>;
  /** `the remote dockerd`: for the error. */
  what: string;
}

/** Runs a daemon in the namespace (detached: removeNetns ends it) and waits until it answers, or throws with its log's tail. */
export async function startInNetns(spec: NetnsSpec, daemon: NamespacedDaemon, timeoutMs = 60_000): Promise<void> {
  const child = execa('nsenter', [`--net=/var/run/netns/${spec.netns}`, 'unshare', ...daemon.unshare, daemon.script], {
    stdin: 'ignore',
    stdout: { file: daemon.log },
    stderr: { file: daemon.log },
    detached: true,
    reject: false,
  });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await daemon.ping().then(() => true, () => false)) return;
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = existsSync(daemon.log) ? readFileSync(daemon.log, 'utf8').split('\n').slice(-20).join('\n') : '';
      throw new Error(`${daemon.what} did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A CLI bound to one engine: resolves with stdout, throws with stderr. */
export function engineCli(file: string, leading: string[], env: Record<string, string | undefined>): (args: string[]) => Promise<string> {
  return async (args) => {
    const result = await execa(file, [...leading, ...args], { env, reject: false, stdin: 'ignore', timeout: 60_000 });
    if (result.exitCode !== 0) throw new Error(`remote \`${file} ${args.join(' ')}\` failed: ${result.stderr}`);
    return result.stdout;
  };
}
