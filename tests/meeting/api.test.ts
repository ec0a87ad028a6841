import { shownRate } from '../support/figures.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.js';
import { skipWithoutBrowser } from '../support/browser.js';

// A small world of our own: one county, three townships, no seeded channels or clues, so every
// figure below is computed by hand from what this test posts through the real API.
const REGIONS = [
  { code: '130100', name: '石家庄市', level: 'city', parent: null, center: [114.5, 38.04] },
  { code: '130111', name: '栾城区', level: 'county', parent: '130100', center: [114.65, 37.9] },
  { code: '130111100', name: '栾城镇', level: 'township', parent: '130111', center: [114.65, 37.88] },
  { code: '130111103', name: '冶河镇', level: 'township', parent: '130111', center: [114.59, 37.94] },
  { code: '130111104', name: '窦妪镇', level: 'township', parent: '130111', center: [114.5, 37.9] },
];
const CAM_A = '13011110001310000001';
const CAM_B = '13011110301310000001';
const DAY = { from: '2026-11-02', to: '2026-11-03' };
const Q = `from=${DAY.from}&to=${DAY.to}`;
const AUTH = { authorization: 'Bearer k' };

let app: FastifyInstance;
let dir: string;

async function ok(res: { statusCode: number; body: string }, status = 200) {
  if (res.statusCode !== status) throw new Error(`${res.statusCode}: ${res.body}`);
  return JSON.parse(res.body);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'zhihui-meeting-'));
  const fixtures = path.join(dir, 'fixtures');
  mkdirSync(path.join(fixtures, 'data'), { recursive: true });
  writeFileSync(
    path.join(fixtures, 'data', 'meta.json'),
    JSON.stringify({ anchor: '2026-07-01T00:00:00+08:00', windowStart: '2026-06-30T00:00:00+08:00', windowDays: 1 }),
  );
  writeFileSync(path.join(fixtures, 'data', 'regions.json'), JSON.stringify(REGIONS));
  app = await buildApp({
    config: {
      dataDir: path.join(dir, 'data'),
      fixturesDir: path.join(fixtures, 'data'),
      simulator: false,
      seedAnchor: 'fixture',
      apiKeys: [{ name: 'test', key: 'k' }],
      demoKey: false,
    },
    logger: false,
  });
  if (app.regions.byCode.size !== REGIONS.length) {
    // Fixture layout differs (fixturesDir may point at the folder holding data/): try that.
    await app.close();
    app = await buildApp({
      config: {
        dataDir: path.join(dir, 'data2'),
        fixturesDir: fixtures,
        simulator: false,
        seedAnchor: 'fixture',
        apiKeys: [{ name: 'test', key: 'k' }],
        demoKey: false,
      },
      logger: false,
    });
  }
  expect(app.regions.byCode.size).toBe(REGIONS.length);

  await ok(
    await app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: AUTH,
      payload: {
        cameras: [
          {
            id: CAM_A,
            name: '栾城镇·测试1号',
            region: '130111100',
            lon: 114.65,
            lat: 37.88,
            validFrom: '2026-01-01T00:00:00+08:00',
          },
          {
            id: CAM_B,
            name: '冶河镇·测试1号',
            region: '130111103',
            lon: 114.59,
            lat: 37.94,
            validFrom: '2026-01-01T00:00:00+08:00',
          },
        ],
      },
    }),
  );
  // One report per request, in time order, as a platform would send them.
  const history: [string, 'online' | 'offline', string, string?][] = [
    [CAM_A, 'online', '2026-11-01T00:00:00+08:00'],
    [CAM_B, 'online', '2026-11-01T00:00:00+08:00'],
    [CAM_A, 'offline', '2026-11-01T12:00:00+08:00', 'network'], // 12 h of 24 down on the 1st → 50 %
    [CAM_A, 'online', '2026-11-02T00:00:00+08:00'],
    [CAM_A, 'offline', '2026-11-02T06:00:00+08:00', 'power'], // 6 h of 24 down on the 2nd → 75 %
    [CAM_A, 'online', '2026-11-02T12:00:00+08:00'],
  ];
  for (const [cameraId, status, at, reason] of history) {
    const r = await ok(
      await app.inject({
        method: 'POST',
        url: '/api/v1/cameras/status',
        headers: AUTH,
        payload: { reports: [{ cameraId, status, at, ...(reason ? { reason } : {}) }] },
      }),
    );
    expect(r.accepted).toBe(1);
  }

  const clue = async (body: Record<string, unknown>) =>
    ok(await app.inject({ method: 'POST', url: '/api/v1/clues', headers: AUTH, payload: body }), 201);
  const patch = async (id: string, body: Record<string, unknown>) =>
    ok(await app.inject({ method: 'PATCH', url: `/api/v1/clues/${id}`, headers: AUTH, payload: body }));
  // The 2nd: in 栾城镇 one hazard left open past its due time, one dispute mediated; in 冶河镇 one appeal resolved.
  await clue({
    id: 'T-OVERDUE',
    category: 'hazard',
    source: 'grid',
    region: '130111100',
    title: '测试,"超期"线索',
    reportedAt: '2026-11-02T08:00:00+08:00',
    dueAt: '2026-11-02T12:00:00+08:00',
  });
  await clue({
    id: 'T-DISPUTE',
    category: 'dispute',
    source: 'hotline',
    region: '130111100',
    title: '邻里纠纷',
    reportedAt: '2026-11-02T09:00:00+08:00',
    dueAt: '2026-11-05T09:00:00+08:00',
  });
  await patch('T-DISPUTE', { status: 'verified', at: '2026-11-02T09:30:00+08:00' });
  await patch('T-DISPUTE', { status: 'resolved', outcome: 'success', at: '2026-11-02T10:00:00+08:00' });
  await clue({
    id: 'T-APPEAL',
    category: 'public_opinion',
    source: 'appeal_day',
    region: '130111103',
    title: '说事儿:路灯不亮',
    reportedAt: '2026-11-02T10:00:00+08:00',
    dueAt: '2026-11-05T10:00:00+08:00',
  });
  await patch('T-APPEAL', { status: 'verified', at: '2026-11-02T10:30:00+08:00' });
  await patch('T-APPEAL', { status: 'resolved', at: '2026-11-02T11:00:00+08:00' });
  // The 1st (the previous period): one clue in 栾城镇, resolved.
  await clue({
    id: 'T-PREV',
    category: 'environment',
    source: 'video',
    region: '130111100',
    title: '河道漂浮物',
    reportedAt: '2026-11-01T10:00:00+08:00',
    dueAt: '2026-11-03T10:00:00+08:00',
  });
  await patch('T-PREV', { status: 'verified', at: '2026-11-01T10:30:00+08:00' });
  await patch('T-PREV', { status: 'resolved', at: '2026-11-01T11:00:00+08:00' });
}, 120_000);

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/v1/regions/:code/ranking', () => {
  test('time-weighted uptime from the posted history: 6 h down of 24 → 75 %, against 50 % the day before', async () => {
    const r = await ok(await app.inject(`/api/v1/regions/130111/ranking?${Q}`));
    expect(r.kind).toBe('custom');
    expect(r.period).toEqual({ from: '2026-11-02T00:00:00+08:00', to: '2026-11-03T00:00:00+08:00' });
    expect(r.previous).toEqual({ from: '2026-11-01T00:00:00+08:00', to: '2026-11-02T00:00:00+08:00' });
    expect(r.rows.map((x: { region: { name: string } }) => x.region.name)).toEqual(['冶河镇', '栾城镇', '窦妪镇']);
    const [b, a, none] = r.rows;
    expect(a.current.cameras.timeWeightedRate).toBeCloseTo(0.75, 9);
    expect(a.previous.cameras.timeWeightedRate).toBeCloseTo(0.5, 9);
    expect(a.delta.rate).toBeCloseTo(0.25, 9);
    expect(a.current.cameras.repaired).toBe(2); // back online at 00:00 and at 12:00
    expect(a.current.cameras.newlyFailed).toBe(1);
    expect(a.delta.repaired).toBe(2);
    expect(b.current.cameras.timeWeightedRate).toBe(1);
    expect(b.delta.rate).toBe(0);
    expect(none.current.cameras.timeWeightedRate).toBeNull();
    expect(none.delta.rate).toBeNull();
    expect(r.total.current.cameras.timeWeightedRate).toBeCloseTo(0.875, 9);
  });

  test('clue, mediation and appeal figures with their change', async () => {
    const r = await ok(await app.inject(`/api/v1/regions/130111/ranking?${Q}&sort=overdue`));
    expect(r.sort).toBe('overdue');
    expect(r.dir).toBe('asc'); // fewer overdue is better: best first
    const a = r.rows.find((x: { region: { code: string } }) => x.region.code === '130111100');
    expect(a.current.clues.total).toBe(2);
    expect(a.current.clues.overdue).toBe(1);
    expect(a.current.clues.resolvedRate).toBe(0.5);
    expect(a.current.mediation.successRate).toBe(1);
    expect(a.previous.clues.total).toBe(1);
    expect(a.delta).toMatchObject({ received: 1, resolved: 0, overdue: 1, resolvedRate: -0.5, mediationRate: null });
    const b = r.rows.find((x: { region: { code: string } }) => x.region.code === '130111103');
    expect(b.current.clues.appeals).toEqual({ collected: 1, resolved: 1 });
    expect(b.delta.appealsResolved).toBe(1);
    expect(r.rows[r.rows.length - 1].region.code).toBe('130111100'); // the one with an overdue clue, last
  });

  test('every row equals the summary API for both periods (one computation for wall, API and meeting)', async () => {
    const r = await ok(await app.inject(`/api/v1/regions/130111/ranking?${Q}`));
    const cur = await ok(await app.inject(`/api/v1/regions/130111/summary?${Q}`));
    const prev = await ok(await app.inject(`/api/v1/regions/130111/summary?from=2026-11-01&to=2026-11-02`));
    const { children: curChildren, ...curTotal } = cur;
    expect(r.total.current).toEqual(curTotal);
    for (const row of r.rows) {
      expect(row.current).toEqual(
        curChildren.find((c: { region: { code: string } }) => c.region.code === row.region.code),
      );
      expect(row.previous).toEqual(
        prev.children.find((c: { region: { code: string } }) => c.region.code === row.region.code),
      );
    }
  });

  test('bad input is a 400 naming the field; unknown regions 404', async () => {
    const bad = await app.inject(`/api/v1/regions/130111/ranking?period=fortnight`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^period:/);
    expect((await app.inject(`/api/v1/regions/130111/ranking?${Q}&sort=speed`)).json().error.details[0].field).toBe(
      'sort',
    );
    expect((await app.inject(`/api/v1/regions/130111/ranking?from=2026-11-03&to=2026-11-02`)).statusCode).toBe(400);
    expect((await app.inject(`/api/v1/regions/999999/ranking?${Q}`)).json().error.code).toBe('UNKNOWN_REGION');
  });
});

