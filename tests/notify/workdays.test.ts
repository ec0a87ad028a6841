// Due times in working days ("3个工作日") on the real server: the 2026 National Day holiday, the
// 调休 Saturday after it, a clue reported on the eve of the holiday, and a day the package does not
// know set by the admin's override table. Overdue counts (summary), the wall's clues and the
// ranking all read the due time this gives. Only Date is faked.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ADMIN, AUTH, notifyApp } from './helpers.js';

const SH = (s: string) => Date.parse(`${s}+08:00`);
const YEHE = '130111103';

interface ClueRow {
  id: string;
  dueAt: string | null;
  status: string;
}

describe('working-day due times', () => {
  let app: FastifyInstance;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: SH('2026-10-09T12:00:00') });
    ({ app, cleanup } = await notifyApp('', { heartbeatGraceSec: 1e9 }));
  });
  afterAll(async () => {
    await cleanup?.();
    vi.useRealTimers();
  });

  const post = async (body: object) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: AUTH,
      payload: { category: 'dispute', source: 'hotline', region: YEHE, title: '工作日时限', ...body },
    });
    return { status: res.statusCode, body: res.json() as ClueRow & { error?: { message: string } } };
  };

  test('the eve of the National Day holiday + 3个工作日 = the end of the 调休 Saturday, 10 October', async () => {
    const eve = await post({ id: 'WD-EVE', reportedAt: '2026-09-30T15:00:00+08:00', dueWorkdays: 3 });
    expect(eve.status).toBe(201);
    expect(eve.body.dueAt).toBe('2026-10-11T00:00:00+08:00');
    // Friday 9 October + 1 working day: the 调休 Saturday counts.
    expect((await post({ id: 'WD-FRI', reportedAt: '2026-10-09T10:00:00+08:00', dueWorkdays: 1 })).body.dueAt).toBe(
      '2026-10-11T00:00:00+08:00',
    );
    // Reported during the holiday: 8 and 9 October are the first two working days.
    expect((await post({ id: 'WD-HOL', reportedAt: '2026-10-03T10:00:00+08:00', dueWorkdays: 2 })).body.dueAt).toBe(
      '2026-10-10T00:00:00+08:00',
    );
  });

  test('overdue counts, the wall and the ranking turn at the end of the 调休 Saturday, not before', async () => {
    const period = `from=${encodeURIComponent('2026-09-30T00:00:00+08:00')}&to=${encodeURIComponent('2026-10-12T00:00:00+08:00')}`;
    const check = async () => {
      const rows = (await app.inject({ url: `/api/v1/clues?region=${YEHE}&${period}&limit=500` })).json() as {
        items: ClueRow[];
      };
      const now = Date.now();
      const open = new Set(['reported', 'verified', 'dispatched']);
      const expected = rows.items
        .filter(
          (c) =>
            c.dueAt !== null && open.has(c.status) && Date.parse(c.dueAt) < Math.min(now, SH('2026-10-12T00:00:00')),
        )
        .map((c) => c.id);
      const summary = (await app.inject({ url: `/api/v1/regions/${YEHE}/summary?${period}` })).json() as {
        clues: { overdue: number };
      };
      expect(summary.clues.overdue).toBe(expected.length);
      const ranking = (await app.inject({ url: `/api/v1/regions/130111/ranking?${period}` })).json() as {
        rows: { region: { code: string }; current: { clues: { overdue: number } } }[];
      };
      expect(ranking.rows.find((r) => r.region.code === YEHE)!.current.clues.overdue).toBe(expected.length);
      return expected;
    };
    vi.setSystemTime(SH('2026-10-10T23:59:00'));
    expect(await check()).not.toContain('WD-EVE');
    vi.setSystemTime(SH('2026-10-11T00:00:01'));
    const overdue = await check();
    expect(overdue).toEqual(expect.arrayContaining(['WD-EVE', 'WD-FRI', 'WD-HOL']));
    // The wall's list carries the same due time, which its overdue marks read.
    await new Promise((r) => setTimeout(r, 1500)); // the live engine's one-second tick (and its day roll-over)
    const wall = app.live.snapshot(YEHE).clues.find((c) => c.id === 'WD-EVE');
    expect(wall?.dueAt).toBe('2026-10-11T00:00:00+08:00');
  });

  test('a day the package does not know: the admin override decides', async () => {
    vi.setSystemTime(SH('2027-09-30T12:00:00'));
    expect((await post({ id: 'WD-2027A', dueWorkdays: 1 })).body.dueAt).toBe('2027-10-02T00:00:00+08:00'); // 1 October 2027 is a plain Friday to chinese-days 1.5
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/calendar/overrides/2027-10-01',
      headers: ADMIN,
      payload: { workday: false, note: '国庆节' },
    });
    expect(put.statusCode).toBe(204);
    expect((await post({ id: 'WD-2027B', dueWorkdays: 1 })).body.dueAt).toBe('2027-10-05T00:00:00+08:00'); // Friday off, weekend, Monday 4th
    const cal = (await app.inject({ url: '/api/v1/notifications/calendar?from=2027-10-01&to=2027-10-01' })).json() as {
      days: object[];
    };
    expect(cal.days[0]).toMatchObject({ workday: false, source: 'override', name: '国庆节', known: false });
  });

  test('bad input: both due forms, or zero working days, is a 400 naming dueWorkdays', async () => {
    const both = await post({ dueWorkdays: 2, dueAt: '2027-12-01T00:00:00+08:00' });
    expect(both.status).toBe(400);
    expect(both.body.error!.message).toMatch(/^dueWorkdays: /);
    const zero = await post({ dueWorkdays: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.error!.message).toMatch(/dueWorkdays/);
  });
});
