import { describe, expect, test } from 'vitest';
import type { Clue } from '../schemas/clue.js';
import type { Region } from '../schemas/region.js';
import { sumRegionFigures } from '../metrics/figures.js';
import { applyDelta, compareClues } from './applyDelta.js';
import { MAX_WALL_CLUES, PROTOCOL_VERSION, type RegionDelta, type RegionSnapshot, type WallFigures } from './events.js';

const county: Region = { code: '130111', name: '栾城区', level: 'county', parent: '130100', center: [114.65, 37.9] };
const towns: Region[] = [
  { code: '130111100', name: '栾城镇', level: 'township', parent: '130111', center: null },
  { code: '130111101', name: '冶河镇', level: 'township', parent: '130111', center: null },
];
const today = { from: '2026-11-27T00:00:00+08:00', to: '2026-11-28T00:00:00+08:00' };
const recent = { from: '2026-05-30T00:00:00+08:00', to: '2026-11-28T00:00:00+08:00' };

function wall(r: Region, onlineMarker = 0): WallFigures {
  const ref = { code: r.code, name: r.name, level: r.level };
  const f = { today: sumRegionFigures(ref, today, []), recent: sumRegionFigures(ref, recent, []) };
  f.today.cameras.online = onlineMarker;
  return f;
}

function clue(id: string, reportedAt: string): Clue {
  return {
    id,
    category: 'hazard',
    source: 'grid',
    region: '130111100',
    title: id,
    description: null,
    lon: null,
    lat: null,
    reportedAt,
    dueAt: null,
    status: 'reported',
    assignee: null,
    outcome: null,
    urgent: false,
    gridWorkerId: null,
    resolvedAt: null,
    updatedAt: reportedAt,
    createdBy: 'test',
  };
}

function snapshot(): RegionSnapshot {
  return {
    v: PROTOCOL_VERSION,
    seq: 41,
    at: '2026-11-27T10:00:00+08:00',
    region: county,
    path: [],
    children: towns,
    periods: { today, recent },
    figures: wall(county),
    childFigures: towns.map((t) => wall(t)),
    cameras: {
      id: ['c0', 'c1', 'c2'],
      name: ['一号', '二号', '三号'],
      child: [0, 1, -1],
      lon: [114.6, 114.7, 114.65],
      lat: [37.9, 37.8, 37.85],
      state: [0, 0, 1],
      reason: [0, 0, 2],
      since: [1_764_200_000, 1_764_200_000, 1_764_100_000],
    },
    clues: [clue('b', '2026-11-27T09:00:00+08:00'), clue('a', '2026-11-27T08:00:00+08:00')],
    downLongest: [],
    trend: { t: [], rate: [] },
  };
}

const delta = (over: Partial<RegionDelta> = {}): RegionDelta => ({
  v: PROTOCOL_VERSION,
  seq: 42,
  at: '2026-11-27T10:00:05.750+08:00',
  ...over,
});

function applied(s: RegionSnapshot, d: RegionDelta): RegionSnapshot {
  const r = applyDelta(s, d);
  if (!r.ok) throw new Error(`applyDelta failed: ${r.reason}`);
  return r.snapshot;
}

describe('applyDelta: sequence and version', () => {
  test('the next seq applies and carries the delta time', () => {
    const next = applied(snapshot(), delta());
    expect(next.seq).toBe(42);
    expect(next.at).toBe('2026-11-27T10:00:05.750+08:00');
  });

  test('a skipped, repeated or old seq is a gap', () => {
    for (const seq of [43, 41, 40, 100])
      expect(applyDelta(snapshot(), delta({ seq }))).toEqual({ ok: false, reason: 'gap' });
  });

  test('a different protocol version is refused before anything else', () => {
    expect(applyDelta(snapshot(), delta({ v: PROTOCOL_VERSION + 1 }))).toEqual({ ok: false, reason: 'version' });
    expect(applyDelta(snapshot(), delta({ v: PROTOCOL_VERSION + 1, seq: 99 }))).toEqual({
      ok: false,
      reason: 'version',
    });
  });

  test('an empty delta changes nothing but seq and at', () => {
    const s = snapshot();
    const next = applied(s, delta());
    expect({ ...next, seq: s.seq, at: s.at }).toEqual(s);
  });
});

