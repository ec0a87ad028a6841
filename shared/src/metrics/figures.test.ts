import { describe, expect, test } from 'vitest';
import type { Period } from '../schemas/common.js';
import type { RegionFigures, RegionRef } from '../schemas/summary.js';
import { emptyClueFigures, finishClueFigures } from './clueCounts.js';
import type { WallFigures } from '../protocol/events.js';
import {
  emptyGridFigures,
  figureSectionKeys,
  figuresPatch,
  patchedFigures,
  sumGridFigures,
  sumRegionFigures,
  wallFiguresAt,
} from './figures.js';
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

describe('figuresPatch: a delta sends the sections that changed', () => {
  const t0 = Date.parse('2026-11-27T10:00:00+08:00');
  const t1 = t0 + 60_000;
  const wall = (online: number, clues: number): WallFigures => ({
    today: figures('130111001', online, 10 - online, clues, 1, 30),
    recent: figures('130111001', online, 10 - online, clues + 40, 7, 30),
  });

  test('only the clock moved: nothing to send', () => {
    const sent = figureSectionKeys(wall(8, 2), t0);
    // What a receiver holds a minute on: the time-weighted parts carried by 8 channels × 60 s.
    const later = wallFiguresAt(wall(8, 2), t0, t1);
    expect(later.today.cameras.onlineMs).toBe(8 * 60_000);
    expect(figuresPatch(later, t1, sent)).toBeNull();
  });

  test('a channel went down: the camera sections of both periods, and no more', () => {
    const sent = figureSectionKeys(wall(8, 2), t0);
    const now = wall(7, 2);
    const patch = figuresPatch(now, t0, sent);
    expect(patch).toEqual({ today: { cameras: now.today.cameras }, recent: { cameras: now.recent.cameras } });
    expect(patch!.today!.cameras!.offline).toBe(3);
    // What was sent is remembered: the same figures again are nothing new.
    expect(figuresPatch(now, t0, sent)).toBeNull();
  });

  test('a clue came in: the clue sections only; the receiver ends up with the new figures', () => {
    const before = wall(8, 2);
    const sent = figureSectionKeys(before, t0);
    const now = wall(8, 3);
    const patch = figuresPatch(now, t0, sent)!;
    expect(Object.keys(patch.today!)).toEqual(['clues']);
    expect(Object.keys(patch.recent!)).toEqual(['clues']);
    expect(patch.today!.clues!.total).toBe(3);
    expect(patchedFigures(before, patch)).toEqual(now);
  });

  test('a first send (nothing sent yet) carries every section', () => {
    const w = wall(8, 2);
    expect(patchedFigures(wall(0, 0), figuresPatch(w, t0, [])!)).toEqual(w);
  });
});
