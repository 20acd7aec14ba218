/**
 * While `exec` or `run` has a program in the foreground, Ctrl-C is that
 * program's business: the terminal sends it to the program too (same process
 * group), and it decides what to do. cidx's own handler (cli/main.ts: abort
 * the command, "press Ctrl-C again to quit now") would stop cidx early,
 * before it collects the exit code or tears down. So for that time the
 * handlers are swapped for `onSignal`, and put back afterwards.
 */

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Handler = (signal: NodeJS.Signals) => void;

export async function whileChildRuns<T>(onSignal: Handler, work: () => Promise<T>): Promise<T> {
  const saved = SIGNALS.map((signal) => [signal, process.listeners(signal)] as const);
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, onSignal);
  }
  try {
    return await work();
  } finally {
    for (const [signal, listeners] of saved) {
      process.removeAllListeners(signal);
      for (const listener of listeners) process.on(signal, listener as Handler);
    }
  }
}
