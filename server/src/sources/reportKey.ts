import type { CameraReason } from '@zhihui/shared';

/** The most distinct offline reasons whose keys are kept; reasons beyond it get a fresh string each time. */
export const KEPT_REASON_KEYS = 64;

const offlineKeys = new Map<CameraReason | null, string>();

/**
 * What a report says of a channel as one comparable string: `online` or `offline:<reason>`, the
 * same string object per known reason (a storm of reports allocates none). A payload could carry
 * any reason (the ingest refuses unknown ones), so only the first `KEPT_REASON_KEYS` are kept.
 */
export const reportKey = (status: 'online' | 'offline', reason: CameraReason | null): string => {
  if (status === 'online') return 'online';
  let k = offlineKeys.get(reason);
  if (k !== undefined) return k;
  k = `offline:${reason ?? ''}`;
  if (offlineKeys.size < KEPT_REASON_KEYS) offlineKeys.set(reason, k);
  return k;
};

/** How many reason keys are kept now (for the test of the bound). */
export const keptReasonKeys = (): number => offlineKeys.size;
