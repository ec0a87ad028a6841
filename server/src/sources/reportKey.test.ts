import { describe, expect, it } from 'vitest';
import type { CameraReason } from '@zhihui/shared';
import { KEPT_REASON_KEYS, ReportKeys } from './reportKey.js';

describe('ReportKeys', () => {
  it('says online without a reason and offline with its reason', () => {
    const keys = new ReportKeys();
    const reportKey = keys.key.bind(keys);
    expect(reportKey('online', 'power' as CameraReason)).toBe('online');
    expect(reportKey('offline', null)).toBe('offline:');
    expect(reportKey('offline', 'power' as CameraReason)).toBe('offline:power');
    expect(reportKey('offline', 'power' as CameraReason)).toBe(reportKey('offline', 'power' as CameraReason));
    expect(reportKey('offline', 'network' as CameraReason)).not.toBe(reportKey('offline', 'power' as CameraReason));
  });

  it('keeps at most its bound of reason keys however many reasons a feed invents, and every key stays right', () => {
    const keys = new ReportKeys();
    const reportKey = keys.key.bind(keys);
    const invented = Array.from({ length: KEPT_REASON_KEYS * 4 }, (_, i) => `invented-${i}` as CameraReason);
    for (const r of invented) expect(reportKey('offline', r)).toBe(`offline:${r}`);
    expect(keys.kept).toBe(KEPT_REASON_KEYS);
    // Past the bound, a reason not kept still gets its right key, each time.
    const last = invented.at(-1)!;
    expect(reportKey('offline', last)).toBe(`offline:${last}`);
    expect(keys.kept).toBe(KEPT_REASON_KEYS);
  });
});
