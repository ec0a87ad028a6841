// The alert engine on the real server (fixtures of 栾城区, SQLite) with the robot stand-in:
// quiet hours on a 调休 day, flapping and repeats, a source down replacing its child alerts.
// Only Date is faked (the clock moves when the test says); timers and I/O are real.
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { RobotStandIn } from './robotStandIn.js';
import { ADMIN, AUTH, notifyApp, until } from './helpers.js';

const SH = (s: string) => Date.parse(`${s}+08:00`);
const YEHE = '130111103'; // 冶河镇

const channelYaml = (robot: RobotStandIn) => `  channels:
    - id: duty
      kind: dingtalk
      url: ${robot.url}/robot/send?access_token=token-1234567890
      secret: SECx
      retryDelayMs: 50
`;

const titles = (robot: RobotStandIn) => robot.of('dingtalk').map((r) => (r.body.markdown as { title: string }).title);

async function onlineChannels(app: FastifyInstance, region: string, n: number): Promise<string[]> {
  const res = await app.inject({ url: `/api/v1/regions/${region}/cameras?status=online&limit=${n}` });
  const ids = (res.json() as { items: { id: string }[] }).items.map((c) => c.id);
  expect(ids).toHaveLength(n);
  return ids;
}

async function report(app: FastifyInstance, ids: string[], status: 'online' | 'offline'): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/cameras/status',
    headers: AUTH,
    payload: {
      reports: ids.map((cameraId) => ({ cameraId, status, ...(status === 'offline' ? { reason: 'power' } : {}) })),
    },
  });
  expect(res.json()).toMatchObject({ accepted: ids.length });
}

/** Channels down in a township now, from the summary API (what the rule must see too). */
async function downNow(app: FastifyInstance, region: string): Promise<number> {
  const s = (await app.inject({ url: `/api/v1/regions/${region}/summary` })).json() as {
    cameras: { offline: number; unknown: number };
  };
  return s.cameras.offline + s.cameras.unknown;
}

async function putRule(app: FastifyInstance, id: string, rule: object): Promise<void> {
  const res = await app.inject({
    method: 'PUT',
    url: `/api/v1/admin/notifications/rules/${id}`,
    headers: ADMIN,
    payload: rule,
  });
  expect(res.statusCode, res.body).toBe(200);
}

const urgent = (category: string, title: string) => ({
  category,
  source: 'hotline',
  region: YEHE,
  title,
  urgent: true,
});

