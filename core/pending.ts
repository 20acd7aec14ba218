/**
 * What cidx is waiting for right now, in words. A promise that never settles
 * (a config's `export default new Promise(…)` without a resolve, a plugin's
 * hook that forgets to return) leaves Node with nothing to do, and Node then
 * exits quietly with status 0 while the command is unfinished. The launcher
 * (cli/launch.ts) notices that moment and names what was still pending, from
 * this list.
 *
 * The list lives on `globalThis` under a registered symbol: the launcher, the
 * bundled CLI and the `cidx` a config imports are separate copies of this module.
 */
const KEY = Symbol.for('cidx.pending');

interface Waiting {
  what: string;
}

function waiting(): Set<Waiting> {
  const global = globalThis as Record<symbol, Set<Waiting> | undefined>;
  return (global[KEY] ??= new Set());
}

/** Resolves as `work` does, with `what` listed as pending until then. */
export function whilePending<T>(what: string, work: Promise<T>): Promise<T> {
  const entry = { what };
  const set = waiting();
  set.add(entry);
  return work.finally(() => set.delete(entry));
}

/** Descriptions of everything still pending, oldest first. */
export function pendingNow(): string[] {
  return [...waiting()].map((entry) => entry.what);
}

interface TapInfo {
  type: 'sync' | 'async' | 'promise';
  name: string;
  fn: (...args: unknown[]) => unknown;
}

interface InterceptableHook {
  intercept(interceptor: { register?: (tap: TapInfo) => TapInfo }): void;
}

const tracked = new WeakSet<object>();

/**
 * Lists every promise-returning or callback tap of `hooks` as pending while it
 * runs ("plugin my-plugin's checkHealth tap"). Installed once per hooks object,
 * and only when a config brings plugins of its own: cidx's taps need no watching.
 */
export function trackHooks(hooks: object): void {
  if (tracked.has(hooks)) return;
  tracked.add(hooks);
  for (const [hookName, hook] of Object.entries(hooks)) {
    if (typeof (hook as Partial<InterceptableHook>)?.intercept !== 'function') continue;
    (hook as InterceptableHook).intercept({ register: (tap) => ({ ...tap, fn: trackedTap(tap, hookName) }) });
  }
}

function trackedTap(tap: TapInfo, hookName: string): TapInfo['fn'] {
  const what = `plugin ${tap.name}'s ${hookName} tap`;
  const { fn } = tap;
  if (tap.type === 'promise') {
    return (...args) => {
      const result = fn(...args);
      return result instanceof Promise || (result && typeof (result as PromiseLike<unknown>).then === 'function')
        ? whilePending(what, Promise.resolve(result))
        : result;
    };
  }
  if (tap.type === 'async') {
    return (...args) => {
      const callback = args.pop() as (...results: unknown[]) => void;
      let done!: () => void;
      void whilePending(what, new Promise<void>((resolve) => (done = resolve)));
      return fn(...args, (...results: unknown[]) => {
        done();
        callback(...results);
      });
    };
  }
  return fn;
}