describe('drill-down lists', () => {
  test('outages: the channel down 6 h with its reason; the always-up one absent', async () => {
    const r = await ok(await app.inject(`/api/v1/regions/130111/outages?${Q}`));
    expect(r.total).toBe(1);
    expect(r.items[0]).toMatchObject({
      id: CAM_A,
      downMs: 6 * 3600_000,
      countedMs: 24 * 3600_000,
      failures: 1,
      reason: 'power',
    });
  });
});

const parseCsv = (body: string) =>
  body
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');

describe('CSV exports', () => {
  test('ranking.csv: BOM, header, one row per township in rank order plus the total, Chinese filename', async () => {
    const res = await app.inject(`/api/v1/regions/130111/ranking.csv?${Q}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const cd = String(res.headers['content-disposition']);
    expect(cd).toMatch(/^attachment; filename="ranking-130111-2026-11-02\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(cd.split("UTF-8''")[1]!)).toBe('栾城区_排名_2026-11-02.csv');
    const lines = parseCsv(res.body);
    expect(lines[0]!.split(',').slice(0, 5)).toEqual([
      '排名',
      '区划代码',
      '名称',
      '运行率(时间加权)',
      '运行率较上期(百分点)',
    ]);
    expect(lines).toHaveLength(5);
    expect(lines[1]!.startsWith('1,130111103,冶河镇,100.0%,0,')).toBe(true);
    expect(lines[2]!.startsWith('2,130111100,栾城镇,75.0%,25,')).toBe(true);
    expect(lines[3]!.startsWith('3,130111104,窦妪镇,,,')).toBe(true);
    expect(lines[4]!.startsWith('合计,130111,栾城区,87.5%,')).toBe(true);

    // n, N and the rate to four decimals ride beside every rate, and the shown percent is n/N
    // floored (recomputed here with integers, not by the code under test).
    const header = lines[0]!.split(',');
    const col = (name: string) => header.indexOf(name);
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const onlineMs = Math.round(Number(cells[col('在线时长(通道·秒)')]) * 1000);
      const countedMs = Math.round(Number(cells[col('应计时长(通道·秒)')]) * 1000);
      if (countedMs === 0) {
        expect(cells[col('运行率(四位小数)')]).toBe('');
        continue;
      }
      const fourth = (BigInt(onlineMs) * 10000n) / BigInt(countedMs);
      expect(Number(cells[col('运行率(四位小数)')])).toBe(Number(fourth) / 10000);
      expect(cells[col('运行率(时间加权)')]).toBe(shownRate(onlineMs, countedMs));
      const [cases, success] = [Number(cells[col('调解件数')]), Number(cells[col('调解成功')])];
      expect(cells[col('调解成功率')]).toBe(cases > 0 ? shownRate(success, cases) : '');
      const [received, resolved] = [Number(cells[col('受理线索')]), Number(cells[col('办结线索')])];
      expect(cells[col('办结率')]).toBe(received > 0 ? shownRate(resolved, received) : '');
    }
    // The county total pools its townships' channel-time.
    const sum = (name: string) =>
      lines.slice(1, -1).reduce((a, l) => a + Math.round(Number(l.split(',')[col(name)]) * 1000), 0);
    const total = lines[lines.length - 1]!.split(',');
    expect(Math.round(Number(total[col('在线时长(通道·秒)')]) * 1000)).toBe(sum('在线时长(通道·秒)'));
    expect(Math.round(Number(total[col('应计时长(通道·秒)')]) * 1000)).toBe(sum('应计时长(通道·秒)'));
  });

  test('clues.csv: one row per clue of the period with labels, commas and quotes quoted', async () => {
    const res = await app.inject(`/api/v1/clues.csv?region=130111&${Q}`);
    expect(res.statusCode).toBe(200);
    expect(res.body.charCodeAt(0)).toBe(0xfeff);
    expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1]!)).toBe(
      '栾城区_线索清单_自定义_2026-11-02.csv',
    );
    const lines = parseCsv(res.body);
    expect(lines[0]).toBe(
      '编号,标题,类别,来源,区划代码,区域,状态,是否超期,上报时间,办理期限,办结时间,承办单位,调解结果,紧急',
    );
    expect(lines).toHaveLength(4); // the 1st's clue is outside the period
    const overdue = lines.find((l) => l.startsWith('T-OVERDUE'))!;
    expect(overdue).toBe(
      'T-OVERDUE,"测试,""超期""线索",安全隐患,网格上报,130111100,栾城镇,上报,是,2026-11-02 08:00:00,2026-11-02 12:00:00,,,,否',
    );
    expect(lines.find((l) => l.startsWith('T-DISPUTE'))).toContain(',办结,否,');
    expect(lines.find((l) => l.startsWith('T-DISPUTE'))).toContain(',调解成功,');
    const open = parseCsv((await app.inject(`/api/v1/clues.csv?region=130111100&${Q}&status=reported`)).body);
    expect(open).toHaveLength(2);
    expect((await app.inject(`/api/v1/clues.csv?region=130111&status=lost`)).statusCode).toBe(400);
  });
});

describe('report', () => {
  test('report.html: the Chinese title, the period, the ranking and the overdue clue, escaped', async () => {
    const res = await app.inject(`/api/v1/regions/130111/report.html?${Q}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.body;
    expect(html).toContain('<h1>栾城区综合指挥工作调度报告</h1>');
    expect(html).toContain('2026年11月2日(自定义)');
    expect(html).toContain('一、主要指标');
    expect(html).toContain('二、乡镇(街道)排名');
    expect(html).toContain('三、超期线索');
    expect(html).toContain('测试,&quot;超期&quot;线索');
    expect(html).toContain('size: A4');
    expect(html).not.toMatch(/https?:\/\//); // self-contained: nothing fetched when printed
  });

  test('one name per figure: the report and the ranking CSV call each figure the same', async () => {
    const html = (await app.inject(`/api/v1/regions/130111/report.html?${Q}`)).body;
    const header = parseCsv((await app.inject(`/api/v1/regions/130111/ranking.csv?${Q}`)).body)[0]!.split(',');
    // The names chosen in #16 (one wording each), written out here rather than read from the code.
    for (const name of [
      '运行率(时间加权)',
      '离线及失联',
      '状态未知(平台离线)',
      '修复',
      '新增故障',
      '受理线索',
      '办结线索',
      '超期未办',
      '办结率',
      '调解成功率',
      '说事儿解决',
      '网格上报',
    ]) {
      expect(header).toContain(name);
      // The report adds the unit inside the parentheses: 状态未知(平台离线,路).
      expect(html).toContain(name.replace(/\)$/, ''));
    }
    // The old variants are gone from both.
    for (const old of ['超期线索数', '离线通道数', '修复通道数', '超期线索,', '期末离线及失联通道']) {
      expect(header.join(',') + html).not.toContain(old);
    }
  });

  test.skipIf(skipWithoutBrowser('report.pdf', { pdf: true }))(
    'report.pdf: an A4 PDF whose text holds the title and the figures',
    async () => {
      const res = await app.inject(`/api/v1/regions/130111/report.pdf?${Q}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(decodeURIComponent(String(res.headers['content-disposition']).split("UTF-8''")[1]!)).toBe(
        '栾城区综合指挥工作调度报告_2026-11-02.pdf',
      );
      const file = path.join(dir, 'r.pdf');
      writeFileSync(file, res.rawPayload);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('栾城区综合指挥工作调度报告');
      expect(text).toContain('75.0%');
      expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(
        /Page size:\s+595(\.\d+)? x 842(\.\d+)? pts \(A4\)|Page size:\s+594\.96 x 841\.92 pts \(A4\)/,
      );
    },
  );
});