describe('applyDelta: cameras', () => {
  test('columns are updated by row index; since = floor(delta.at in s) − ago', () => {
    const s = snapshot();
    const base = Math.floor(Date.parse('2026-11-27T10:00:05.750+08:00') / 1000);
    const next = applied(s, delta({ cams: { i: [2, 0], s: [0, 1], r: [0, 1], ago: [0, 125] } }));
    expect(next.cameras.state).toEqual([1, 0, 0]);
    expect(next.cameras.reason).toEqual([1, 0, 0]);
    expect(next.cameras.since).toEqual([base - 125, 1_764_200_000, base]);
    // untouched columns are as they were
    expect(next.cameras.id).toEqual(['c0', 'c1', 'c2']);
    expect(next.cameras.child).toEqual([0, 1, -1]);
  });

  test('an index out of range is refused', () => {
    expect(applyDelta(snapshot(), delta({ cams: { i: [3], s: [0], r: [0], ago: [0] } }))).toEqual({
      ok: false,
      reason: 'range',
    });
    expect(applyDelta(snapshot(), delta({ cams: { i: [-1], s: [0], r: [0], ago: [0] } }))).toEqual({
      ok: false,
      reason: 'range',
    });
  });

  test('a later change of the same row in one delta wins', () => {
    const next = applied(snapshot(), delta({ cams: { i: [1, 1], s: [1, 2], r: [3, 0], ago: [10, 0] } }));
    expect(next.cameras.state[1]).toBe(2);
    expect(next.cameras.reason[1]).toBe(0);
  });
});

describe('applyDelta: clues', () => {
  test('upserts by id and keeps newest-first order', () => {
    const s = snapshot();
    const updatedA = { ...clue('a', '2026-11-27T08:00:00+08:00'), status: 'verified' as const };
    const c = clue('c', '2026-11-27T09:30:00+08:00');
    const next = applied(s, delta({ clues: [updatedA, c] }));
    expect(next.clues.map((x) => x.id)).toEqual(['c', 'b', 'a']);
    expect(next.clues.find((x) => x.id === 'a')?.status).toBe('verified');
  });

  test('clues reported at the same instant are ordered by id', () => {
    const t = '2026-11-27T09:00:00+08:00';
    const next = applied(snapshot(), delta({ clues: [clue('z', t), clue('a0', t)] }));
    expect(next.clues.map((x) => x.id)).toEqual(['a0', 'b', 'z', 'a']);
  });

  test(`the list stays bounded by MAX_WALL_CLUES (${MAX_WALL_CLUES}), dropping the oldest`, () => {
    const start = Date.parse('2026-11-27T00:00:00+08:00');
    const many = Array.from({ length: MAX_WALL_CLUES + 10 }, (_, k) =>
      clue(`n${k}`, new Date(start + k * 1000).toISOString()),
    );
    const next = applied(snapshot(), delta({ clues: many }));
    expect(next.clues).toHaveLength(MAX_WALL_CLUES);
    // n0…n509 are 00:00:00–00:08:29, older than 'b' (09:00) and 'a' (08:00): the 12 oldest go.
    expect(next.clues.map((x) => x.id).slice(0, 3)).toEqual(['b', 'a', `n${MAX_WALL_CLUES + 9}`]);
    const ids = new Set(next.clues.map((x) => x.id));
    for (let k = 0; k < 12; k++) expect(ids.has(`n${k}`)).toBe(false);
    expect(ids.has('n12')).toBe(true);
    expect([...next.clues].sort(compareClues)).toEqual(next.clues);
  });
});

