/** A share as a fraction 0..1, or null when there is nothing to divide by. */
export function rate(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/**
 * A rate in percent, floored to `digits` decimals: 929/972 (95.576…%) is 95.5, and an 89.96%
 * township is 89.9, never "90.0" beside a 90% line it misses. Rates are compared with
 * thresholds (运行率 ≥ 90%), so a shown figure may understate but never overstate; colour bands
 * and pass/fail use the exact value, not this one. The tiny epsilon only undoes binary
 * rounding (0.29 × 100 is 28.999…96): it lifts nothing that is truly below the next step by
 * more than 1e-9 of a shown unit.
 */
export function floorPercent(r: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.floor(r * 100 * f + 1e-9) / f;
}

/** "95.5%": floored to one decimal (see floorPercent); "—" when there is no rate. */
export function formatRate(r: number | null, digits = 1): string {
  if (r === null || !Number.isFinite(r)) return '—';
  return `${floorPercent(r, digits).toFixed(digits)}%`;
}

/** A rate as a spreadsheet cell: the fraction floored to four decimals (0.9557), '' when none. */
export function rateCell(r: number | null): number | '' {
  if (r === null || !Number.isFinite(r)) return '';
  return Math.floor(r * 10_000 + 1e-9) / 10_000;
}

/**
 * A change of rate in percentage points, cut towards zero at one decimal: +0.46 points is +0.4,
 * −1.27 is −1.2. Like a rate, a shown change never claims more than happened.
 */
export function pointsOf(d: number): number {
  const p = Math.trunc(d * 1000 + (d >= 0 ? 1e-9 : -1e-9)) / 10;
  return p + 0; // no −0
}
