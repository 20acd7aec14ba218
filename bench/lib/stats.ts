/** Medians and the results table. */

/** Timings of one side of a comparison, in milliseconds. Failed runs are counted, not timed. */
export interface Samples {
  median: number | null;
  min: number | null;
  max: number | null;
  samples: number[];
  failures: number;
  /** One line per failed run. */
  errors: string[];
}

export function newSamples(): Samples {
  return { median: null, min: null, max: null, samples: [], failures: 0, errors: [] };
}

export function record(samples: Samples, ms: number): void {
  samples.samples.push(Math.round(ms * 10) / 10);
  samples.median = median(samples.samples);
  samples.min = Math.min(...samples.samples);
  samples.max = Math.max(...samples.samples);
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function fail(samples: Samples, error: string): void {
  samples.failures++;
  samples.errors.push(error);
}

/** cidx's median over the baseline's, or null when either is missing. */
export function ratio(cidx: Samples, baseline: Samples | undefined): number | null {
  if (!baseline || cidx.median === null || baseline.median === null || baseline.median === 0) return null;
  return Math.round((cidx.median / baseline.median) * 100) / 100;
}

export function ms(value: number | null): string {
  if (value === null) return 'n/a';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** "812 ms" plus "(2 failed)" when some runs failed. */
export function cell(samples: Samples): string {
  return `${ms(samples.median)}${samples.failures ? ` (${samples.failures} failed)` : ''}`;
}

/** One line of the table; `pass` null means informational (no target). */
export interface Row {
  runtime: string;
  measure: string;
  cidx: string;
  baseline: string;
  ratio: string;
  target: string;
  pass: boolean | null;
}

export function renderTable(rows: Row[]): string {
  const header = ['RUNTIME', 'MEASURE', 'CIDX', 'BASELINE', 'RATIO', 'TARGET', 'RESULT'];
  const body = rows.map((row) => [row.runtime, row.measure, row.cidx, row.baseline, row.ratio, row.target, row.pass === null ? '-' : row.pass ? 'pass' : 'FAIL']);
  const all = [header, ...body];
  const widths = header.map((_, column) => Math.max(...all.map((line) => line[column]!.length)));
  return all.map((line) => line.map((text, column) => (column === line.length - 1 ? text : text.padEnd(widths[column]!))).join('  ')).join('\n');
}
