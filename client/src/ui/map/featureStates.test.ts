import { describe, expect, test } from 'vitest';
import { writeFeatureStates, type WrittenStates } from './featureStates';

/** A map stand-in that records feature-state writes. */
function fakeMap(sources: string[]) {
  const calls: [string, number, Record<string, unknown>][] = [];
  return {
    calls,
    getSource: (id: string) => (sources.includes(id) ? {} : undefined),
    setFeatureState: (f: { source: string; id: number }, s: Record<string, unknown>) =>
      void calls.push([f.source, f.id, s]),
  };
}

describe('writeFeatureStates', () => {
  const toState = (v: number) => ({ s: v });
  test('first write: every feature; then only the rows whose value changed', () => {
    const m = fakeMap(['cameras']);
    const written = new Map<string, WrittenStates>();
    const data = { cameras: { features: [] } };
    expect(writeFeatureStates(m, { cameras: { values: [0, 1, 2], toState } }, data, written)).toBe(3);
    m.calls.length = 0;
    // A delta: a new column (applyDelta copies it) with row 1 changed.
    expect(writeFeatureStates(m, { cameras: { values: [0, 2, 2], toState } }, data, written)).toBe(1);
    expect(m.calls).toEqual([['cameras', 1, { s: 2 }]]);
  });

  test('the same column again writes nothing; new data or a new toState writes everything', () => {
    const m = fakeMap(['cameras']);
    const written = new Map<string, WrittenStates>();
    const col = [0, 1];
    const data = { cameras: {} };
    writeFeatureStates(m, { cameras: { values: col, toState } }, data, written);
    expect(writeFeatureStates(m, { cameras: { values: col, toState } }, data, written)).toBe(0);
    expect(writeFeatureStates(m, { cameras: { values: [0, 1], toState } }, { cameras: {} }, written)).toBe(2);
    expect(
      writeFeatureStates(m, { cameras: { values: [0, 1], toState: (v) => ({ s: -v }) } }, { cameras: {} }, written),
    ).toBe(2);
  });

  test('a source the map does not have yet is left for later', () => {
    const m = fakeMap([]);
    const written = new Map<string, WrittenStates>();
    expect(writeFeatureStates(m, { cameras: { values: [1], toState } }, {}, written)).toBe(0);
    expect(written.size).toBe(0);
  });
});
