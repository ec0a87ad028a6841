import type { Clue } from '../schemas/clue.js';
import type { Period } from '../schemas/common.js';
import type { MediationFigures } from '../schemas/summary.js';
import { inPeriod } from './clueCounts.js';
import { rate } from './rate.js';

export type MediationCountable = Pick<Clue, 'category' | 'status' | 'outcome' | 'reportedAt'>;

export function emptyMediationFigures(): MediationFigures {
  return { cases: 0, success: 0, failed: 0, court: 0, pending: 0, successRate: null };
}

/** Counts a dispute into `f` (mutates); anything that is not a valid dispute is ignored. */
export function countMediation(f: MediationFigures, c: MediationCountable, sign: 1 | -1 = 1): void {
  if (c.category !== 'dispute' || c.status === 'invalid') return;
  f.cases += sign;
  if (c.outcome === null) f.pending += sign;
  else if (c.outcome === 'success') f.success += sign;
  else if (c.outcome === 'failed') f.failed += sign;
  else f.court += sign;
}

/** Mediation success rate (调解成功率) = successful ÷ dispute cases investigated. */
export function finishMediationFigures(f: MediationFigures): MediationFigures {
  f.successRate = rate(f.success, f.cases);
  return f;
}

/** Mediation figures for the disputes reported in `period`. */
export function mediationFigures(clues: Iterable<MediationCountable>, period: Period): MediationFigures {
  const f = emptyMediationFigures();
  for (const c of clues) if (inPeriod(c.reportedAt, period)) countMediation(f, c);
  return finishMediationFigures(f);
}

export function sumMediationFigures(parts: readonly MediationFigures[]): MediationFigures {
  const f = emptyMediationFigures();
  for (const p of parts) {
    f.cases += p.cases;
    f.success += p.success;
    f.failed += p.failed;
    f.court += p.court;
    f.pending += p.pending;
  }
  return finishMediationFigures(f);
}
