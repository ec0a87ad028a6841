import { rate, type WallFigures } from '@zhihui/shared';

/** The figures the grid & mediation panel shows: today for the grid, the recent half-year for the rest. */
export function gridFigures(f: WallFigures) {
  const grid = f.today.grid;
  const med = f.recent.mediation;
  const appeals = f.recent.clues.appeals;
  return {
    workers: grid.workers,
    onDuty: grid.onDuty,
    onDutyShare: rate(grid.onDuty, grid.workers),
    reports: grid.reports,
    mediationCases: med.cases,
    mediationSuccess: med.success,
    mediationRate: med.successRate,
    appealsCollected: appeals.collected,
    appealsResolved: appeals.resolved,
  };
}
