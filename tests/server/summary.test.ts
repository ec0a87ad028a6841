import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Clue, RegionFigures, RegionSummary } from '@zhihui/shared';
import { computeSummary } from '../../server/src/domain/summary.js';
import { testApp, tmpDir } from './helpers.js';

const meta = JSON.parse(readFileSync(new URL('../../fixtures/data/meta.json', import.meta.url), 'utf8')) as {
  anchor: string;
  windowStart: string;
  expected: { luancheng: Record<string, number> };
};
const expected = meta.expected.luancheng;
const period = { from: meta.windowStart, to: meta.anchor };

/** Sums the additive figures of the children, to compare with the parent's. */
function sums(children: RegionFigures[]) {
  const s = {
    total: 0,
    inService: 0,
    maintenance: 0,
    online: 0,
    offline: 0,
    unknown: 0,
    repaired: 0,
    newlyFailed: 0,
    clues: 0,
    overdue: 0,
    cases: 0,
    success: 0,
    workers: 0,
    onDuty: 0,
    reports: 0,
    appeals: 0,
  };
  for (const c of children) {
    s.total += c.cameras.total;
    s.inService += c.cameras.inService;
    s.maintenance += c.cameras.maintenance;
    s.online += c.cameras.online;
    s.offline += c.cameras.offline;
    s.unknown += c.cameras.unknown;
    s.repaired += c.cameras.repaired;
    s.newlyFailed += c.cameras.newlyFailed;
    s.clues += c.clues.total;
    s.overdue += c.clues.overdue;
    s.cases += c.mediation.cases;
    s.success += c.mediation.success;
    s.workers += c.grid.workers;
    s.onDuty += c.grid.onDuty;
    s.reports += c.grid.reports;
    s.appeals += c.clues.appeals.collected;
  }
  return s;
}

const own = (f: RegionFigures) => ({
  total: f.cameras.total,
  inService: f.cameras.inService,
  maintenance: f.cameras.maintenance,
  online: f.cameras.online,
  offline: f.cameras.offline,
  unknown: f.cameras.unknown,
  repaired: f.cameras.repaired,
  newlyFailed: f.cameras.newlyFailed,
  clues: f.clues.total,
  overdue: f.clues.overdue,
  cases: f.mediation.cases,
  success: f.mediation.success,
  workers: f.grid.workers,
  onDuty: f.grid.onDuty,
  reports: f.grid.reports,
  appeals: f.clues.appeals.collected,
});

describe('summary over the seeded fixtures', () => {
  const t = tmpDir();
  let app: FastifyInstance;
  let summary: RegionSummary;
  beforeAll(async () => {
    app = await testApp(t.dir);
    summary = await computeSummary(app.store, app.regions, '130111', period, Date.parse(meta.anchor) + 3600_000);
  });
  afterAll(async () => {
    await app.close();
    t.cleanup();
  });

  test('130111 reproduces the seed figures', () => {
    expect(summary.region).toEqual({ code: '130111', name: '栾城区', level: 'county' });
    const c = summary.cameras;
    expect(c.total).toBe(expected.cameras);
    expect(c.maintenance).toBe(expected.maintenance);
    expect(c.inService - c.maintenance).toBe(1770);
    expect(c.online).toBe(1593);
    expect(c.offline).toBe(expected.offline);
    expect(c.unknown).toBe(expected.unknown);
    expect(c.operationalRate).toBeCloseTo(0.9, 3);
    expect(c.repaired).toBe(1564);
    expect(c.timeWeightedRate).not.toBeNull();
    expect(c.timeWeightedRate!).toBeGreaterThan(0.5);
    expect(c.timeWeightedRate!).toBeLessThanOrEqual(1);
    expect(summary.mediation.cases).toBe(972);
    expect(summary.mediation.success).toBe(929);
    expect(summary.mediation.successRate).toBeCloseTo(929 / 972, 6);
    expect(summary.clues.byCategory.epidemic).toBe(expected.epidemic);
    expect(summary.grid.workers).toBe(expected.gridWorkers);
  });

  test('children are the 7 townships and add up to the county', () => {
    expect(summary.children).toHaveLength(7);
    expect(summary.children.every((ch) => ch.region.level === 'township' && ch.region.code.startsWith('130111'))).toBe(
      true,
    );
    expect(sums(summary.children)).toEqual(own(summary));
    expect(summary.children.map((ch) => ch.cameras.repaired).reduce((a, b) => a + b, 0)).toBe(1564);
  });

  test('the 9 epidemic clues are all resolved', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/clues?region=130111&category=epidemic&from=${encodeURIComponent(meta.windowStart)}&to=${encodeURIComponent(meta.anchor)}&limit=100`,
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Clue[];
    expect(items).toHaveLength(9);
    expect(items.every((c) => c.status === 'resolved' || c.status === 'closed')).toBe(true);
  });

  test('appeals of 双山子镇 are counted as collected and resolved', async () => {
    const s = await computeSummary(app.store, app.regions, '130321', period, Date.parse(meta.anchor));
    const ssz = s.children.find(
      (c) => c.region.code === (meta.expected as unknown as { shuangshanzi: { code: string } }).shuangshanzi.code,
    )!;
    expect(ssz.clues.appeals).toEqual({ collected: 1627, resolved: 1594 });
  });

  test('the route answers the same over HTTP, and the city rolls up its counties', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/regions/130111/summary?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as RegionSummary;
    expect(body.mediation).toEqual(summary.mediation);
    expect(body.cameras.repaired).toBe(1564);
    const city = await computeSummary(app.store, app.regions, '130100', period, Date.parse(meta.anchor));
    const county = city.children.find((c) => c.region.code === '130111')!;
    expect(county.cameras.online).toBe(1593);
    expect(sums(city.children)).toEqual(own(city));
  });

  test('every read route serialises the seeded data (no response-schema mismatch)', async () => {
    const urls = [
      '/api/v1/regions',
      '/api/v1/regions/130000',
      '/api/v1/regions/130000/summary?from=2026-01-01&to=2026-07-01',
      '/api/v1/regions/131000/summary',
      '/api/v1/regions/130111/cameras?limit=1000',
      '/api/v1/regions/130111/cameras?status=offline',
      '/api/v1/clues?limit=500',
      '/api/v1/clues?region=130321103&status=resolved,closed&limit=500',
      '/api/v1/grid/workers?region=130826',
    ];
    for (const url of urls) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
    }
    const first = (await app.inject({ method: 'GET', url: '/api/v1/clues?limit=1' })).json().items[0] as Clue;
    const one = await app.inject({ method: 'GET', url: `/api/v1/clues/${first.id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json().history.length).toBeGreaterThan(0);
  });
});
