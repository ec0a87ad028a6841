import { describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { GridWorkerView, RegionSummary } from '@zhihui/shared';
import { periodFromQuery } from '../../server/src/domain/time.js';
import { AUTH, SMALL_TREE, useSmallApp } from './helpers.js';

describe('grid workers and reports', () => {
  let app: FastifyInstance;
  useSmallApp((a) => (app = a));

  test('worker upsert with per-row rejects; duty; reports that raise a clue; figures', async () => {
    const up = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/workers',
      headers: AUTH,
      payload: {
        workers: [
          { id: 'W1', name: '张三', region: '139900100', onDuty: true },
          { id: 'W2', name: '李四', region: '139900200', phone: '13800000000' },
          { id: 'W3', name: '王五', region: '888888' },
          { id: 'W4', region: '139900100' },
        ],
      },
    });
    expect(up.statusCode).toBe(200);
    expect(up.json().upserted).toBe(2);
    expect(up.json().rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [2, 'UNKNOWN_REGION'],
      [3, 'VALIDATION_ERROR'],
    ]);
    expect(up.json().rejected[1].message).toMatch(/workers\/3\/name/);

    const duty = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/workers/W2/duty',
      headers: AUTH,
      payload: { onDuty: true },
    });
    expect(duty.statusCode).toBe(200);
    expect(duty.json()).toMatchObject({ id: 'W2', onDuty: true, phone: '13800000000' });
    const off = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/workers/W1/duty',
      headers: AUTH,
      payload: { onDuty: false },
    });
    expect(off.json().onDuty).toBe(false);
    const unknown = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/workers/nobody/duty',
      headers: AUTH,
      payload: { onDuty: true },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('UNKNOWN_WORKER');
    const badDuty = await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/workers/W1/duty',
      headers: AUTH,
      payload: { onDuty: 'yes' },
    });
    expect(badDuty.statusCode).toBe(400);
    expect(badDuty.json().error.details[0].field).toBe('onDuty');

    const plain = await app.inject({
      method: 'POST',
      url: '/api/v1/grid/reports',
      headers: AUTH,
      payload: { workerId: 'W1', text: '巡查正常' },
    });
    expect(plain.statusCode).toBe(201);
    expect(plain.json()).toMatchObject({ report: { workerId: 'W1', region: '139900100', clueId: null }, clue: null });

    const withClue = await app.inject({
      method: 'POST',
      url: '/api/v1/grid/reports',
      headers: AUTH,
      payload: { workerId: 'W2', text: '发现路面塌陷', clue: { id: 'G-1', category: 'hazard', title: '路面塌陷' } },
    });
    expect(withClue.statusCode).toBe(201);
    const body = withClue.json();
    expect(body.clue).toMatchObject({
      id: 'G-1',
      source: 'grid',
      region: '139900200',
      gridWorkerId: 'W2',
      status: 'reported',
    });
    expect(body.report.clueId).toBe('G-1');

    // A report with the sender's id is stored once: the retry answers 200 and counts nothing twice.
    const first = await app.inject({
      method: 'POST',
      url: '/api/v1/grid/reports',
      headers: AUTH,
      payload: { id: 'R-77', workerId: 'W1', text: '夜间巡查' },
    });
    const retry = await app.inject({
      method: 'POST',
      url: '/api/v1/grid/reports',
      headers: AUTH,
      payload: { id: 'R-77', workerId: 'W1', text: '夜间巡查' },
    });
    expect([first.statusCode, retry.statusCode]).toEqual([201, 200]);
    expect([first.json().created, retry.json().created]).toEqual([true, false]);

    const badClue = await app.inject({
      method: 'POST',
      url: '/api/v1/grid/reports',
      headers: AUTH,
      payload: { workerId: 'W2', text: 'x', clue: { category: 'hazard', title: '' } },
    });
    expect(badClue.statusCode).toBe(400);
    expect(badClue.json().error.details[0].field).toBe('clue/title');
    const noWorker = await app.inject({
      method: 'POST',
      url: '/api/v1/grid/reports',
      headers: AUTH,
      payload: { workerId: 'nobody', text: 'x' },
    });
    expect(noWorker.statusCode).toBe(400);
    expect(noWorker.json().error).toMatchObject({ code: 'UNKNOWN_WORKER', details: [{ field: 'workerId' }] });

    const list = await app.inject({ method: 'GET', url: '/api/v1/grid/workers?region=139900200' });
    const w2 = (list.json().items as GridWorkerView[])[0]!;
    expect(list.json().items).toHaveLength(1);
    expect(w2.lastReportAt).toBe(body.report.at);

    const summary = (
      await app.inject({ method: 'GET', url: '/api/v1/regions/139900/summary' })
    ).json() as RegionSummary;
    expect(summary.grid).toEqual({ workers: 2, onDuty: 1, reports: 3 });
    expect(summary.children.map((c) => c.grid.reports)).toEqual([2, 1]);
  });
});

describe('regions', () => {
  let app: FastifyInstance;
  useSmallApp((a) => (app = a));

  test('the tree, one region with path and children', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/regions' });
    expect(res.statusCode).toBe(200);
    expect(res.json().roots).toEqual(['139900']);
    expect(res.json().regions.map((r: { code: string }) => r.code)).toEqual(SMALL_TREE.map((r) => r.code));
    const one = await app.inject({ method: 'GET', url: '/api/v1/regions/139900200' });
    expect(one.json().path.map((r: { code: string }) => r.code)).toEqual(['139900']);
    expect(one.json().children).toEqual([]);
  });

  test('summary: default period is today in Asia/Shanghai; unknown region 404; bad dates 400 naming from/to', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/regions/139900/summary' });
    expect(res.statusCode).toBe(200);
    const s = res.json() as RegionSummary;
    expect(s.period.from).toMatch(/T00:00:00\+08:00$/);
    expect(Date.parse(s.period.to) - Date.parse(s.period.from)).toBe(86400_000);
    expect(s.children).toHaveLength(2);
    for (const url of ['/api/v1/regions/999999/summary', '/api/v1/regions/abc/summary', '/api/v1/regions/999999']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json().error.code).toBe('UNKNOWN_REGION');
    }
    for (const [q, field] of [
      ['from=2026-02-30', 'from'],
      ['from=soon', 'from'],
      ['to=2026-99-01', 'to'],
      ['from=2026-11-10&to=2026-11-01', 'to'],
    ] as const) {
      const r = await app.inject({ method: 'GET', url: `/api/v1/regions/139900/summary?${q}` });
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.details[0].field, q).toBe(field);
    }
    const ranged = await app.inject({
      method: 'GET',
      url: '/api/v1/regions/139900/summary?from=2026-11-01&to=2026-11-16',
    });
    expect(ranged.json().period).toEqual({ from: '2026-11-01T00:00:00+08:00', to: '2026-11-16T00:00:00+08:00' });
  });

  test('periods are Shanghai periods whatever the server time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      // 2026-11-27 23:30 in Los Angeles is 2026-11-28 15:30 in Shanghai.
      const now = Date.parse('2026-11-28T07:30:00Z');
      expect(periodFromQuery(undefined, undefined, now)).toEqual({
        from: '2026-11-28T00:00:00+08:00',
        to: '2026-11-29T00:00:00+08:00',
      });
      expect(periodFromQuery('2026-11-01', '2026-11-02T12:00', now)).toEqual({
        from: '2026-11-01T00:00:00+08:00',
        to: '2026-11-02T12:00:00+08:00',
      });
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
