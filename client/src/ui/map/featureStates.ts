import type { FeatureStates } from './types';

/** The two calls of the map this needs. */
export interface StateTarget {
  getSource(id: string): unknown;
  setFeatureState(feature: { source: string; id: number }, state: Record<string, string | number | boolean>): void;
}

/** What was last written to one source: the values (a copy), the column and function they came from, and the data they went onto. */
export interface WrittenStates {
  values: number[];
  column: ArrayLike<number>;
  toState: FeatureStates['toState'];
  data: unknown;
}

/**
 * Writes the feature states that differ from what was written before: every one for a source
 * whose data or `toState` is new (its features were replaced), none when the column is the same
 * array as last time. Returns how many were written.
 */
export function writeFeatureStates(
  m: StateTarget,
  wanted: Record<string, FeatureStates>,
  data: Record<string, unknown>,
  written: Map<string, WrittenStates>,
): number {
  let n = 0;
  for (const [source, fs] of Object.entries(wanted)) {
    if (!m.getSource(source)) continue;
    const prev = written.get(source);
    const all = !prev || prev.toState !== fs.toState || prev.data !== data[source];
    if (!all && prev.column === fs.values) continue;
    const values = all ? [] : prev.values;
    const len = fs.values.length;
    for (let i = 0; i < len; i++) {
      const v = fs.values[i]!;
      if (!all && values[i] === v) continue;
      m.setFeatureState({ source, id: i }, fs.toState(v));
      values[i] = v;
      n++;
    }
    values.length = len;
    written.set(source, { values, column: fs.values, toState: fs.toState, data: data[source] });
  }
  return n;
}
