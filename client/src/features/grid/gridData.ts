import { rate, type MediationFigures, type WallFigures } from '@zhihui/shared';

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

export type MediationPart = 'success' | 'failed' | 'court' | 'pending';

/**
 * The recent half-year's dispute cases by outcome, in the order the wall stacks them, each with
 * its share of the cases (0 when there are none, so an empty bar stays empty).
 */
export function mediationBreakdown(m: MediationFigures): { part: MediationPart; n: number; share: number }[] {
  const parts: MediationPart[] = ['success', 'failed', 'court', 'pending'];
  const total = parts.reduce((sum, p) => sum + m[p], 0);
  return parts.map((part) => ({ part, n: m[part], share: total > 0 ? m[part] / total : 0 }));
}
