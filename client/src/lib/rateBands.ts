/** Operational-rate bands shared by the map, the ranking and the gauge, best first. */
export const RATE_BANDS = [
  { min: 0.95, color: '#16c79a', key: 'good' },
  { min: 0.9, color: '#2f9bff', key: 'fair' },
  { min: 0.8, color: '#f5a524', key: 'poor' },
  { min: 0, color: '#ef4d5a', key: 'bad' },
] as const;
export const NO_DATA_COLOR = '#5b6b82';

const bandOf = (rate: number | null) =>
  rate === null || !Number.isFinite(rate)
    ? null
    : (RATE_BANDS.find((b) => rate >= b.min) ?? RATE_BANDS[RATE_BANDS.length - 1]!);

export function rateColor(rate: number | null): string {
  return bandOf(rate)?.color ?? NO_DATA_COLOR;
}

export function rateBandKey(rate: number | null): string {
  return bandOf(rate)?.key ?? 'none';
}
