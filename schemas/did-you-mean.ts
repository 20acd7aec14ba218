/**
 * Suggestions for a mistyped name. Lives beside the schema, which suggests
 * built-in plugin names, so the schema needs nothing from core/ at run time.
 */

/** The closest of `known` to a mistyped `key`, as a hint; undefined when none is close. */
export function didYouMean(key: string, known: string[]): string | undefined {
  // 'enviroment' → 'env', 'volume' → 'volumes': a known key that starts the typed one, or the reverse.
  const prefix = known.find((name) => name.length >= 3 && (key.toLowerCase().startsWith(name.toLowerCase()) || name.toLowerCase().startsWith(key.toLowerCase())));
  if (prefix) return `did you mean "${prefix}"?`;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = levenshtein(key.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(best.name.length / 3)) ? `did you mean "${best.name}"?` : undefined;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
