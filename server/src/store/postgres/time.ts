import { msAt } from '@zhihui/shared';

/** Parses an ISO time on our side, as the SQLite store does: millisecond precision, bad input throws. */
export function t(iso: string): Date {
  const ms = msAt(iso);
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${iso}`);
  return new Date(ms);
}
export const tOrNull = (iso: string | null | undefined): Date | null => (iso == null ? null : t(iso));
