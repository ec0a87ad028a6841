// The demo fixtures against the shared contract: schemas, referential integrity, geometry,
// lifecycles, status history, and the article's figures computed with the shared metric functions.
import { describe, test, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLUE_TRANSITIONS,
  CameraInputSchema,
  ClueEventSchema,
  ClueSchema,
  GridReportSchema,
  GridWorkerViewSchema,
  MaintenanceWindowSchema,
  RegionSchema,
  buildRegionTree,
  cameraFigures,
  cameraStateOf,
  checker,
  clueFigures,
  isDone,
  isRealTime,
  isWithin,
  mediationFigures,
  type CameraInput,
  type Clue,
  type ClueEvent,
  type GridReport,
  type GridWorkerView,
  type Region,
} from '@zhihui/shared';
import type { HistoryRow, StatusRow } from '../server/src/store/seed.js';
import { Value } from 'typebox/value';
import { AppealSchema, TopicSchema, type Appeal, type Topic } from '@zhihui/shared';

const root = fileURLToPath(new URL('../fixtures/', import.meta.url));
const dataDir = join(root, 'data');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(dataDir, name), 'utf8')) as T;

interface Meta {
  anchor: string;
  windowStart: string;
  windowDays: number;
  timezone: string;
  expected: {
    luancheng: Record<string, number>;
    shuangshanzi: Record<string, number | string>;
    fengning: Record<string, number | string>;
    langfang: Record<string, number | string>;
  };
}
type Geometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
interface Feature {
  type: 'Feature';
  properties: { code: string; name: string; approximate?: boolean };
  geometry: Geometry;
}

const regions = load<Region[]>('regions.json');
const cameras = load<CameraInput[]>('cameras.json');
const statusRows = load<StatusRow[]>('camera-status.json');
const history = load<HistoryRow[]>('status-history.json');
const clues = load<{ clue: Clue; history: ClueEvent[] }[]>('clues.json');
const workers = load<GridWorkerView[]>('grid-workers.json');
const reports = load<GridReport[]>('grid-reports.json');
const meta = load<Meta>('meta.json');

const anchor = Date.parse(meta.anchor);
const windowStart = Date.parse(meta.windowStart);
const period = { from: meta.windowStart, to: meta.anchor };
const tree = buildRegionTree(regions);
const regionByCode = new Map(regions.map((r) => [r.code, r]));
const LUANCHENG = '130111';
const SHUANGSHANZI = '130321103';
const FENGNING = '130826';
const LANGFANG = '131000';

