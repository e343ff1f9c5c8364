// Summaries of per-host figures: nearest-rank percentiles, rounded for reports.

export interface Spread {
  p50: number;
  p90: number;
  max: number;
}

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile: needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export function spread(values: number[]): Spread {
  if (values.length === 0) return { p50: 0, p90: 0, max: 0 };
  return { p50: round(percentile(values, 50)), p90: round(percentile(values, 90)), max: round(Math.max(...values)) };
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
