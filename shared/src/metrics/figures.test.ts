import { describe, expect, test } from 'vitest';
import type { Period } from '../schemas/common.js';
import type { RegionFigures, RegionRef } from '../schemas/summary.js';
import { emptyClueFigures, finishClueFigures } from './clueCounts.js';
import { emptyGridFigures, sumGridFigures, sumRegionFigures } from './figures.js';
import { emptyMediationFigures, finishMediationFigures } from './mediation.js';
import { cameraFigures } from './operationalRate.js';

const period: Period = { from: '2026-11-27T00:00:00+08:00', to: '2026-11-28T00:00:00+08:00' };
const town = (code: string): RegionRef => ({ code, name: code, level: 'township' });

function figures(
  code: string,
  online: number,
  offline: number,
  clues: number,
  success: number,
  workers: number,
): RegionFigures {
  const c = emptyClueFigures();
  c.total = clues;
  c.byCategory.dispute = clues;
  c.byStatus.reported = clues;
  const m = emptyMediationFigures();
  m.cases = success;
  m.success = success;
  return {
    region: town(code),
    period,
    cameras: cameraFigures([...Array(online).fill('online'), ...Array(offline).fill('offline')]),
    clues: finishClueFigures(c),
    mediation: finishMediationFigures(m),
    grid: { workers, onDuty: workers - 1, reports: 2 * workers },
  };
}

describe('sumRegionFigures', () => {
  test('rolls every group up and keeps the region and period it is given', () => {
    const county: RegionRef = { code: '130111', name: '栾城区', level: 'county' };
    const s = sumRegionFigures(county, period, [
      figures('130111001', 9, 1, 2, 1, 30),
      figures('130111002', 1, 9, 3, 0, 20),
    ]);
    expect(s.region).toEqual(county);
    expect(s.period).toEqual(period);
    expect(s.cameras).toMatchObject({ total: 20, online: 10, offline: 10, operationalRate: 0.5 });
    expect(s.clues.total).toBe(5);
    expect(s.clues.byCategory.dispute).toBe(5);
    expect(s.clues.resolvedRate).toBe(0);
    expect(s.mediation).toMatchObject({ cases: 1, success: 1, successRate: 1 });
    expect(s.grid).toEqual({ workers: 50, onDuty: 48, reports: 100 });
  });

  test('no parts → empty figures', () => {
    const s = sumRegionFigures(town('130111001'), period, []);
    expect(s.cameras.operationalRate).toBeNull();
    expect(s.grid).toEqual(emptyGridFigures());
    expect(sumGridFigures([])).toEqual(emptyGridFigures());
  });
});