describe('the alert engine', () => {
  let robot = new RobotStandIn({ dingtalkSecret: 'SECx' });
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
    await robot.stop().catch(() => {});
    robot = new RobotStandIn({ dingtalkSecret: 'SECx' });
    vi.useRealTimers();
  });

  test('quiet hours on a 调休 Saturday: delivered; on a plain Saturday: held, except rules that may wake people; released merged on Monday 07:00', async () => {
    await robot.start();
    vi.useFakeTimers({ toFake: ['Date'], now: SH('2026-10-10T10:00:00') });
    const yaml = `notifications:
  evaluateEverySec: 300
  quietHours: { from: "22:00", to: "07:00", nonWorkdays: true }
${channelYaml(robot)}  rules:
    - { id: urgent-quiet, kind: urgent_clue, region: "130111", channels: [duty], categories: [environment] }
    - { id: urgent-wake, kind: urgent_clue, region: "130111", channels: [duty], categories: [hazard], ignoreQuietHours: true }
`;
    const h = await notifyApp(yaml, { heartbeatGraceSec: 1e9 });
    const app = h.app;
    cleanup = h.cleanup;
    const post = async (body: object) =>
      expect(
        (await app.inject({ method: 'POST', url: '/api/v1/clues', headers: AUTH, payload: body })).statusCode,
      ).toBe(201);

    await post(urgent('environment', '调休日的紧急线索'));
    await until(() => titles(robot).length === 1, 'delivery on the 调休 Saturday');
    expect(app.notify.quietState().quiet).toBe(false);

    vi.setSystemTime(SH('2026-10-17T10:00:00'));
    expect(app.notify.quietState()).toMatchObject({ quiet: true, until: '2026-10-19T07:00:00+08:00' });
    await post(urgent('environment', '周六的紧急线索一'));
    await post(urgent('hazard', '周六的安全隐患'));
    await post(urgent('environment', '周六的紧急线索二'));
    await until(() => titles(robot).length === 2, 'the rule that ignores quiet hours');
    expect((robot.of('dingtalk')[1]!.body.markdown as { text: string }).text).toContain('周六的安全隐患');
    const held = (await app.inject({ url: '/api/v1/notifications/deliveries?status=held' })).json() as {
      items: { title: string }[];
    };
    expect(held.items).toHaveLength(2);

    vi.setSystemTime(SH('2026-10-19T07:00:00'));
    await app.notify.tick();
    await until(() => titles(robot).length === 3, 'the held messages at the end of quiet hours');
    const merged = robot.of('dingtalk')[2]!.body.markdown as { title: string; text: string };
    expect(merged.title).toBe('静默时段告警汇总 2 条');
    expect(merged.text).toContain('周六的紧急线索一');
    expect(merged.text).toContain('周六的紧急线索二');
    expect(
      ((await app.inject({ url: '/api/v1/notifications/deliveries?status=held' })).json() as { items: unknown[] })
        .items,
    ).toHaveLength(0);
  });

  test('a flapping township gives at most one message per interval; repeats while it lasts; recovery once', async () => {
    await robot.start();
    vi.useFakeTimers({ toFake: ['Date'], now: SH('2026-11-25T09:00:00') });
    const h = await notifyApp(`notifications:\n  evaluateEverySec: 300\n${channelYaml(robot)}`, {
      heartbeatGraceSec: 1e9,
    });
    const app = h.app;
    cleanup = h.cleanup;
    const base = await downNow(app, YEHE);
    await putRule(app, 'down', {
      kind: 'channels_down',
      region: YEHE,
      channels: ['duty'],
      minDown: base + 3,
      minutes: 0,
      flapMinutes: 10,
      repeatMinutes: 60,
    });
    const ids = await onlineChannels(app, YEHE, 3);
    const step = async (minute: number, status: 'online' | 'offline' | null) => {
      vi.setSystemTime(SH('2026-11-25T09:00:00') + minute * 60_000);
      if (status) await report(app, ids, status);
      await app.notify.tick();
      await app.notify.flushLog();
    };
    await step(1, 'offline');
    await until(() => titles(robot).length === 1, 'the first alert');
    expect(titles(robot)[0]).toBe(`冶河镇 ${base + 3}路视频离线`);
    await step(2, 'online');
    await step(3, 'offline');
    await step(4, 'online');
    await step(5, 'offline');
    await step(15, null);
    await new Promise((r) => setTimeout(r, 300));
    expect(titles(robot)).toHaveLength(1); // flapping within 10 minutes: nothing more
    await step(16, 'online');
    await until(() => titles(robot).length === 2, 'the recovery');
    expect(titles(robot)[1]).toBe('恢复 · 冶河镇视频离线');
    await step(18, 'offline');
    await new Promise((r) => setTimeout(r, 300));
    expect(titles(robot)).toHaveLength(2); // down again 2 minutes after the recovery: held
    await step(27, null);
    await until(() => titles(robot).length === 3, 'the alert after the interval');
    await step(60, null);
    await new Promise((r) => setTimeout(r, 300));
    expect(titles(robot)).toHaveLength(3);
    await step(88, null);
    await until(() => titles(robot).length === 4, 'the reminder after an hour');
    expect(titles(robot)[3]).toBe(`持续 · 冶河镇 ${base + 3}路视频离线`);
    // The delivery log has the same four, newest first. The robot has the last message before its
    // answer is back and the outcome written, so the log is read once it has settled.
    const readLog = async () => {
      await app.notify.flushLog();
      return (await app.inject({ url: `/api/v1/notifications/deliveries?region=${YEHE}` })).json() as {
        items: { kind: string; status: string }[];
      };
    };
    await until(async () => (await readLog()).items.every((d) => d.status !== 'queued'), 'the outcomes logged');
    const log = await readLog();
    expect(log.items.map((d) => d.kind)).toEqual(['reminder', 'alert', 'recovery', 'alert']);
    expect(log.items.every((d) => d.status === 'sent')).toBe(true);
  });

  test('a source down replaces its child alerts: the township alert is cleared without a message, the source alert names it', async () => {
    await robot.start();
    vi.useFakeTimers({ toFake: ['Date'], now: SH('2026-11-25T09:00:00') });
    const h = await notifyApp(
      `notifications:\n  evaluateEverySec: 300\n${channelYaml(robot)}  rules:\n    - { id: platform, kind: source_down, region: "130111", channels: [duty] }\n`,
      { heartbeatGraceSec: 1e9 },
    );
    const app = h.app;
    cleanup = h.cleanup;
    const base = await downNow(app, YEHE);
    await putRule(app, 'down', {
      kind: 'channels_down',
      region: YEHE,
      channels: ['duty'],
      minDown: base + 3,
      minutes: 0,
      flapMinutes: 0,
    });
    const all = (
      (await app.inject({ url: `/api/v1/regions/${YEHE}/cameras?limit=1000` })).json() as {
        items: { id: string; status: string }[];
      }
    ).items;
    const online = all.filter((c) => c.status === 'online').map((c) => c.id);
    await report(app, online.slice(0, 4), 'offline');
    await app.notify.tick();
    await until(() => titles(robot).length === 1, 'the township alert');
    expect(titles(robot)[0]).toBe(`冶河镇 ${base + 4}路视频离线`);

    const source = {
      id: 'luancheng-wvp',
      name: '栾城区视频平台',
      kind: 'wvp',
      cameraIds: all.map((c) => c.id),
      error: 'keepalive missed',
    };
    app.bus.emit('source', { ...source, up: false, at: new Date().toISOString() });
    await until(() => titles(robot).length === 2, 'the source alert');
    const srcMsg = robot.of('dingtalk')[1]!.body.markdown as { title: string; text: string };
    expect(srcMsg.title).toBe('平台离线 · 栾城区视频平台');
    expect(srcMsg.text).toContain(`冶河镇 ${all.length} 路`);
    expect(srcMsg.text).toContain('keepalive missed');
    // More of its channels go down while it is down: no township message, no recovery either.
    await report(app, online.slice(4, 8), 'offline');
    await app.notify.tick();
    await app.notify.tick();
    await new Promise((r) => setTimeout(r, 300));
    expect(titles(robot)).toHaveLength(2);
    expect((await app.inject({ url: '/api/v1/notifications/alerts?region=130111' })).json()).toMatchObject({
      alerts: [{ kind: 'source_down', headline: '栾城区视频平台 离线' }],
    });

    // Back after 20 minutes (past the source rule's default 10-minute flap interval).
    vi.setSystemTime(SH('2026-11-25T09:20:00'));
    app.bus.emit('source', { ...source, up: true, error: null, at: new Date().toISOString() });
    await app.notify.tick();
    await until(() => titles(robot).length === 4, 'the source recovery and the township judged again');
    expect(titles(robot).slice(2)).toEqual(['恢复 · 栾城区视频平台', `冶河镇 ${base + 8}路视频离线`]);
  });
  test('the daily digest: a rule first seen after its hour waits for the next day; then once a day at 08:00', async () => {
    await robot.start();
    vi.useFakeTimers({ toFake: ['Date'], now: SH('2026-11-25T10:00:00') });
    const h = await notifyApp(
      `notifications:\n  evaluateEverySec: 300\n${channelYaml(robot)}  rules:\n    - { id: daily, kind: daily_digest, region: "130111", channels: [duty], at: "08:00" }\n`,
      { heartbeatGraceSec: 1e9 },
    );
    const app = h.app;
    cleanup = h.cleanup;
    const at = async (t: string) => {
      vi.setSystemTime(SH(t));
      await app.notify.tick();
      await app.notify.flushLog();
    };
    await at('2026-11-25T10:00:00');
    await at('2026-11-26T07:59:00');
    await new Promise((r) => setTimeout(r, 300));
    expect(titles(robot)).toEqual([]);
    await at('2026-11-26T08:00:00');
    await until(() => titles(robot).length === 1, 'the digest at 08:00');
    expect(titles(robot)[0]).toBe('视频运行日报 · 栾城区 · 11月25日');
    await at('2026-11-26T08:30:00');
    await at('2026-11-27T07:00:00');
    await new Promise((r) => setTimeout(r, 300));
    expect(titles(robot)).toHaveLength(1);
    await at('2026-11-27T08:01:00');
    await until(() => titles(robot).length === 2, "the next day's digest");
    expect(titles(robot)[1]).toBe('视频运行日报 · 栾城区 · 11月26日');
  });
});
