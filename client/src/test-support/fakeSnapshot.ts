// Test helper: a small, valid RegionSnapshot to build on. Not used by the app.
import {
  emptyCameraFigures,
  emptyClueFigures,
  emptyGridFigures,
  emptyMediationFigures,
  PROTOCOL_VERSION,
  type Clue,
  type Region,
  type RegionFigures,
  type RegionSnapshot,
  type WallFigures,
} from '@zhihui/shared';

const period = { from: '2026-11-27T00:00:00+08:00', to: '2026-11-28T00:00:00+08:00' };
const recent = { from: '2026-05-30T00:00:00+08:00', to: '2026-11-28T00:00:00+08:00' };

export function figures(region: Region, cams: Partial<RegionFigures['cameras']> = {}): WallFigures {
  const today: RegionFigures = {
    region: { code: region.code, name: region.name, level: region.level },
    period,
    cameras: { ...emptyCameraFigures(), ...cams },
    clues: emptyClueFigures(),
    mediation: emptyMediationFigures(),
    grid: emptyGridFigures(),
  };
  return { today, recent: { ...today, period: recent } };
}

export const COUNTY: Region = {
  code: '130111',
  name: '栾城区',
  level: 'county',
  parent: '130100',
  center: [114.65, 37.9],
  approximate: false,
};
export const TOWNSHIPS: Region[] = [
  { code: '130111100', name: '栾城镇', level: 'township', parent: '130111', center: [114.64, 37.9] },
  { code: '130111101', name: '冶河镇', level: 'township', parent: '130111', center: [114.6, 37.85] },
  { code: '130111102', name: '窦妪镇', level: 'township', parent: '130111', center: [114.7, 37.83] },
];

export function clue(id: string, over: Partial<Clue> = {}): Clue {
  return {
    id,
    category: 'dispute',
    source: 'grid',
    region: '130111101',
    title: `线索 ${id}`,
    description: null,
    lon: 114.6,
    lat: 37.85,
    reportedAt: '2026-11-27T09:00:00+08:00',
    dueAt: null,
    status: 'reported',
    assignee: null,
    outcome: null,
    urgent: false,
    gridWorkerId: null,
    resolvedAt: null,
    updatedAt: '2026-11-27T09:00:00+08:00',
    createdBy: 'test',
    ...over,
  };
}

export function snapshot(over: Partial<RegionSnapshot> = {}): RegionSnapshot {
  return {
    v: PROTOCOL_VERSION,
    seq: 10,
    at: '2026-11-27T10:00:00+08:00',
    region: COUNTY,
    path: [],
    children: TOWNSHIPS,
    periods: { today: period, recent },
    figures: figures(COUNTY, { total: 30, inService: 30, online: 27, offline: 2, unknown: 1, operationalRate: 0.9 }),
    childFigures: TOWNSHIPS.map((t, i) =>
      figures(t, { total: 10, inService: 10, online: 10 - i, offline: i, operationalRate: (10 - i) / 10 }),
    ),
    cameras: {
      id: ['c1', 'c2', 'c3'],
      name: ['一号', '二号', '三号'],
      child: [0, 1, 2],
      lon: [114.64, 114.6, 114.7],
      lat: [37.9, 37.85, 37.83],
      state: [0, 1, 2],
      reason: [0, 1, 0],
      since: [1764200000, 1764200000, 1764200000],
    },
    clues: [],
    downLongest: [],
    trend: { t: [1764172800, 1764176400], rate: [0.91, null] },
    ...over,
  };
}
