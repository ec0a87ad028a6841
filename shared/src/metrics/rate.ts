/** A share as a fraction 0..1, or null when there is nothing to divide by. */
export function rate(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** "95.6%" — one decimal, rounded half up; "—" when there is no rate. */
export function formatRate(r: number | null, digits = 1): string {
  if (r === null || !Number.isFinite(r)) return '—';
  const f = 10 ** digits;
  return `${(Math.round(r * 100 * f + 1e-9) / f).toFixed(digits)}%`;
}
