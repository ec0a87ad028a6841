import { describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Clue, ClueWithHistory } from '@zhihui/shared';
import { computeSummary } from '../../server/src/domain/summary.js';
import { isoAt } from '../../server/src/domain/time.js';
import { AUTH, useSmallApp } from './helpers.js';

describe('clues: create, lifecycle, list', () => {
  let app: FastifyInstance;
  useSmallApp((a) => (app = a));
  const create = (payload: object, headers: Record<string, string> = AUTH) =>
    app.inject({ method: 'POST', url: '/api/v1/clues', headers, payload });
  const patch = (id: string, payload: object, headers: Record<string, string> = { authorization: 'Bearer k' }) =>
    app.inject({ method: 'PATCH', url: `/api/v1/clues/${id}`, headers, payload });
  const base = { category: 'dispute', source: 'hotline', region: '139900100', title: '邻里宅基地纠纷' };

  test('create answers 201 with the stored clue; a repeated id answers 200 with the same clue, and 409 with other content', async () => {
    const res = await create({ ...base, id: 'D-1', lon: 114.5, lat: 37.9 });
    expect(res.statusCode).toBe(201);
    const clue = res.json() as Clue;
    expect(clue).toMatchObject({ id: 'D-1', status: 'reported', createdBy: 'test', outcome: null, urgent: false });
    expect(Date.parse(clue.dueAt!) - Date.parse(clue.reportedAt)).toBe(3 * 86400_000);
    const again = await create({ ...base, id: 'D-1', lon: 114.5, lat: 37.9 });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(clue);
    // The same id with other content is not a retry: 409 naming what differs, and the stored clue stays.
    const other = await create({ ...base, id: 'D-1', title: 'changed' }, { authorization: 'Bearer k' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toMatchObject({ code: 'CONFLICT', details: { fields: ['title'] } });
    expect(other.body).not.toContain(base.title);
    expect((await app.inject({ method: 'GET', url: '/api/v1/clues/D-1' })).json()).toMatchObject({ title: base.title });
    const gen = await create({ ...base, urgent: true });
    expect(gen.statusCode).toBe(201);
    expect(gen.json().id).toMatch(/^\d{8}-/);
    expect(Date.parse(gen.json().dueAt) - Date.parse(gen.json().reportedAt)).toBe(86400_000);
  });

  test('bad clue input is a 400 naming the field; nothing is stored', async () => {
    const cases: [object, string, string?][] = [
      [{ ...base, title: undefined }, 'title'],
      [{ ...base, category: 'aliens' }, 'category'],
      [{ ...base, lon: '114.5', lat: 37.9 }, 'lon'],
      [{ ...base, region: '999999' }, 'region', 'UNKNOWN_REGION'],
      [{ ...base, region: 'abc' }, 'region'],
      [{ ...base, reportedAt: 'yesterday' }, 'reportedAt'],
      [{ ...base, reportedAt: isoAt(Date.now() + 3600_000) }, 'reportedAt'],
      [{ ...base, reportedAt: isoAt(Date.now() - 3600_000), dueAt: isoAt(Date.now() - 7200_000) }, 'dueAt'],
      [{ ...base, gridWorkerId: 'nobody' }, 'gridWorkerId', 'UNKNOWN_WORKER'],
      [{ ...base, id: 'has space' }, 'id'],
    ];
    for (const [payload, field, code] of cases) {
      const res = await create({
        ...payload,
        id: (payload as { id?: string }).id ?? `bad-${field}-${Math.random().toString(36).slice(2)}`,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      const err = res.json().error;
      expect(err.code).toBe(code ?? 'VALIDATION_ERROR');
      expect(err.details?.[0]?.field ?? err.message, JSON.stringify(payload)).toContain(field);
    }
    const list = await app.inject({ method: 'GET', url: '/api/v1/clues?limit=500' });
    expect(list.json().items.filter((c: Clue) => c.id.startsWith('bad-'))).toHaveLength(0);
    const unauth = await create({ ...base, id: 'X-unauth' }, {});
    expect(unauth.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/v1/clues/X-unauth' })).statusCode).toBe(404);
  });

  test('lifecycle 上报→核实→派发→办结→归档 keeps every step with time, actor and note; disputes get an outcome', async () => {
    const steps = [
      { status: 'verified', note: '已核实' },
      { status: 'dispatched', assignee: '甲镇司法所', note: '派发司法所' },
      { status: 'resolved', outcome: 'success', note: '调解成功' },
      { status: 'closed' },
    ];
    for (const s of steps) {
      const res = await patch('D-1', s);
      expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
      expect(res.json().status).toBe(s.status);
    }
    const got = await app.inject({ method: 'GET', url: '/api/v1/clues/D-1' });
    expect(got.statusCode).toBe(200);
    const c = got.json() as ClueWithHistory;
    expect(c).toMatchObject({ status: 'closed', assignee: '甲镇司法所', outcome: 'success' });
    expect(c.resolvedAt).not.toBeNull();
    expect(c.history.map((h) => [h.from, h.to, h.actor, h.note])).toEqual([
      [null, 'reported', 'test', null],
      ['reported', 'verified', 'test', '已核实'],
      ['verified', 'dispatched', 'test', '派发司法所'],
      ['dispatched', 'resolved', 'test', '调解成功'],
      ['resolved', 'closed', 'test', null],
    ]);
    for (let i = 1; i < c.history.length; i++)
      expect(Date.parse(c.history[i]!.at)).toBeGreaterThanOrEqual(Date.parse(c.history[i - 1]!.at));
  });

  test('a transition the lifecycle does not allow is a 409 naming both states', async () => {
    const res = await patch('D-1', { status: 'verified' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'BAD_TRANSITION',
      message: expect.stringContaining('cannot go from closed to verified'),
      details: { from: 'closed', to: 'verified' },
    });
    await create({ ...base, id: 'D-2', category: 'hazard' });
    const skip = await patch('D-2', { status: 'resolved' });
    expect(skip.statusCode).toBe(409);
    expect(skip.json().error.message).toMatch(/cannot go from reported to resolved/);
    expect((await patch('D-2', { status: 'invalid', note: '重复上报' })).statusCode).toBe(200);
    const back = await patch('D-2', { status: 'verified' });
    expect(back.statusCode).toBe(409);
    expect(back.json().error.message).toMatch(/cannot go from invalid to verified/);
  });

  test('patch: unknown id 404, bad status 400, outcome only for disputes, a retry of the same step changes nothing', async () => {
    expect((await patch('nope', { status: 'verified' })).statusCode).toBe(404);
    const bad = await patch('D-2', { status: 'done' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('status');
    await create({ ...base, id: 'H-1', category: 'hazard' });
    const outcome = await patch('H-1', { status: 'verified', outcome: 'success' });
    expect(outcome.statusCode).toBe(400);
    expect(outcome.json().error.details[0].field).toBe('outcome');
    expect((await patch('H-1', { status: 'verified' })).statusCode).toBe(200);
    const retry = await patch('H-1', { status: 'verified' });
    expect(retry.statusCode).toBe(200);
    const h = (await app.inject({ method: 'GET', url: '/api/v1/clues/H-1' })).json() as ClueWithHistory;
    expect(h.history).toHaveLength(2);
    const unauth = await patch('H-1', { status: 'dispatched' }, {});
    expect(unauth.statusCode).toBe(401);
    expect(((await app.inject({ method: 'GET', url: '/api/v1/clues/H-1' })).json() as Clue).status).toBe('verified');
  });

  test('list: filters, newest first, cursor pagination without gaps or repeats, bad filters are 400', async () => {
    for (let i = 0; i < 5; i++)
      await create({
        ...base,
        id: `L-${i}`,
        category: 'environment',
        reportedAt: isoAt(Date.now() - (i + 1) * 60_000),
      });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/clues?category=environment&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode).toBe(200);
      ids.push(...res.json().items.map((c: Clue) => c.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(ids).toEqual(['L-0', 'L-1', 'L-2', 'L-3', 'L-4']);
    const st = await app.inject({ method: 'GET', url: '/api/v1/clues?status=closed,invalid&region=139900' });
    expect(
      st
        .json()
        .items.map((c: Clue) => c.id)
        .sort(),
    ).toEqual(['D-1', 'D-2']);
    const other = await app.inject({ method: 'GET', url: '/api/v1/clues?region=139900200' });
    expect(other.json().items).toHaveLength(0);
    const ranged = await app.inject({
      method: 'GET',
      url: `/api/v1/clues?category=environment&from=${encodeURIComponent(isoAt(Date.now() - 150_000))}`,
    });
    expect(ranged.json().items.map((c: Clue) => c.id)).toEqual(['L-0', 'L-1']);
    for (const [q, field] of [
      ['status=open', 'status'],
      ['category=x', 'category'],
      ['from=2026-13-01', 'from'],
      ['to=later', 'to'],
      ['region=123', 'region'],
      ['limit=0', 'limit'],
      ['cursor=%%%', 'cursor'],
    ] as const) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/clues?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.details?.[0]?.field ?? res.json().error.message, q).toContain(field);
    }
  });

  test('overdue, dispute outcomes and appeals show in the figures', async () => {
    const now = Date.now();
    const day = { from: isoAt(now - 86400_000), to: isoAt(now + 60_000) };
    await create({
      ...base,
      id: 'O-1',
      category: 'security',
      reportedAt: isoAt(now - 5 * 3600_000),
      dueAt: isoAt(now - 3600_000),
    });
    await create({ ...base, id: 'A-1', category: 'public_opinion', source: 'appeal_day' });
    await create({ ...base, id: 'A-2', category: 'public_opinion', source: 'appeal_day' });
    for (const s of ['verified', 'resolved']) await patch('A-1', { status: s });
    const s = await computeSummary(app.store, app.regions, '139900', day, now + 1000);
    expect(s.clues.overdue).toBe(1);
    expect(s.clues.appeals).toEqual({ collected: 2, resolved: 1 });
    expect(s.mediation).toMatchObject({ cases: 2, success: 1, pending: 1 });
    expect(s.clues.byStatus.invalid).toBe(1);
    expect(s.children.map((c) => c.region.code)).toEqual(['139900100', '139900200']);
    expect(s.children[0]!.clues.total).toBe(s.clues.total);
  });
});
