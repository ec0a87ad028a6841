import { patchedFigures, wallFiguresAt } from '../metrics/figures.js';
import { MAX_WALL_CLUES, type RegionDelta, type RegionSnapshot } from './events.js';

/** Outcome of applying a delta: the next snapshot, or `gap` when the client must resubscribe. */
export type ApplyResult = { ok: true; snapshot: RegionSnapshot } | { ok: false; reason: 'gap' | 'version' | 'range' };

/**
 * Applies a delta to a snapshot, returning a new snapshot (the input is not changed, but
 * untouched members are shared). The server's state after `delta.seq` equals the result.
 */
export function applyDelta(s: RegionSnapshot, d: RegionDelta): ApplyResult {
  if (d.v !== s.v) return { ok: false, reason: 'version' };
  if (d.seq !== s.seq + 1) return { ok: false, reason: 'gap' };
  const next: RegionSnapshot = { ...s, seq: d.seq, at: d.at };
  if (d.cams && d.cams.i.length > 0) {
    const cams = {
      ...s.cameras,
      state: s.cameras.state.slice(),
      reason: s.cameras.reason.slice(),
      since: s.cameras.since.slice(),
    };
    const base = Math.floor(Date.parse(d.at) / 1000);
    const n = cams.id.length;
    for (let k = 0; k < d.cams.i.length; k++) {
      const i = d.cams.i[k]!;
      if (i < 0 || i >= n) return { ok: false, reason: 'range' };
      cams.state[i] = d.cams.s[k]!;
      cams.reason[i] = d.cams.r[k]!;
      cams.since[i] = base - d.cams.ago[k]!;
    }
    next.cameras = cams;
  }
  if (d.clues && d.clues.length > 0) {
    const byId = new Map(s.clues.map((c) => [c.id, c] as const));
    for (const c of d.clues) byId.set(c.id, c);
    next.clues = [...byId.values()].sort(compareClues).slice(0, MAX_WALL_CLUES);
  }
  // Figures (and sections of them) the delta leaves out did not change but for the clock: their
  // time-weighted parts are carried to the delta's instant (the server resends a section only
  // when something else in it moved).
  const from = Date.parse(s.at);
  const to = Date.parse(d.at);
  const carried = wallFiguresAt(s.figures, from, to);
  next.figures = d.figures ? patchedFigures(carried, d.figures) : carried;
  next.childFigures = s.childFigures.map((f) => wallFiguresAt(f, from, to));
  if (d.childFigures && d.childFigures.length > 0) {
    const cf = next.childFigures;
    for (const [i, patch] of d.childFigures) {
      if (i < 0 || i >= cf.length) return { ok: false, reason: 'range' };
      cf[i] = patchedFigures(cf[i]!, patch);
    }
  }
  if (d.downLongest) next.downLongest = d.downLongest;
  if (d.trend) next.trend = d.trend;
  if (d.periods) next.periods = d.periods;
  return { ok: true, snapshot: next };
}

/** Sort order of the wall's clue list: newest first, then by id. Server and client both use it. */
export function compareClues(a: { reportedAt: string; id: string }, b: { reportedAt: string; id: string }): number {
  return Date.parse(b.reportedAt) - Date.parse(a.reportedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * A wall's state read at a later instant `at` with no delta in between: the same, but for the
 * time-weighted parts, carried with the clock (what a wall shows on its own clock, #18.6).
 */
export function snapshotAt(s: RegionSnapshot, at: string): RegionSnapshot {
  const from = Date.parse(s.at);
  const to = Date.parse(at);
  if (!(to > from)) return s;
  return {
    ...s,
    at,
    figures: wallFiguresAt(s.figures, from, to),
    childFigures: s.childFigures.map((f) => wallFiguresAt(f, from, to)),
  };
}
