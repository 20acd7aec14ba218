/**
 * Canonical JSON: object keys in code-point order, no whitespace, undefined
 * members left out. Equal data always encodes equally, which is what a hash
 * over it needs: the config-hash label on every container cidx made, and the
 * key of the validated-config cache, both come from here. Changing the output
 * for any value recreates every existing container on the next apply.
 */

/** Locale-independent order; localeCompare would also load ICU's collator (~7 ms) on every command. */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The canonical JSON of plain data (objects, arrays, strings, numbers,
 * booleans, null); undefined when the value holds anything else (a function,
 * a class instance, a symbol, a bigint), which has no faithful encoding.
 */
export function plainJson(value: unknown): string | undefined {
  let plain = true;
  const text = JSON.stringify(value ?? null, (_key, inner: unknown) => {
    if (typeof inner === 'function' || typeof inner === 'symbol' || typeof inner === 'bigint') {
      plain = false;
      return null;
    }
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const proto: unknown = Object.getPrototypeOf(inner);
      if (proto !== Object.prototype && proto !== null) plain = false;
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => byCodePoint(a, b)));
    }
    return inner;
  });
  return plain ? text : undefined;
}

/** The canonical JSON of data known to be plain (a container spec); throws if it is not. */
export function stableJson(value: unknown): string {
  const text = plainJson(value);
  if (text === undefined) throw new Error('stableJson: not plain data');
  return text;
}
