import { msAt } from '../time/iso.js';
import type { Period } from '../schemas/common.js';
import type { WallFigures, WallFiguresPatch } from '../protocol/events.js';
import type { GridFigures, RegionFigures, RegionRef } from '../schemas/summary.js';
import { sumClueFigures } from './clueCounts.js';
import { sumMediationFigures } from './mediation.js';
import { cameraFiguresAt, countedChannels, sumCameraFigures } from './operationalRate.js';

export function emptyGridFigures(): GridFigures {
  return { workers: 0, onDuty: 0, reports: 0 };
}

export function sumGridFigures(parts: readonly GridFigures[]): GridFigures {
  const f = emptyGridFigures();
  for (const p of parts) {
    f.workers += p.workers;
    f.onDuty += p.onDuty;
    f.reports += p.reports;
  }
  return f;
}

/** Rolls the figures of a region's parts (its children, or its leaf regions) up into the region's. */
export function sumRegionFigures(region: RegionRef, period: Period, parts: readonly RegionFigures[]): RegionFigures {
  return {
    region,
    period,
    cameras: sumCameraFigures(parts.map((p) => p.cameras)),
    clues: sumClueFigures(parts.map((p) => p.clues)),
    mediation: sumMediationFigures(parts.map((p) => p.mediation)),
    grid: sumGridFigures(parts.map((p) => p.grid)),
  };
}

/**
 * A wall's figures received at `asOf`, carried to `now` (see cameraFiguresAt): the time-weighted
 * rate moves with the clock between messages, never past the period's end.
 */
export function wallFiguresAt(w: WallFigures, asOf: number, now: number): WallFigures {
  const one = (f: RegionFigures): RegionFigures => {
    const end = Math.min(now, msAt(f.period.to));
    return end > asOf ? { ...f, cameras: cameraFiguresAt(f.cameras, asOf, end) } : f;
  };
  return { today: one(w.today), recent: one(w.recent) };
}

const PERIODS = ['today', 'recent'] as const;
const SECTIONS = ['region', 'period', 'cameras', 'clues', 'mediation', 'grid'] as const;

/**
 * A period's camera figures as a change test sees them at instant `at`: the time-weighted parts
 * taken back to the period's start (what they would be had every channel kept its present state
 * all along), so parts that only moved with the clock compare equal and a quiet region is not
 * resent every flush, while a late report that rewrote past time still shows as a change.
 */
function stillCameras(f: RegionFigures, at: number) {
  const from = msAt(f.period.from);
  const dt = Math.max(0, Math.min(at, msAt(f.period.to)) - from);
  const c = f.cameras;
  return {
    ...c,
    onlineMs: c.onlineMs - c.online * dt,
    countedMs: c.countedMs - countedChannels(c) * dt,
    timeWeightedRate: null,
  };
}

/**
 * The keys a change test compares, one per period and section (12, in a fixed order): equal keys
 * mean the section differs from the one sent only by the clock (see stillCameras).
 */
export function figureSectionKeys(w: WallFigures, at: number): string[] {
  const keys: string[] = [];
  for (const p of PERIODS)
    for (const s of SECTIONS) keys.push(JSON.stringify(s === 'cameras' ? stillCameras(w[p], at) : w[p][s]));
  return keys;
}

/**
 * The sections of `w` (read at `at`) whose keys differ from `sent`, which then holds the new
 * keys; null when nothing but the clock moved.
 */
export function figuresPatch(w: WallFigures, at: number, sent: string[]): WallFiguresPatch | null {
  const keys = figureSectionKeys(w, at);
  let patch: WallFiguresPatch | null = null;
  let k = 0;
  for (const p of PERIODS)
    for (const s of SECTIONS) {
      if (keys[k] !== sent[k]) {
        patch ??= {};
        const part: Record<string, unknown> = (patch[p] ??= {});
        part[s] = w[p][s];
        sent[k] = keys[k]!;
      }
      k++;
    }
  return patch;
}

/** Figures with the sections a patch carries put in place of their own. */
export function patchedFigures(w: WallFigures, patch: WallFiguresPatch): WallFigures {
  return {
    today: patch.today ? { ...w.today, ...patch.today } : w.today,
    recent: patch.recent ? { ...w.recent, ...patch.recent } : w.recent,
  };
}
