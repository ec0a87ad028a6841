/**
 * A rate n/N as the wall, the meeting, the report and the digests must show it: percent floored to
 * one decimal, computed here with integers only (BigInt), not with the code under test.
 */
export function shownRate(n: number, N: number): string {
  if (N <= 0) return '—';
  const tenths = (BigInt(n) * 1000n) / BigInt(N);
  return `${tenths / 10n}.${tenths % 10n}%`;
}
