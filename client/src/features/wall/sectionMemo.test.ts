import { describe, expect, test } from 'vitest';
import { applyDelta, type RegionSnapshot } from '@zhihui/shared';
import { snapshot } from '../../test-support/fakeSnapshot';
import { sameData } from '../../ui/sameData';
import type { SectionProps } from '../../lib/section';
import { sameSection } from './sectionMemo';

const props = (s: RegionSnapshot, over: Partial<SectionProps> = {}): SectionProps => ({
  snapshot: s,
  stale: false,
  changedAt: 1000,
  currentAt: 2000,
  ...over,
});

describe('section panels skip renders that would show the same', () => {
  test('equal as data: members compared, not identity; functions only as the same function', () => {
    expect(sameData({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(sameData({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameData([1], { 0: 1 })).toBe(false);
    expect(sameData(NaN, NaN)).toBe(true);
    const f = () => 1;
    expect(sameData({ f }, { f })).toBe(true);
    expect(sameData({ f }, { f: () => 1 })).toBe(false);
  });

  test('a camera delta leaves the trend panel alone; a trend delta, a new change time or a lost link do not', () => {
    const same = sameSection((s) => [s.trend]);
    const s0 = snapshot();
    const r = applyDelta(s0, { v: s0.v, seq: s0.seq + 1, at: s0.at, cams: { i: [0], s: [1], r: [0], ago: [0] } });
    if (!r.ok) throw new Error(r.reason);
    const s1 = r.snapshot;
    // currentAt moves with every delta: unseen while the link is live.
    expect(same(props(s0), props(s1, { currentAt: 3000 }))).toBe(true);
    expect(same(props(s0, { stale: true }), props(s1, { stale: true, currentAt: 3000 }))).toBe(false);
    expect(same(props(s0), props(s1, { stale: true }))).toBe(false);
    expect(same(props(s0), props(s1, { changedAt: 1500 }))).toBe(false);
    // The same hours sent again (new objects) are the same trend; a moved rate is not.
    const trend = { t: [...s0.trend.t], rate: [...s0.trend.rate] };
    expect(same(props(s0), props({ ...s1, trend }))).toBe(true);
    expect(same(props(s0), props({ ...s1, trend: { ...trend, rate: trend.rate.map(() => 0.5) } }))).toBe(false);
  });

  test('a panel that shows currentAt while live re-renders with it', () => {
    const same = sameSection((s) => [s.figures], true);
    const s = snapshot();
    expect(same(props(s), props(s, { currentAt: 3000 }))).toBe(false);
    expect(same(props(s), props(s))).toBe(true);
  });
});