function inRing(x: number, y: number, ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function pointIn(lon: number, lat: number, g: Geometry): boolean {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.some((p) => inRing(lon, lat, p[0] ?? []) && !p.slice(1).some((h) => inRing(lon, lat, h)));
}

const townshipGeometry = new Map<string, Geometry>();
for (const county of regions.filter((r) => r.level === 'county')) {
  const fc = JSON.parse(readFileSync(join(dataDir, 'geo', `${county.code}.json`), 'utf8')) as { features: Feature[] };
  for (const f of fc.features) townshipGeometry.set(f.properties.code, f.geometry);
}
const inCounty = (region: string, county: string) => isWithin(tree, region, county);
const cameraById = new Map(cameras.map((c) => [c.id, c]));
const statusById = new Map(statusRows.map((s) => [s.cameraId, s]));
const stateAtAnchor = (c: CameraInput) => {
  const s = statusById.get(c.id)!;
  return cameraStateOf({ inService: c.inService ?? true, status: s.status, maintenance: s.maintenance }, anchor);
};

function expectAllValid<T>(rows: readonly T[], check: (v: unknown) => { ok: boolean }, label: string) {
  const bad = rows.map((r, i) => [i, check(r)] as const).filter(([, res]) => !res.ok);
  expect(bad.slice(0, 3), `${label}: ${bad.length} invalid`).toEqual([]);
}

describe('fixtures: schemas', () => {
  test('every record matches its shared schema', () => {
    expectAllValid(regions, checker(RegionSchema), 'regions');
    expectAllValid(cameras, checker(CameraInputSchema), 'cameras');
    expectAllValid(
      clues.map((c) => c.clue),
      checker(ClueSchema),
      'clues',
    );
    expectAllValid(
      clues.flatMap((c) => c.history),
      checker(ClueEventSchema),
      'clue events',
    );
    expectAllValid(workers, checker(GridWorkerViewSchema), 'grid workers');
    expectAllValid(reports, checker(GridReportSchema), 'grid reports');
    expectAllValid(
      statusRows.flatMap((s) => (s.maintenance ? [s.maintenance] : [])),
      checker(MaintenanceWindowSchema),
      'maintenance',
    );
  });

  test('status rows and history rows are well formed', () => {
    const statuses = new Set(['online', 'offline', 'unknown']);
    const reasons = new Set(['power', 'black_screen', 'network', 'maintenance', 'other', null]);
    expect(statusRows.length).toBe(cameras.length);
    for (const s of statusRows) {
      expect(statuses.has(s.status)).toBe(true);
      expect(reasons.has(s.reason)).toBe(true);
      expect(isRealTime(s.since) && s.since.endsWith('+08:00')).toBe(true);
      if (s.status === 'online') expect(s.reason).toBeNull();
    }
    for (const h of history) {
      expect(statuses.has(h.from) && statuses.has(h.to) && h.from !== h.to).toBe(true);
      expect(reasons.has(h.reason)).toBe(true);
      if (h.to === 'online') expect(h.reason).toBeNull();
      expect(h.at.endsWith('+08:00')).toBe(true);
    }
  });

  test('every time is ISO 8601 with +08:00 and all history lies before the anchor', () => {
    const times = [
      ...clues.flatMap(({ clue, history: h }) => [
        clue.reportedAt,
        clue.updatedAt,
        ...h.map((e) => e.at),
        ...(clue.resolvedAt ? [clue.resolvedAt] : []),
      ]),
      ...reports.map((r) => r.at),
      ...history.map((h) => h.at),
    ];
    for (const t of times) {
      expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
      expect(Date.parse(t)).toBeLessThan(anchor);
    }
    expect(meta.windowDays).toBe(181);
    expect(anchor - windowStart).toBe(181 * 86_400_000);
    expect(meta.timezone).toBe('Asia/Shanghai');
  });
});

describe('fixtures: regions and geometry', () => {
  test('the region tree is complete and rooted at Hebei', () => {
    expect(new Set(regions.map((r) => r.code)).size).toBe(regions.length);
    expect(tree.roots.map((r) => r.code)).toEqual(['130000']);
    for (const r of regions) if (r.parent !== null) expect(regionByCode.has(r.parent), r.code).toBe(true);
    const levelOf = { 6: ['province', 'city', 'county'], 9: ['township'] } as Record<number, string[]>;
    for (const r of regions) expect(levelOf[r.code.length]).toContain(r.level);
    const luancheng = regions.filter((r) => r.parent === LUANCHENG).map((r) => `${r.code} ${r.name}`);
    expect(luancheng).toEqual([
      '130111100 栾城镇',
      '130111103 冶河镇',
      '130111104 窦妪镇',
      '130111105 楼底镇',
      '130111200 南高乡',
      '130111201 柳林屯乡',
      '130111202 西营乡',
    ]);
    const langfangCounties = regions.filter((r) => r.parent === LANGFANG).map((r) => r.code);
    expect(langfangCounties).toHaveLength(10);
    expect(langfangCounties).not.toContain('131071');
    expect(regionByCode.get('130826107')?.name).toBe('黑山咀镇');
    expect(regionByCode.get(SHUANGSHANZI)?.name).toBe('双山子镇');
    expect(regions.filter((r) => r.parent === FENGNING)).toHaveLength(27);
  });

  test('each region with children has a children file, each township center lies in its polygon', () => {
    for (const r of regions) {
      const kids = regions
        .filter((k) => k.parent === r.code)
        .map((k) => k.code)
        .sort();
      if (kids.length === 0) continue;
      const fc = JSON.parse(readFileSync(join(dataDir, 'geo', `${r.code}.json`), 'utf8')) as {
        type: string;
        features: Feature[];
      };
      expect(fc.type).toBe('FeatureCollection');
      expect(fc.features.map((f) => f.properties.code).sort()).toEqual(kids);
      for (const f of fc.features) expect(typeof f.properties.approximate).toBe('boolean');
    }
    for (const r of regions) {
      if (r.level === 'province') continue;
      expect(existsSync(join(dataDir, 'geo', `${r.code}.outline.json`)), r.code).toBe(true);
      if (r.level !== 'township') continue;
      expect(r.approximate).toBe(true);
      expect(r.center).not.toBeNull();
      expect(pointIn(r.center![0], r.center![1], townshipGeometry.get(r.code)!), r.code).toBe(true);
    }
  });

  test('every camera is a 20-digit GB/T 28181 id in an existing township, inside its polygon', () => {
    expect(new Set(cameras.map((c) => c.id)).size).toBe(cameras.length);
    for (const c of cameras) {
      expect(c.id).toMatch(/^\d{6}00001(31|32)\d{7}$/);
      expect(c.id.slice(0, 6)).toBe(c.region.slice(0, 6));
      expect(regionByCode.get(c.region)?.level).toBe('township');
      expect(pointIn(c.lon, c.lat, townshipGeometry.get(c.region)!), c.id).toBe(true);
    }
    const names = new Set(cameras.map((c) => c.name));
    expect(names.size).toBe(cameras.length);
  });

  test('clues and workers belong to existing townships, clue points inside them', () => {
    for (const { clue } of clues) {
      expect(regionByCode.get(clue.region)?.level).toBe('township');
      expect(pointIn(clue.lon!, clue.lat!, townshipGeometry.get(clue.region)!), clue.id).toBe(true);
    }
    for (const w of workers) expect(regionByCode.get(w.region)?.level).toBe('township');
  });
});

describe('fixtures: lifecycles and history', () => {
  test('each clue history is a valid path of CLUE_TRANSITIONS ending in the clue status', () => {
    expect(new Set(clues.map((c) => c.clue.id)).size).toBe(clues.length);
    for (const { clue, history: h } of clues) {
      expect(h[0]).toMatchObject({ from: null, to: 'reported', at: clue.reportedAt });
      for (let i = 1; i < h.length; i++) {
        const prev = h[i - 1]!;
        const e = h[i]!;
        expect(e.from).toBe(prev.to);
        expect(CLUE_TRANSITIONS[prev.to], `${clue.id} ${prev.to}→${e.to}`).toContain(e.to);
        expect(Date.parse(e.at)).toBeGreaterThan(Date.parse(prev.at));
      }
      const last = h[h.length - 1]!;
      expect(last.to).toBe(clue.status);
      expect(clue.updatedAt).toBe(last.at);
      expect(clue.createdBy).toBe('fixture');
      const resolved = h.filter((e) => e.to === 'resolved');
      expect(clue.resolvedAt).toBe(resolved.length > 0 ? resolved[resolved.length - 1]!.at : null);
      if (isDone(clue.status)) expect(clue.resolvedAt).not.toBeNull();
      if (clue.category !== 'dispute') expect(clue.outcome).toBeNull();
      if (clue.category === 'dispute' && isDone(clue.status)) expect(clue.outcome).not.toBeNull();
      const dueDays = (Date.parse(clue.dueAt!) - Date.parse(clue.reportedAt)) / 86_400_000;
      expect(dueDays >= 1 && dueDays <= 7).toBe(true);
      expect(Date.parse(clue.reportedAt)).toBeGreaterThanOrEqual(windowStart);
    }
  });

  test('grid clues have a worker of their township and exactly one grid report', () => {
    const workerById = new Map(workers.map((w) => [w.id, w]));
    const reportByClue = new Map(reports.filter((r) => r.clueId !== null).map((r) => [r.clueId, r]));
    expect(new Set(reports.map((r) => r.id)).size).toBe(reports.length);
    for (const r of reports) expect(workerById.get(r.workerId)?.region).toBe(r.region);
    for (const { clue } of clues) {
      if (clue.source !== 'grid') {
        expect(clue.gridWorkerId).toBeNull();
        continue;
      }
      expect(workerById.get(clue.gridWorkerId!)?.region).toBe(clue.region);
      const r = reportByClue.get(clue.id);
      expect(r).toMatchObject({ workerId: clue.gridWorkerId, region: clue.region, at: clue.reportedAt });
    }
    expect(reportByClue.size).toBe(clues.filter((c) => c.clue.source === 'grid').length);
    const lastReport = new Map<string, string>();
    for (const r of reports) if ((lastReport.get(r.workerId) ?? '') < r.at) lastReport.set(r.workerId, r.at);
    for (const w of workers) expect(w.lastReportAt).toBe(lastReport.get(w.id) ?? null);
  });

  test('status history is sorted, chained per channel and ends in the state at the anchor', () => {
    for (let i = 1; i < history.length; i++)
      expect(Date.parse(history[i]!.at)).toBeGreaterThanOrEqual(Date.parse(history[i - 1]!.at));
    const byCamera = new Map<string, HistoryRow[]>();
    for (const h of history) {
      expect(cameraById.has(h.cameraId)).toBe(true);
      expect(Date.parse(h.at)).toBeGreaterThanOrEqual(windowStart);
      const list = byCamera.get(h.cameraId) ?? [];
      list.push(h);
      byCamera.set(h.cameraId, list);
    }
    for (const s of statusRows) {
      const list = byCamera.get(s.cameraId) ?? [];
      if (list.length === 0) {
        expect(Date.parse(s.since), s.cameraId).toBeLessThanOrEqual(windowStart);
        continue;
      }
      for (let i = 1; i < list.length; i++) expect(list[i]!.from).toBe(list[i - 1]!.to);
      const last = list[list.length - 1]!;
      expect(last.to).toBe(s.status);
      expect(last.at).toBe(s.since);
      expect(last.reason).toBe(s.reason);
    }
    // The last two days carry enough changes for a 24-hour trend that moves.
    const recent = history.filter((h) => Date.parse(h.at) >= anchor - 2 * 86_400_000);
    expect(recent.length).toBeGreaterThan(30);
    expect(recent.filter((h) => h.to === 'online').length).toBeGreaterThan(10);
  });
});

describe('fixtures: the article figures', () => {
  const lc = cameras.filter((c) => inCounty(c.region, LUANCHENG));
  const lcClues = clues.map((c) => c.clue).filter((c) => inCounty(c.region, LUANCHENG));

  test('Luancheng cameras: 1,779 channels, 1,593 of 1,770 counted online (90.0%), 1,564 repaired', () => {
    const f = cameraFigures(lc.map(stateAtAnchor));
    expect(f.total).toBe(1779);
    expect(f.inService).toBe(1779);
    expect(f.maintenance).toBe(9);
    expect(f.online).toBe(1593);
    expect(f.offline + f.unknown).toBe(177);
    expect(f.operationalRate).toBe(0.9);
    for (const c of lc) {
      const m = statusById.get(c.id)!.maintenance;
      if (m) expect(Date.parse(m.from) < anchor && anchor < Date.parse(m.to)).toBe(true);
    }
    const ids = new Set(lc.map((c) => c.id));
    const repairs = history.filter((h) => ids.has(h.cameraId) && h.from === 'offline' && h.to === 'online');
    expect(repairs).toHaveLength(1564);
    expect(new Set(repairs.map((h) => h.cameraId)).size).toBe(1564);
    expect(meta.expected.luancheng).toMatchObject({
      cameras: 1779,
      maintenance: 9,
      online: 1593,
      operationalRate: 0.9,
      repaired: 1564,
    });
  });

  test('other counties run at 85–97% and have a few dozen channels out of service', () => {
    const counties = regions.filter((r) => r.level === 'county' && r.code !== LUANCHENG);
    for (const county of counties) {
      const f = cameraFigures(cameras.filter((c) => inCounty(c.region, county.code)).map(stateAtAnchor));
      expect(f.operationalRate!, county.name).toBeGreaterThanOrEqual(0.85);
      expect(f.operationalRate!, county.name).toBeLessThanOrEqual(0.97);
    }
    const out = cameras.filter((c) => c.inService === false);
    expect(out.length).toBeGreaterThan(10);
    expect(out.every((c) => !inCounty(c.region, LUANCHENG))).toBe(true);
    const langfang = cameras.filter((c) => inCounty(c.region, LANGFANG)).length;
    expect(langfang >= 4000 && langfang <= 4500).toBe(true);
  });

  test('Luancheng clues: 15 valid video clues, 9 epidemic all resolved, 972 disputes with 929 mediated, 2,046 public opinion', () => {
    const f = clueFigures(lcClues, period, anchor);
    expect(f.byCategory.epidemic).toBe(9);
    expect(f.byCategory.public_opinion).toBe(2046);
    expect(f.byCategory.dispute).toBe(972);
    expect(f.overdue).toBe(3);
    const epidemic = lcClues.filter((c) => c.category === 'epidemic');
    expect(epidemic.every((c) => c.source === 'video' && isDone(c.status))).toBe(true);
    const video = lcClues.filter((c) => c.source === 'video');
    expect(video.filter((c) => c.status !== 'invalid')).toHaveLength(15);
    expect(video.filter((c) => c.status === 'invalid')).toHaveLength(6);
    expect(lcClues.filter((c) => c.category === 'public_opinion').every((c) => c.source === 'grid')).toBe(true);
    const m = mediationFigures(lcClues, period);
    expect(m).toMatchObject({ cases: 972, success: 929, failed: 31, court: 12, pending: 0 });
    expect(m.successRate!.toFixed(3)).toBe('0.956');
    const disputes = lcClues.filter((c) => c.category === 'dispute');
    expect(disputes.every((c) => isDone(c.status) && (c.source === 'grid' || c.source === 'hotline'))).toBe(true);
    expect(
      lcClues.filter((c) => c.urgent && c.status !== 'closed' && c.status !== 'resolved').length,
    ).toBeGreaterThanOrEqual(1);
    expect(meta.expected.luancheng).toMatchObject({
      videoValidClues: 15,
      epidemic: 9,
      epidemicResolved: 9,
      disputes: 972,
      mediationSuccess: 929,
      publicOpinion: 2046,
    });
  });

  test('Shuangshanzi 说事儿日: 1,627 appeals on the 6th and 16th, 1,594 resolved', () => {
    const f = clueFigures(
      clues.map((c) => c.clue).filter((c) => c.region === SHUANGSHANZI),
      period,
      anchor,
    );
    expect(f.appeals).toEqual({ collected: 1627, resolved: 1594 });
    const appeals = clues.map((c) => c.clue).filter((c) => c.source === 'appeal_day');
    expect(appeals.every((c) => c.region === SHUANGSHANZI && ['06', '16'].includes(c.reportedAt.slice(8, 10)))).toBe(
      true,
    );
    expect(meta.expected.shuangshanzi).toMatchObject({ appealsCollected: 1627, appealsResolved: 1594 });
  });

  test('Shuangshanzi 说事儿 records: one appeal per appeal clue, 1,594 with an outcome, owners, villages, repeat appellants and topics for the 26th', () => {
    const appeals = load<Appeal[]>('appeals.json');
    const topics = load<Topic[]>('appeal-topics.json');
    for (const a of appeals) expect(Value.Check(AppealSchema, a), a.id).toBe(true);
    for (const t of topics) expect(Value.Check(TopicSchema, t), t.id).toBe(true);
    const byClue = new Map(clues.map((c) => [c.clue.id, c.clue]));
    expect(appeals).toHaveLength(1627);
    expect(appeals.filter((a) => a.outcome !== null)).toHaveLength(1594);
    for (const a of appeals) {
      const c = byClue.get(a.clueId!)!;
      expect(c.source).toBe('appeal_day');
      expect(a.heardAt).toBe(c.reportedAt);
      // An outcome exactly when the clue is done (办结), and then one owner.
      expect(a.outcome !== null).toBe(c.status === 'resolved' || c.status === 'closed');
      if (a.outcome !== null) expect(a.owner).not.toBeNull();
    }
    expect(new Set(appeals.map((a) => a.outcome)).size).toBe(4);
    expect(new Set(appeals.map((a) => a.village)).size).toBeGreaterThanOrEqual(10);
    const keys = appeals.map((a) => `${a.village}|${a.appellant}|${a.category}`);
    expect(keys.length - new Set(keys).size).toBeGreaterThan(10);
    expect(topics.length).toBeGreaterThanOrEqual(12);
    for (const t of topics) {
      expect(t.meetingDate.slice(8)).toBe('26');
      const members = appeals.filter((a) => a.topicId === t.id);
      expect(members.length).toBeGreaterThanOrEqual(3);
      expect(new Set(members.map((m) => m.village)).size).toBe(1);
      expect(t.decision).toBeTruthy();
    }
  });

  test('grid workers: 211 in Luancheng, 823 in Fengning', () => {
    expect(workers.filter((w) => inCounty(w.region, LUANCHENG))).toHaveLength(211);
    expect(workers.filter((w) => inCounty(w.region, FENGNING))).toHaveLength(823);
    expect(new Set(workers.map((w) => w.id)).size).toBe(workers.length);
    const share = workers.filter((w) => w.onDuty).length / workers.length;
    expect(share > 0.55 && share < 0.75).toBe(true);
    expect(meta.expected.luancheng.gridWorkers).toBe(211);
    expect(meta.expected.fengning.gridWorkers).toBe(823);
  });

  test('Langfang: 10 counties and their townships as meta says', () => {
    const townships = regions.filter((r) => r.level === 'township' && inCounty(r.code, LANGFANG));
    expect(meta.expected.langfang).toMatchObject({ counties: 10, townships: townships.length });
  });
});

describe('fixtures: reproducible', () => {
  // The generator's inputs ship in fixtures/sources, so this also runs on a clean clone.
  test('npm run fixtures regenerates byte-identical files', () => {
    const out = mkdtempSync(join(tmpdir(), 'zhihui-fixtures-'));
    try {
      execFileSync(process.execPath, [join(root, 'generate', 'index.mjs')], {
        env: { ...process.env, FIXTURES_OUT: out },
        stdio: 'pipe',
      });
      const hashes = (dir: string) => {
        const files: string[] = [];
        const walk = (d: string, prefix: string) => {
          for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
            else
              files.push(
                `${prefix}${e.name} ${createHash('sha256')
                  .update(readFileSync(join(d, e.name)))
                  .digest('hex')}`,
              );
          }
        };
        walk(dir, '');
        return files;
      };
      expect(hashes(out)).toEqual(hashes(dataDir));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
