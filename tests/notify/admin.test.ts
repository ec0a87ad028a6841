// The notifications API on the real server (fixtures of 栾城区) with the robot stand-in: digests
// whose figures equal the summary and ranking APIs', bad rules and channels answered 4xx naming
// the field, secrets never shown, the test message, and a robot that never answers blocking nothing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { periodOf, previousPeriod } from '@zhihui/shared';
import { parseConfigText } from '../../server/src/config/file.js';
import { RobotStandIn } from './robotStandIn.js';
import { ADMIN, AUTH, notifyApp, until } from './helpers.js';

/** A rate as the messages must show it, recomputed here: floored to one decimal. */
const floor1 = (r: number | null) => (r === null ? '—' : `${(Math.floor(r * 1000 + 1e-7) / 10).toFixed(1)}%`);
const pts = (a: number | null, b: number | null) => {
  if (a === null || b === null) return '—';
  const d = Math.trunc((a - b) * 1000 + (a >= b ? 1e-7 : -1e-7)) / 10;
  return `${d > 0 ? '+' : d < 0 ? '' : '±'}${d.toFixed(1)}`;
};

describe('notifications API', () => {
  const robot = new RobotStandIn({ dingtalkSecret: 'SECsecret-value-123' });
  const hanging = new RobotStandIn();
  let app: FastifyInstance;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    await robot.start();
    await hanging.start();
    hanging.hang();
    ({ app, cleanup } = await notifyApp(`notifications:
  evaluateEverySec: 300
  baseUrl: https://wall.example.gov.cn
  channels:
    - { id: duty, kind: dingtalk, url: "${robot.url}/robot/send?access_token=token-abcdef123456", secret: SECsecret-value-123 }
    - { id: dead, kind: wecom, url: "${hanging.url}/cgi-bin/webhook/send?key=dead-key-123456", timeoutMs: 60000 }
  rules:
    - { id: daily, kind: daily_digest, region: "130111", channels: [duty], at: "08:00" }
    - { id: weekly, kind: weekly_report, region: "130111", channels: [duty] }
    - { id: dead-urgent, kind: urgent_clue, region: "130111", channels: [dead] }
`));
  });
  afterAll(async () => {
    await cleanup?.();
    await robot.stop();
    await hanging.stop();
  });

  test('视频运行日报: its figures equal the summary API for yesterday and the day before, and now', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/notifications/rules/daily/send',
      headers: ADMIN,
    });
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json() as { title: string; headline: string; lines: string[]; link: string };
    const y = periodOf('yesterday', Date.now());
    const p = previousPeriod(y);
    const sum = async (q: string) =>
      (await app.inject({ url: `/api/v1/regions/130111/summary${q}` })).json() as {
        cameras: {
          timeWeightedRate: number | null;
          operationalRate: number | null;
          online: number;
          inService: number;
          maintenance: number;
          repaired: number;
          newlyFailed: number;
        };
      };
    const sy = await sum(`?from=${encodeURIComponent(y.from)}&to=${encodeURIComponent(y.to)}`);
    const sp = await sum(`?from=${encodeURIComponent(p.from)}&to=${encodeURIComponent(p.to)}`);
    const now = await sum('');
    expect(sy.cameras.timeWeightedRate).not.toBeNull();
    expect(m.lines[0]).toBe(
      `昨日运行率(时间加权)${floor1(sy.cameras.timeWeightedRate)},较前日 ${pts(sy.cameras.timeWeightedRate, sp.cameras.timeWeightedRate)} 个百分点`,
    );
    expect(m.lines[1]).toContain(
      `当前运行率 ${floor1(now.cameras.operationalRate)}(在线 ${now.cameras.online} / 应计 ${now.cameras.inService - now.cameras.maintenance - now.cameras.sourceDown} 路`,
    );
    expect(m.lines[2]).toBe(`昨日修复 ${sy.cameras.repaired} 路,新增故障 ${sy.cameras.newlyFailed} 路`);
    expect(m.title).toMatch(/^视频运行日报 · 栾城区 · \d+月\d+日$/);
    expect(m.link).toBe('https://wall.example.gov.cn/wall/130111');
    // Overdue clues now: recounted here from the clue list.
    const open = (
      await app.inject({ url: '/api/v1/clues?region=130111&status=reported,verified,dispatched&limit=500' })
    ).json() as { items: { dueAt: string | null }[] };
    const overdue = open.items.filter((c) => c.dueAt !== null && Date.parse(c.dueAt) < Date.now()).length;
    expect(m.lines).toContain(`超期线索 ${overdue} 条${overdue > 0 ? ':' : ''}`);
    await until(
      () => robot.of('dingtalk').some((r) => (r.body.markdown as { title: string }).title === m.title),
      'the digest at the robot',
    );
  });

  test('每周一汇报: the meeting report figures (ranking API, last week) and a link to the meeting view', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/notifications/rules/weekly/send',
      headers: ADMIN,
    });
    const m = res.json() as { title: string; lines: string[]; link: string };
    const r = (await app.inject({ url: '/api/v1/regions/130111/ranking?period=last_week' })).json() as {
      total: {
        current: {
          cameras: { timeWeightedRate: number | null };
          clues: { total: number; overdue: number; resolvedRate: number | null; byStatus: Record<string, number> };
        };
        delta: { rate: number | null };
      };
    };
    const c = r.total.current;
    expect(m.lines[0]).toBe(
      `视频运行率(时间加权)${floor1(c.cameras.timeWeightedRate)},较上周 ${pts(r.total.delta.rate, 0)} 个百分点`,
    );
    expect(m.lines[2]).toBe(
      `受理线索 ${c.clues.total} 条,办结 ${c.clues.byStatus.resolved! + c.clues.byStatus.closed!} 条,超期 ${c.clues.overdue} 条,办结率 ${floor1(c.clues.resolvedRate)}`,
    );
    expect(m.title).toMatch(/^每周一汇报 · 栾城区 · /);
    expect(m.link).toBe('https://wall.example.gov.cn/meeting/130111?period=last_week');
  });

  test("township_rate: a township below the line gets one message whose rate is the summary API's, floored", async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/notifications/rules/yehe-rate',
      headers: ADMIN,
      payload: { kind: 'township_rate', region: '130111103', channels: ['duty'], threshold: 0.99, minutes: 0 },
    });
    expect(put.statusCode, put.body).toBe(200);
    await app.notify.tick();
    await until(
      () =>
        robot.of('dingtalk').some((r) => (r.body.markdown as { title: string }).title === '运行率低于 99% · 冶河镇'),
      'the rate alert',
    );
    const text = (
      robot.of('dingtalk').find((r) => (r.body.markdown as { title: string }).title === '运行率低于 99% · 冶河镇')!.body
        .markdown as { text: string }
    ).text;
    const s = (await app.inject({ url: '/api/v1/regions/130111103/summary' })).json() as {
      cameras: { operationalRate: number };
    };
    expect(s.cameras.operationalRate).toBeLessThan(0.99);
    expect(text).toContain(`冶河镇 视频运行率 ${floor1(s.cameras.operationalRate)},低于 99%`);
    await app.notify.tick();
    await new Promise((r) => setTimeout(r, 200));
    expect(
      robot.of('dingtalk').filter((r) => (r.body.markdown as { title: string }).title === '运行率低于 99% · 冶河镇'),
    ).toHaveLength(1);
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/admin/notifications/rules/yehe-rate', headers: ADMIN }))
        .statusCode,
    ).toBe(204);
  });

  test('clue_overdue: one message per township, counting exactly the open clues past their due time', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/admin/notifications/rules/overdue',
      headers: ADMIN,
      payload: { kind: 'clue_overdue', region: '130111', channels: ['duty'] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const before = robot.of('dingtalk').length;
    await app.notify.tick();
    const open = (
      await app.inject({ url: '/api/v1/clues?region=130111&status=reported,verified,dispatched&limit=500' })
    ).json() as { items: { region: string; dueAt: string | null }[] };
    const names = new Map((app.regions.childrenOf.get('130111') ?? []).map((r) => [r.code, r.name]));
    const byTownship = new Map<string, number>();
    for (const c of open.items) {
      if (c.dueAt === null || Date.parse(c.dueAt) >= Date.now()) continue;
      const t = names.get(c.region.slice(0, 9))!;
      byTownship.set(t, (byTownship.get(t) ?? 0) + 1);
    }
    expect(byTownship.size).toBeGreaterThan(0);
    await until(() => robot.of('dingtalk').length - before === byTownship.size, 'one message per township');
    const headlines = robot
      .of('dingtalk')
      .slice(before)
      .map((r) => (r.body.markdown as { text: string }).text.split('\n')[2]);
    expect(headlines.sort()).toEqual([...byTownship].map(([t, n]) => `**${t} ${n}条线索超期未办结**`).sort());
    await app.notify.tick();
    await new Promise((r) => setTimeout(r, 200));
    expect(robot.of('dingtalk').length - before).toBe(byTownship.size); // once per clue
  });

  test('channels are listed with their URL and secret masked; nothing in the answer has them in full', async () => {
    const res = await app.inject({ url: '/api/v1/admin/notifications', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('token-abcdef123456');
    expect(res.body).not.toContain('SECsecret-value-123');
    expect(res.body).not.toContain('dead-key-123456');
    const duty = (res.json() as { channels: { id: string; url: string; secret: string }[] }).channels.find(
      (c) => c.id === 'duty',
    )!;
    expect(duty.url).toBe(`${robot.url}/robot/send?access_token=toke…`);
    expect(duty.secret).toBe('SEC…(19)');
    expect((await app.inject({ url: '/api/v1/admin/notifications' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/admin/notifications', headers: AUTH })).statusCode).toBe(403);
  });

  test('send test message: sent through the robot, and the log line says so', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/notifications/channels/duty/test',
      headers: ADMIN,
    });
    expect(res.json()).toMatchObject({ status: 'sent', attempts: 1, error: null });
    const log = (await app.inject({ url: '/api/v1/notifications/deliveries?channel=duty&limit=1' })).json() as {
      items: { kind: string; status: string; title: string }[];
    };
    expect(log.items[0]).toMatchObject({ kind: 'test', status: 'sent', title: '测试消息 · 指挥 Zhihui' });
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/admin/notifications/channels/nope/test', headers: ADMIN }))
        .statusCode,
    ).toBe(404);
  });

  test('bad rules and channels: 4xx naming the field, and nothing changes', async () => {
    const settings = async () =>
      (await app.inject({ url: '/api/v1/admin/notifications', headers: ADMIN })).json() as {
        channels: unknown[];
        rules: unknown[];
      };
    const before = await settings();
    const put = (what: string, id: string, body: unknown) =>
      app.inject({
        method: 'PUT',
        url: `/api/v1/admin/notifications/${what}/${id}`,
        headers: ADMIN,
        payload: body as object,
      });
    const cases: [string, string, unknown, number, string][] = [
      [
        'rules',
        'r1',
        { kind: 'urgent_clue', region: '130111', channels: ['nope'] },
        400,
        "channels/0: unknown channel 'nope'",
      ],
      [
        'rules',
        'r1',
        { kind: 'township_rate', region: '130111', channels: ['duty'] },
        400,
        'threshold: is required for kind township_rate',
      ],
      [
        'rules',
        'r1',
        { kind: 'township_rate', region: '130111', channels: ['duty'], threshold: 1.5 },
        400,
        'threshold',
      ],
      [
        'rules',
        'r1',
        { kind: 'urgent_clue', region: '139999', channels: ['duty'] },
        400,
        "region: unknown region code '139999'",
      ],
      [
        'rules',
        'r1',
        { kind: 'urgent_clue', region: '130111', channels: ['duty'], minDown: 3 },
        400,
        'minDown: does not apply to kind urgent_clue',
      ],
      ['rules', 'r1', { kind: 'loud_noise', region: '130111', channels: ['duty'] }, 400, 'kind'],
      ['rules', 'r1', { kind: 'daily_digest', region: '130111', channels: ['duty'], at: '25:00' }, 400, 'at'],
      ['rules', 'Bad Id', { kind: 'urgent_clue', region: '130111', channels: ['duty'] }, 400, 'id'],
      ['rules', 'daily', { kind: 'urgent_clue', region: '130111', channels: ['duty'] }, 409, 'config file'],
      ['channels', 'c1', { kind: 'dingtalk' }, 400, 'url: is required for kind dingtalk'],
      ['channels', 'c1', { kind: 'dingtalk', url: 'ftp://x' }, 400, 'url'],
      [
        'channels',
        'c1',
        { kind: 'dingtalk', url: 'http://127.0.0.1:1/robot/send?access_token=a', secret: 'nope' },
        400,
        'secret: a DingTalk signing secret starts with SEC',
      ],
      [
        'channels',
        'c1',
        { kind: 'webhook', url: 'http://127.0.0.1:1/hook' },
        400,
        'secret: is required for kind webhook',
      ],
      ['channels', 'c1', { kind: 'email', smtp: { host: 'mail' }, from: 'a@b.c', to: ['not-an-address'] }, 400, 'to/0'],
      ['channels', 'c1', { kind: 'wecom', url: 'http://127.0.0.1:1/x', colour: 'red' }, 400, 'colour'],
    ];
    for (const [what, id, body, status, field] of cases) {
      const res = await put(what, id, body);
      expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBe(status);
      expect(res.json().error.message, JSON.stringify(body)).toContain(field);
    }
    expect(await settings()).toEqual(before);
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/admin/notifications/channels/duty', headers: ADMIN }))
        .statusCode,
    ).toBe(409);
  });

  test('the config file: per-kind keys and references are named at start', () => {
    expect(() => parseConfigText('notifications:\n  channels:\n    - { id: a, kind: dingtalk }\n', 'x.yaml')).toThrow(
      /notifications\/channels\/0\/url: is required for kind dingtalk/,
    );
    expect(() =>
      parseConfigText(
        'notifications:\n  rules:\n    - { kind: urgent_clue, region: "130111", channels: [ghost] }\n',
        'x.yaml',
      ),
    ).toThrow(/notifications\/rules\/0\/channels\/0: unknown channel 'ghost'/);
    expect(() => parseConfigText('notifications:\n  quietHours: { from: "22:00", to: "7:00" }\n', 'x.yaml')).toThrow(
      /notifications\/quietHours\/to/,
    );
    expect(() => parseConfigText('notifications:\n  rulez: []\n', 'x.yaml')).toThrow(
      /notifications\/rulez: unknown key/,
    );
  });

  test('a robot that never answers blocks neither ingest nor the wall', async () => {
    const title = '无人应答的机器人也不能挡住上报';
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: AUTH,
      payload: { category: 'hazard', source: 'grid', region: '130111103', title, urgent: true },
    });
    expect(res.statusCode).toBe(201);
    await until(() => hanging.pendingHanging > 0, 'the request the robot holds');
    // While that request hangs, more writes are acknowledged and the wall's live state has them.
    const second = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: AUTH,
      payload: { category: 'hazard', source: 'grid', region: '130111103', title: `${title}(二)`, urgent: true },
    });
    expect(second.statusCode).toBe(201);
    expect(hanging.pendingHanging).toBe(1);
    const wall = app.live.snapshot('130111');
    expect(wall.clues.map((c) => c.title)).toEqual(expect.arrayContaining([title, `${title}(二)`]));
    const log = (await app.inject({ url: '/api/v1/notifications/deliveries?channel=dead' })).json() as {
      items: { status: string }[];
    };
    expect(log.items.map((d) => d.status)).toEqual(['queued', 'queued']);
  });
});
