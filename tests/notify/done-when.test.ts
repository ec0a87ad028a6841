// The issue's "Done when": its minimal config, as written, makes an urgent clue for a township of
// 130111 reach the DingTalk URL within 10 s, signed as DingTalk specifies, as markdown naming the
// township and the clue's title. The robot is the local stand-in (robotStandIn.ts) on port 9999
// when that port is free, so the config really is the issue's text.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { RobotStandIn } from './robotStandIn.js';
import { AUTH, notifyApp, until } from './helpers.js';

const ISSUE_CONFIG = (url: string) => `notifications:
  channels:
    - id: county-duty
      kind: dingtalk
      url: ${url}/robot/send?access_token=demo
      secret: SECdemo
  rules:
    - kind: urgent_clue
      region: "130111"
      channels: [county-duty]
`;

describe('the minimal config of the issue', () => {
  const robot = new RobotStandIn({ dingtalkSecret: 'SECdemo' });
  let app: FastifyInstance;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    await robot.start(9999).catch(() => robot.start());
    ({ app, cleanup } = await notifyApp(ISSUE_CONFIG(robot.url)));
  });
  afterAll(async () => {
    await cleanup?.();
    await robot.stop();
  });

  test('an urgent clue for 冶河镇 reaches the robot within 10 s: signed, markdown, township and title', async () => {
    const posted = Date.now();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: AUTH,
      payload: {
        category: 'environment',
        source: 'hotline',
        region: '130111103',
        title: '河道旁有人焚烧垃圾',
        urgent: true,
      },
    });
    expect(res.statusCode).toBe(201);
    await until(() => robot.of('dingtalk').length > 0, 'the DingTalk message', 10_000);
    const got = robot.of('dingtalk')[0]!;
    expect(got.at - posted).toBeLessThan(10_000);
    // The stand-in answered errcode 0 only because the signature over timestamp + "\n" + secret matched.
    expect(robot.refused).toEqual([]);
    const u = new URL(got.url);
    expect(u.searchParams.get('access_token')).toBe('demo');
    expect(Math.abs(Number(u.searchParams.get('timestamp')) - got.at)).toBeLessThan(60_000);
    expect(got.body.msgtype).toBe('markdown');
    const md = got.body.markdown as { title: string; text: string };
    expect(md.title).toContain('冶河镇');
    expect(md.text).toContain('冶河镇');
    expect(md.text).toContain('河道旁有人焚烧垃圾');
    // And the delivery log says so.
    await until(async () => {
      const log = (await app.inject({ url: '/api/v1/notifications/deliveries?region=130111' })).json() as {
        items: { status: string }[];
      };
      return log.items[0]?.status === 'sent';
    }, 'the delivery log line');
  });

  test('a clue that is not urgent, or outside 130111, sends nothing', async () => {
    const before = robot.received.length;
    await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: AUTH,
      payload: { category: 'environment', source: 'hotline', region: '130111103', title: '普通线索' },
    });
    await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: AUTH,
      payload: {
        category: 'environment',
        source: 'hotline',
        region: '130321100',
        title: '青龙的紧急线索',
        urgent: true,
      },
    });
    await app.notify.tick();
    await new Promise((r) => setTimeout(r, 300));
    expect(robot.received.length).toBe(before);
  });
});