describe('applyDelta: figures and the rest', () => {
  test('childFigures are replaced by index; others untouched', () => {
    const s = snapshot();
    const f = wall(towns[1]!, 7);
    const next = applied(s, delta({ childFigures: [[1, f]] }));
    expect(next.childFigures[1]).toEqual(f);
    expect(next.childFigures[0]).toEqual(s.childFigures[0]);
  });

  test('a patch replaces only the sections it carries; the rest stand as held', () => {
    const s = snapshot();
    s.figures.today.clues.total = 5;
    s.childFigures[1]!.recent.grid.workers = 12;
    const cameras = { ...s.figures.today.cameras, online: 9, offline: 1 };
    const child = { ...s.childFigures[1]!.today.cameras, online: 4 };
    const next = applied(
      s,
      delta({ figures: { today: { cameras } }, childFigures: [[1, { today: { cameras: child } }]] }),
    );
    expect(next.figures.today.cameras).toEqual(cameras);
    expect(next.figures.today.clues.total).toBe(5);
    expect(next.figures.today.region).toEqual(s.figures.today.region);
    expect(next.figures.recent).toEqual(s.figures.recent);
    expect(next.childFigures[1]!.today.cameras.online).toBe(4);
    expect(next.childFigures[1]!.recent.grid.workers).toBe(12);
    expect(next.childFigures[0]).toEqual(s.childFigures[0]);
  });

  test('a child index out of range is refused', () => {
    expect(applyDelta(snapshot(), delta({ childFigures: [[2, wall(county)]] }))).toEqual({
      ok: false,
      reason: 'range',
    });
    expect(applyDelta(snapshot(), delta({ childFigures: [[-1, wall(county)]] }))).toEqual({
      ok: false,
      reason: 'range',
    });
  });

  test('figures, downLongest, trend and periods are replaced when present', () => {
    const figures = wall(county, 3);
    const downLongest = [
      {
        id: 'c2',
        name: '三号',
        region: '130111',
        regionName: '栾城区',
        state: 'offline' as const,
        reason: 'network',
        since: '2026-11-26T10:00:00+08:00',
      },
    ];
    const trend = { t: [1_764_205_200], rate: [0.9] };
    const periods = { today: { from: '2026-11-28T00:00:00+08:00', to: '2026-11-29T00:00:00+08:00' }, recent };
    const next = applied(snapshot(), delta({ figures, downLongest, trend, periods }));
    expect(next.figures.today.cameras.online).toBe(3);
    expect(next.downLongest).toEqual(downLongest);
    expect(next.trend).toEqual(trend);
    expect(next.periods).toEqual(periods);
  });
});

describe('applyDelta: the input snapshot is not mutated', () => {
  test('after a full delta, and after a refused one', () => {
    const s = snapshot();
    const copy = JSON.parse(JSON.stringify(s)) as RegionSnapshot;
    applied(
      s,
      delta({
        cams: { i: [0, 1, 2], s: [2, 2, 2], r: [1, 1, 1], ago: [1, 2, 3] },
        clues: [
          clue('c', '2026-11-27T09:30:00+08:00'),
          { ...clue('a', '2026-11-27T08:00:00+08:00'), status: 'invalid' },
        ],
        figures: wall(county, 5),
        childFigures: [[0, wall(towns[0]!, 9)]],
        trend: { t: [1], rate: [null] },
      }),
    );
    expect(s).toEqual(copy);
    // a delta refused half-way (valid row first, bad row second) leaves the input alone too
    applyDelta(s, delta({ cams: { i: [0, 9], s: [2, 2], r: [1, 1], ago: [0, 0] } }));
    applyDelta(
      s,
      delta({
        childFigures: [
          [0, wall(towns[0]!, 9)],
          [5, wall(county)],
        ],
      }),
    );
    expect(s).toEqual(copy);
  });

  test('applying a chain of deltas equals applying them one by one to fresh copies', () => {
    const s = snapshot();
    const d1 = delta({ cams: { i: [0], s: [1], r: [1], ago: [0] } });
    const d2 = delta({ seq: 43, at: '2026-11-27T10:00:06+08:00', cams: { i: [0], s: [0], r: [0], ago: [1] } });
    const s2 = applied(applied(s, d1), d2);
    expect(s2.seq).toBe(43);
    expect(s2.cameras.state[0]).toBe(0);
    expect(s2.cameras.since[0]).toBe(Math.floor(Date.parse('2026-11-27T10:00:06+08:00') / 1000) - 1);
    expect(s.cameras.state[0]).toBe(0);
    expect(s.cameras.since[0]).toBe(1_764_200_000);
  });
});

describe('compareClues', () => {
  test('newest first, then by id, whatever the offset', () => {
    const a = { id: 'x', reportedAt: '2026-11-27T09:00:00+08:00' };
    const b = { id: 'y', reportedAt: '2026-11-27T01:00:01Z' }; // 09:00:01 Shanghai: newer
    const c = { id: 'w', reportedAt: '2026-11-27T01:00:00Z' }; // same instant as a
    expect([a, b, c].sort(compareClues).map((x) => x.id)).toEqual(['y', 'w', 'x']);
    expect(compareClues(a, a)).toBe(0);
  });
});
