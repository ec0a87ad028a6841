import type { Period } from '../schemas/common.js';
import type { GridFigures, RegionFigures, RegionRef } from '../schemas/summary.js';
import { sumClueFigures } from './clueCounts.js';
import { sumMediationFigures } from './mediation.js';
import { sumCameraFigures } from './operationalRate.js';

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
