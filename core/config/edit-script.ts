/**
 * How to turn a TypeScript config into its transpiled JavaScript, without a
 * copy of either: sucrase only deletes types and adds a little generated
 * code, so the output is the source with some spans left out and a few
 * snippets put in. An edit script records that as span lengths plus the
 * inserted snippets; applied to the same source (the cache is keyed by its
 * hash) it gives the transpiled code back without loading sucrase (~80 ms).
 *
 * The script holds no text of the source, so no literal from a config (an
 * API key written inline) reaches the disk. Snippets with a quote or a
 * backtick (sucrase writing out an enum's string values) make the script
 * unusable: such configs are simply transpiled on every run.
 */

/** Keep n characters of the source (n > 0), skip -n of them (n < 0), or insert the string. */
export type EditOp = number | string;

/** Words, whitespace runs, and single other characters: the diff's alphabet. */
const TOKEN = /[A-Za-z_$0-9]+|\s+|[^A-Za-z_$0-9\s]/g;

/** Past this much work the script is not worth it: transpiling each run is the fallback. */
const MAX_WORK = 20_000_000;

/** Characters an inserted snippet must not contain: anything that could carry a literal from the source. */
const UNSAFE_INSERT = /['"`]/;

export function applyEditScript(source: string, ops: readonly EditOp[]): string | undefined {
  let at = 0;
  let out = '';
  for (const op of ops) {
    if (typeof op === 'string') {
      out += op;
    } else if (Number.isInteger(op) && op > 0) {
      out += source.slice(at, at + op);
      at += op;
    } else if (Number.isInteger(op) && op < 0) {
      at -= op;
    } else {
      return undefined;
    }
    if (at > source.length) return undefined;
  }
  return at === source.length ? out : undefined;
}

/** The edit script from `source` to `target`, or undefined when none is safe or cheap to store. */
export function editScript(source: string, target: string): EditOp[] | undefined {
  const a = source.match(TOKEN) ?? [];
  const b = target.match(TOKEN) ?? [];
  const path = diff(a, b);
  if (!path) return undefined;
  const ops: EditOp[] = [];
  const push = (op: EditOp) => {
    const last = ops.at(-1);
    if (typeof op === 'string' && typeof last === 'string') ops[ops.length - 1] = last + op;
    else if (typeof op === 'number' && typeof last === 'number' && Math.sign(op) === Math.sign(last)) ops[ops.length - 1] = last + op;
    else ops.push(op);
  };
  for (const [kind, token] of path) push(kind === 'keep' ? token.length : kind === 'delete' ? -token.length : token);
  if (ops.some((op) => typeof op === 'string' && UNSAFE_INSERT.test(op))) return undefined;
  return applyEditScript(source, ops) === target ? ops : undefined;
}

type Step = ['keep' | 'delete' | 'insert', string];

/** Myers' O(ND) shortest edit script over token arrays. */
function diff(a: string[], b: string[]): Step[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    if ((n + m) * d > MAX_WORK) return undefined;
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    const next = v;
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, d);
    }
    v = next;
  }
  return undefined;
}

function backtrack(a: string[], b: string[], trace: Int32Array[], end: number): Step[] {
  const steps: Step[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = end; d > 0; d--) {
    const v = trace[d]!; // V before step d, window [-d-1, d+1]
    const at = (k: number) => v[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX + (down ? 0 : 1) && y > prevY + (down ? 1 : 0)) steps.push(['keep', a[--x]!]), y--;
    if (down) steps.push(['insert', b[--y]!]);
    else steps.push(['delete', a[--x]!]);
  }
  while (x > 0 && y > 0) steps.push(['keep', a[--x]!]), y--;
  return steps.reverse();
}
