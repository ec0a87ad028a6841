// The desk's picker of recent grid reports (#14, "create a clue from a grid report"): who may read
// them (a session or a key, each within its region subtree), paging newest first, what each report
// brings to a clue, and bad query parameters answered 400 naming the field.
import { describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { GridReportItem, GridReportPage } from '@zhihui/shared';
import { AUTH, SMALL_TREE, useSmallApp } from './helpers.js';

const A = '139900100';
const B = '139900200';
const PW = 'Duty-desk-2026!';
const ADMIN = { authorization: 'Bearer admin-secret' };
const by = { name: 'cli', ref: 'cli:test' };
const MIN = 60_000;

/** Shanghai ISO time of `ms` (the form the API takes). */
const iso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
const enc = (ms: number) => encodeURIComponent(iso(ms));

interface Sent {
  id: string;
  workerId: string;
  region: string;
  at: string;
  text: string;
  clue?: { category: string; title: string; lon: number; lat: number };
}

describe('GET /api/v1/grid/reports', () => {
  let app: FastifyInstance;
  const now = Date.now();
  // Raw rows as sent: A's and B's reports interleaved, two at the same minute (the tie the cursor must not split wrongly).
  const sent: Sent[] = [
    { id: 'RA1', workerId: 'WA', region: A, at: iso(now - 50 * MIN), text: '董官庄村群众反映路灯损坏' },
    { id: 'RB1', workerId: 'WB', region: B, at: iso(now - 40 * MIN), text: '于店村相邻通行权纠纷' },
    { id: 'RA2', workerId: 'WA', region: A, at: iso(now - 30 * MIN), text: '日常巡查程家庄村,未发现异常' },
    { id: 'RA3', workerId: 'WA', region: A, at: iso(now - 30 * MIN), text: '程家务村宅基地边界纠纷' },
    {
      id: 'RA4',
      workerId: 'WA',
      region: A,
      at: iso(now - 20 * MIN),
      text: '巡查发现河道有人排污',
      clue: { category: 'environment', title: '河道排污', lon: 114.512345, lat: 37.901234 },
    },
    { id: 'RB2', workerId: 'WB', region: B, at: iso(now - 10 * MIN), text: '孙屯村电动车被盗' },
    // Older than the default week: only a `since` reaching it lists it.
    { id: 'RA0', workerId: 'WA', region: A, at: iso(now - 9 * 86_400_000), text: '走访东冯沟村重点人员,情况稳定' },
  ];
  const sessions: Record<string, string> = {};

  useSmallApp(
    (a) => (app = a),
    { adminKey: 'admin-secret' },
    async (a) => {
      const w = await a.inject({
        method: 'PUT',
        url: '/api/v1/grid/workers',
        headers: AUTH,
        payload: {
          workers: [
            { id: 'WA', name: '甲网格员', region: A },
            { id: 'WB', name: '乙网格员', region: B },
          ],
        },
      });
      expect(w.json().upserted).toBe(2);
      for (const s of sent) {
        const { clue, region: _region, ...report } = s;
        const r = await a.inject({
          method: 'POST',
          url: '/api/v1/grid/reports',
          headers: AUTH,
          payload: clue ? { ...report, clue: { ...clue, id: `C-${s.id}` } } : report,
        });
        expect(r.statusCode, r.body).toBe(201);
      }
      for (const [name, region] of [
        ['opA', A],
        ['opB', B],
      ] as const) {
        await a.people.service.add({ name, role: 'operator', region, password: PW }, by);
        const r = await a.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password: PW } });
        expect(r.statusCode).toBe(201);
        sessions[name] = String(r.headers['set-cookie']).split(';')[0]!;
      }
    },
  );

  const get = (url: string, headers: Record<string, string>) =>
    app.inject({ method: 'GET', url: `/api/v1/grid/reports${url}`, headers });
  /** Every page of a listing, followed by its cursors. */
  async function all(query: string, headers: Record<string, string>): Promise<GridReportItem[]> {
    const out: GridReportItem[] = [];
    let cursor: string | null = null;
    do {
      const r = await get(`?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers);
      expect(r.statusCode, r.body).toBe(200);
      const page = r.json() as GridReportPage;
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
  /** The expected listing, recomputed from the rows sent: within the week, newest first, ties by id descending. */
  const expected = (regions: string[]) =>
    sent
      .filter((s) => regions.includes(s.region) && Date.parse(s.at) >= now - 7 * 86_400_000)
      .sort((x, y) => Date.parse(y.at) - Date.parse(x.at) || (x.id < y.id ? 1 : -1))
      .map((s) => s.id);

  test("an operator of township A sees A's reports only: B's region is 403, and no page holds B's", async () => {
    const mine = await all('limit=2', { cookie: sessions.opA! });
    expect(mine.map((r) => r.id)).toEqual(expected([A]));
    const asked = await get(`?region=${B}`, { cookie: sessions.opA! });
    expect(asked.statusCode).toBe(403);
    expect(asked.json().error).toMatchObject({ code: 'FORBIDDEN', details: [{ field: 'region' }] });
    expect(asked.body).not.toMatch(/RB\d/);
    expect((await all('limit=1', { cookie: sessions.opB! })).map((r) => r.id)).toEqual(expected([B]));
    // A whole-tree key sees both townships, in one order across them.
    expect((await all('limit=3', AUTH)).map((r) => r.id)).toEqual(expected([A, B]));
  });

  test("a key bound to township B sees B's only; a viewer token and an anonymous read see none", async () => {
    const made = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keys',
      headers: ADMIN,
      payload: { name: '乙乡平台', scopes: ['grid'], region: B },
    });
    expect(made.statusCode, made.body).toBe(201);
    const keyB = { authorization: `Bearer ${made.json().key as string}` };
    expect((await all('limit=5', keyB)).map((r) => r.id)).toEqual(expected([B]));
    expect((await get(`?region=${A}`, keyB)).statusCode).toBe(403);
    const viewer = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/viewer-tokens',
      headers: ADMIN,
      payload: { name: '乙乡大屏', region: B },
    });
    expect(viewer.statusCode, viewer.body).toBe(201);
    const v = await get('', { authorization: `Bearer ${viewer.json().token as string}` });
    expect(v.statusCode).toBe(403);
    expect(v.body).not.toMatch(/RB\d/);
    const anon = await get('', {});
    expect(anon.statusCode).toBe(401);
    expect(anon.body).not.toMatch(/RA\d/);
    expect((await get('', { authorization: 'Bearer not-a-key' })).statusCode).toBe(401);
  });

  test('each report brings its village, category and point: from the clue it raised, else from its words and its region', async () => {
    const items = new Map((await all(`since=${enc(now - 10 * 86_400_000)}`, AUTH)).map((r) => [r.id, r]));
    expect(items.has('RA0')).toBe(true);
    const raised = sent.find((s) => s.id === 'RA4')!;
    expect(items.get('RA4')).toMatchObject({
      workerName: '甲网格员',
      regionName: '甲镇',
      clueId: 'C-RA4',
      category: raised.clue!.category,
      categoryFrom: 'clue',
      lon: raised.clue!.lon,
      lat: raised.clue!.lat,
      locationFrom: 'clue',
    });
    const seatA = SMALL_TREE.find((r) => r.code === A)!.center!;
    expect(items.get('RA3')).toMatchObject({
      village: '程家务村',
      category: 'dispute',
      categoryFrom: 'text',
      lon: seatA[0],
      lat: seatA[1],
      locationFrom: 'region',
      clueId: null,
    });
    expect(items.get('RA1')).toMatchObject({ village: '董官庄村', category: 'hazard' });
    expect(items.get('RB2')).toMatchObject({ village: '孙屯村', category: 'security', regionName: '乙乡' });
    // A routine patrol suggests no category; the village a verb precedes is still found.
    expect(items.get('RA2')).toMatchObject({ village: '程家庄村', category: null, categoryFrom: null });
    expect(items.get('RA0')).toMatchObject({ village: '东冯沟村', category: null });
    // withoutClue leaves out the report that raised one.
    const open = await all('withoutClue=true', AUTH);
    expect(open.map((r) => r.id)).toEqual(expected([A, B]).filter((id) => id !== 'RA4'));
  });

  test('bad query parameters: 400 naming the field, for a session as for a key', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['since=yesterday', 'since'],
      [`since=${enc(now + 86_400_000)}`, 'since'],
      [`since=${enc(now - 200 * 86_400_000)}`, 'since'],
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${Buffer.from('[1,2]').toString('base64url')}`, 'cursor'],
      // A position no report could have: beyond the times an ISO date holds, or before 1970.
      [`cursor=${Buffer.from('[1e20,"RA1"]').toString('base64url')}`, 'cursor'],
      [`cursor=${Buffer.from('[-5,"RA1"]').toString('base64url')}`, 'cursor'],
      ['withoutClue=maybe', 'withoutClue'],
      ['region=999', 'region'],
      ['colour=red', 'colour'],
    ];
    for (const [q, field] of cases) {
      for (const headers of [AUTH, { cookie: sessions.opA! }]) {
        const r = await get(`?${q}`, headers);
        expect(r.statusCode, `${q}: ${r.body}`).toBe(400);
        const e = r.json().error as { message: string; details?: { field: string }[] };
        expect(e.details?.map((d) => d.field) ?? [], q).toContain(field);
      }
    }
  });
});
