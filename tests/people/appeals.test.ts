// 说事儿 end to end through the API: appeals (说事) → a topic for the 26th (议事) → owner, due time
// and outcome (办事) → the month's red and black list (评事), whose figures are recomputed here from
// the stored appeals, never taken from the code under test. Bad input: 400 naming the field,
// nothing stored. An operator of one township cannot see or change another's appeals.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Appeal } from '@zhihui/shared';
import { AUTH, smallApp, tmpDir } from '../server/helpers.js';

const A = '139900100';
const B = '139900200';
const PW = 'Duty-desk-2026!';
const MONTH = '2026-11';
const at = (day: number, hh = 9) =>
  `2026-11-${String(day).padStart(2, '0')}T${String(hh).padStart(2, '0')}:00:00+08:00`;

describe('说事儿: appeal → topic → owner → outcome → red and black list', () => {
  let app: FastifyInstance;
  let cleanup: () => void;
  let op: { cookie: string; 'x-csrf-token': string };
  beforeAll(async () => {
    const t = tmpDir();
    cleanup = t.cleanup;
    app = await smallApp(t.dir);
    await app.people.service.add(
      { name: 'opA', role: 'operator', region: A, password: PW },
      { name: 'cli', ref: null },
    );
    const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'opA', password: PW } });
    op = { cookie: String(r.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': r.json().csrfToken };
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = op) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers });
  const patch = (url: string, payload: unknown, headers: Record<string, string> = op) =>
    app.inject({ method: 'PATCH', url, payload: payload as object, headers });

  test("the four steps, and the month's board equals a recomputation from the stored appeals", async () => {
    // 说事: 4 villages, on 说事儿日 and other days; one appellant comes back about the same matter.
    const plan: [string, string, string, number][] = [
      ['东村', '张三', 'dispute', 6],
      ['东村', '李四', 'public_opinion', 6],
      ['东村', '王五', 'hazard', 16],
      ['西村', '赵六', 'dispute', 6],
      ['西村', '赵六', 'dispute', 16],
      ['西村', '孙七', 'other', 16],
      ['西村', '周八', 'environment', 20],
      ['南村', '吴九', 'public_opinion', 6],
      ['南村', '郑十', 'hazard', 16],
      ['南村', '钱一', 'dispute', 16],
      ['北村', '冯二', 'other', 6],
      ['北村', '陈三', 'dispute', 16],
      ['北村', '陈三', 'dispute', 17],
    ];
    const made: Appeal[] = [];
    for (const [village, appellant, category, day] of plan) {
      const r = await post('/api/v1/appeals', {
        region: A,
        village,
        appellant,
        category,
        text: `${village}${appellant}反映的事项`,
        heardAt: at(day),
      });
      expect(r.statusCode, r.body).toBe(201);
      made.push(r.json());
    }
    expect(made.map((a) => a.appealDay)).toEqual(plan.map(([, , , d]) => d === 6 || d === 16));
    expect(made[0]!.createdBy).toBe('opA');

    // 议事: 西村's dispute, twice by 赵六, becomes a topic for the 26th with a decision.
    const topicRes = await post('/api/v1/topics', {
      region: A,
      title: '西村宅基地边界纠纷',
      appealIds: [made[3]!.id, made[4]!.id],
    });
    expect(topicRes.statusCode, topicRes.body).toBe(201);
    const topic = topicRes.json().topic;
    expect(topic.meetingDate).toBe('2026-11-26');
    expect(
      (await patch(`/api/v1/topics/${topic.id}`, { decision: '由司法所牵头,村两委配合重新勘界' })).statusCode,
    ).toBe(200);
    // An appeal already in a topic cannot join another.
    expect((await post('/api/v1/topics', { region: A, title: '重复', appealIds: [made[3]!.id] })).statusCode).toBe(409);

    // 办事: owners and due times; outcomes for some; the topic's outcome goes to its two appeals.
    const due = (day: number) => at(day, 18);
    const work: [number, string, string, 'resolved' | 'explained' | 'referred' | null][] = [
      [0, '司法所', due(20), 'resolved'],
      [1, '包村干部', due(20), 'explained'],
      [2, '安监站', due(26), 'resolved'],
      [5, '民政办', due(25), null],
      [6, '环保站', due(22), null],
      [7, '包村干部', due(20), 'resolved'],
      [8, '安监站', due(26), 'referred'],
      [9, '司法所', due(30), 'resolved'],
      [10, '包村干部', due(12), null],
      [11, '司法所', due(20), null],
      [12, '司法所', due(21), null],
    ];
    for (const [i, owner, dueAt, outcome] of work) {
      // Done ones are done now, so give them a due time after now unless the plan wants them late (南村's referral).
      const when = outcome && i !== 8 ? '2030-01-01T18:00:00+08:00' : dueAt;
      const r = await patch(`/api/v1/appeals/${made[i]!.id}`, { owner, dueAt: when, ...(outcome ? { outcome } : {}) });
      expect(r.statusCode, r.body).toBe(200);
    }
    expect(
      (
        await patch(`/api/v1/topics/${topic.id}`, {
          owner: '司法所',
          dueAt: '2030-01-01T18:00:00+08:00',
          outcome: 'resolved',
        })
      ).statusCode,
    ).toBe(200);
    const stored = (await app.store.listAppeals({ regions: [A] })) as Appeal[];
    expect(stored.filter((a) => a.topicId === topic.id).map((a) => [a.owner, a.outcome])).toEqual([
      ['司法所', 'resolved'],
      ['司法所', 'resolved'],
    ]);

    // 评事: the board, recomputed here from the stored rows.
    const monthEnd = Math.min(Date.parse('2026-12-01T00:00:00+08:00'), Date.now());
    const expected = new Map<string, { appeals: number; done: number; overdue: number; repeats: number }>();
    for (const v of new Set(stored.map((a) => a.village))) {
      const rows = stored.filter((a) => a.village === v).sort((x, y) => x.heardAt.localeCompare(y.heardAt));
      const keys = rows.map((a) => `${a.appellant}|${a.category}`);
      expected.set(v, {
        appeals: rows.length,
        done: rows.filter((a) => a.outcome !== null).length,
        overdue: rows.filter(
          (a) =>
            a.dueAt !== null &&
            (a.outcome === null ? Date.parse(a.dueAt) < monthEnd : Date.parse(a.doneAt!) > Date.parse(a.dueAt)),
        ).length,
        repeats: keys.filter((k, i) => keys.indexOf(k) < i).length,
      });
    }
    const score = (e: { appeals: number; done: number; overdue: number; repeats: number }) =>
      e.done / e.appeals - e.overdue / e.appeals - (0.5 * e.repeats) / e.appeals;
    const board = await app.inject({
      method: 'GET',
      url: `/api/v1/regions/${A}/village-board?month=${MONTH}&size=1`,
      headers: op,
    });
    expect(board.statusCode, board.body).toBe(200);
    const b = board.json();
    for (const v of b.villages) {
      const e = expected.get(v.village)!;
      expect(v).toMatchObject({ appeals: e.appeals, done: e.done, overdue: e.overdue, repeats: e.repeats });
      expect(v.score).toBeCloseTo(score(e), 3);
    }
    const byScore = [...expected.entries()].sort(
      (x, y) => score(y[1]) - score(x[1]) || y[1].appeals - x[1].appeals || x[0].localeCompare(y[0], 'zh-CN'),
    );
    expect(b.red).toEqual([byScore[0]![0]]);
    expect(b.black).toEqual([byScore.at(-1)![0]]);
    // The criteria are configurable: weighing only repeats puts a village with repeats on the black list.
    const onlyRepeats = (
      await app.inject({
        method: 'GET',
        url: `/api/v1/regions/${A}/village-board?month=${MONTH}&size=1&rate=0&overdue=0&repeats=1`,
        headers: op,
      })
    ).json();
    expect(['西村', '北村']).toContain(onlyRepeats.black[0]);

    // The report of the month carries the board (评事 in the meeting's printed report).
    const report = await app.inject({
      method: 'GET',
      url: `/api/v1/regions/${A}/report.html?from=2026-11-01&to=2026-12-01`,
    });
    expect(report.statusCode).toBe(200);
    expect(report.body).toContain('说事儿·2026年11月村级红黑榜');
    expect(report.body).toMatch(new RegExp(`红榜:${b.red[0]}`));
    expect(report.body).toMatch(new RegExp(`黑榜:${b.black[0]}`));

    // Every step is in the audit log under the person's name.
    const audit = await app.store.listAudit({ actor: 'opA', limit: 200 });
    const actions = audit.items.map((e) => e.action);
    expect(actions.filter((x) => x === 'appeal.create')).toHaveLength(plan.length);
    expect(actions).toContain('topic.create');
    expect(actions.filter((x) => x === 'appeal.update')).toHaveLength(work.length);
  });

  test('bad input: each field gets a 400 naming it and nothing is stored', async () => {
    const before = (await app.store.listAppeals({})).length;
    const good = { region: A, village: '东村', appellant: '张三', category: 'dispute', text: '事项' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, region: 'x' }, 'region'],
      [{ ...good, region: '139999999' }, 'region'],
      [{ ...good, village: '' }, 'village'],
      [{ ...good, village: '   ' }, 'village'],
      [{ ...good, appellant: '' }, 'appellant'],
      [{ ...good, text: 'x'.repeat(2001) }, 'text'],
      [{ ...good, category: 'gossip' }, 'category'],
      [{ ...good, heardAt: 'yesterday' }, 'heardAt'],
      [{ ...good, heardAt: '2099-01-01T00:00:00+08:00' }, 'heardAt'],
      [{ ...good, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await post('/api/v1/appeals', body);
      expect(r.statusCode, `${field}: ${r.body}`).toBeGreaterThanOrEqual(400);
      expect(r.statusCode).toBeLessThan(500);
      expect(r.body, field).toContain(field);
    }
    const one = (await post('/api/v1/appeals', good)).json() as Appeal;
    const patches: [Record<string, unknown>, string][] = [
      [{ outcome: 'done' }, 'outcome'],
      [{ outcome: 'resolved' }, 'owner'],
      [{ dueAt: '2000-01-01T00:00:00+08:00' }, 'dueAt'],
      [{ topicId: 'nope' }, 'topicId'],
      [{ owner: '' }, 'owner'],
      [{}, 'body'],
    ];
    for (const [body, field] of patches) {
      const r = await patch(`/api/v1/appeals/${one.id}`, body);
      expect(r.statusCode, `${field}: ${r.body}`).toBe(400);
      expect(r.body, field).toMatch(new RegExp(field === 'body' ? 'propert' : field));
    }
    expect(await app.store.getAppeal(one.id)).toEqual(one);
    expect((await post('/api/v1/topics', { region: A, title: '', appealIds: [one.id] })).body).toContain('title');
    expect((await post('/api/v1/topics', { region: A, title: '议题', appealIds: [] })).body).toContain('appealIds');
    expect((await post('/api/v1/topics', { region: A, title: '议题', appealIds: ['nope'] })).body).toContain(
      'appealIds',
    );
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/regions/${A}/village-board?month=2026-13`, headers: op }))
        .statusCode,
    ).toBe(400);
    expect((await app.store.listAppeals({})).length).toBe(before + 1);
    expect(await app.store.listTopics({ regions: [A] })).toHaveLength(1);
  });

  test("an operator of one township neither sees nor changes the other's appeals; a cookie write without the CSRF token is refused", async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/appeals',
      headers: AUTH,
      payload: { region: B, village: '乙村', appellant: '某人', category: 'other', text: '乙乡的事' },
    });
    expect(r.statusCode).toBe(201);
    const other = r.json() as Appeal;
    const list = (await app.inject({ method: 'GET', url: '/api/v1/appeals', headers: op })).json().items as Appeal[];
    expect(list.some((a) => a.id === other.id)).toBe(false);
    expect((await app.inject({ method: 'GET', url: `/api/v1/appeals?region=${B}`, headers: op })).statusCode).toBe(403);
    expect((await patch(`/api/v1/appeals/${other.id}`, { owner: '越权' })).statusCode).toBe(404);
    expect(
      (
        await post('/api/v1/appeals', {
          region: B,
          village: '乙村',
          appellant: '某人',
          category: 'other',
          text: '越界',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/regions/${B}/village-board?month=${MONTH}`, headers: op }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await post(
          '/api/v1/appeals',
          { region: A, village: '东村', appellant: '某人', category: 'other', text: '无令牌' },
          { cookie: op.cookie },
        )
      ).statusCode,
    ).toBe(403);
    expect(await app.store.getAppeal(other.id)).toEqual(other);
  });

  test("from an appeal, a clue: linked only to a clue of the appeal's own township", async () => {
    const a = (
      await post('/api/v1/appeals', {
        region: A,
        village: '东村',
        appellant: '张三',
        category: 'hazard',
        text: '桥栏杆断了',
      })
    ).json() as Appeal;
    const foreign = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: AUTH,
      payload: { region: B, category: 'hazard', source: 'appeal_day', title: '乙乡的线索' },
    });
    expect((await patch(`/api/v1/appeals/${a.id}`, { clueId: foreign.json().id })).body).toContain('clueId');
    const clue = await post('/api/v1/clues', {
      region: A,
      category: 'hazard',
      source: 'appeal_day',
      title: '东村:桥栏杆断了',
    });
    expect(clue.statusCode).toBe(201);
    const linked = await patch(`/api/v1/appeals/${a.id}`, { clueId: clue.json().id });
    expect(linked.statusCode).toBe(200);
    expect((await app.store.getAppeal(a.id))!.clueId).toBe(clue.json().id);
    expect(clue.json()).toMatchObject({ source: 'appeal_day', createdBy: 'opA' });
  });
});
