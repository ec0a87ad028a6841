import type { CameraReason } from '@zhihui/shared';

/** The most distinct offline reasons whose keys are kept; reasons beyond it get a fresh string each time. */
export const KEPT_REASON_KEYS = 64;

/**
 * What a report says of a channel as one comparable string: `online` or `offline:<reason>`, the
 * same string object per known reason (a storm of reports allocates none). One per feed. A payload
 * could carry any reason (the ingest refuses unknown ones), so only the first `KEPT_REASON_KEYS`
 * are kept.
 */
export class ReportKeys {
  readonly #offline = new Map<CameraReason | null, string>();

  key(status: 'online' | 'offline', reason: CameraReason | null): string {
    if (status === 'online') return 'online';
    let k = this.#offline.get(reason);
    if (k !== undefined) return k;
    k = `offline:${reason ?? ''}`;
    if (this.#offline.size < KEPT_REASON_KEYS) this.#offline.set(reason, k);
    return k;
  }

  /** How many reason keys are kept now. */
  get kept(): number {
    return this.#offline.size;
  }
}
