/**
 * At most `max` of the given tasks at once, started in call order. Enough
 * for cidx's one use (engine calls per apply); p-limit would do the same
 * for a dependency and an import on every command.
 */
export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

export function limiter(max: number): Limit {
  if (!(max >= 1) || max === Number.POSITIVE_INFINITY) return (task) => task();
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve)); // a finishing task hands its slot over
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}
