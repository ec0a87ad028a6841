// Channels and their outbox against the robot stand-in (robotStandIn.ts) and an SMTP stand-in:
// the 20-a-minute limit with the excess merged (fake timers), retries with backoff on errcode
// failures and slow replies, permanent errors, WeCom size limits and mentions, signed webhooks, e-mail.
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { dingtalkTransport } from '../../server/src/notify/channels/dingtalk.js';
import { emailTransport } from '../../server/src/notify/channels/email.js';
import { webhookTransport } from '../../server/src/notify/channels/webhook.js';
import { wecomTransport } from '../../server/src/notify/channels/wecom.js';
import type { Message } from '../../server/src/notify/message.js';
import { ChannelQueue, type DeliverySink } from '../../server/src/notify/queue.js';
import { scrub } from '../../server/src/notify/secrets.js';
import type { DeliveryRecord } from '../../server/src/store/types.js';
import { RobotStandIn } from './robotStandIn.js';

const msg = (n: number, extra: Partial<Message> = {}): Message => ({
  kind: 'alert',
  title: `告警 ${n}`,
  headline: `冶河镇 ${n}路视频离线`,
  lines: [`第 ${n} 条`],
  link: null,
  region: '130111103',
  rule: 'r1',
  key: `r1|township:${n}`,
  urgent: false,
  mentions: null,
  at: '2026-11-27T09:00:00+08:00',
  ...extra,
});

/** The delivery log in memory, applied as the store would. */
function memorySink(): DeliverySink & { rows: Map<string, DeliveryRecord> } {
  const rows = new Map<string, DeliveryRecord>();
  return {
    rows,
    add: (d) => void rows.set(d.id, { ...d }),
    update: (id, p) => void rows.set(id, { ...rows.get(id)!, ...p }),
  };
}

/** Lets real I/O run while timers are fake: setImmediate is not faked here. */
async function ioUntil(cond: () => boolean, what: string, spins = 20_000): Promise<void> {
  for (let i = 0; i < spins; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`gave up waiting for ${what}`);
}
const ioSettle = async (spins = 2000) => {
  for (let i = 0; i < spins; i++) await new Promise((r) => setImmediate(r));
};

describe('the 20-a-minute limit: the excess is merged into one message, never dropped (fake timers)', () => {
  const robot = new RobotStandIn({ dingtalkSecret: 'SECx' });
  beforeAll(async () => {
    await robot.start();
  });
  afterAll(async () => {
    vi.useRealTimers();
    await robot.stop();
  });

  test('25 at once: 19 alone and the other 6 in the 20th; 3 more wait for the window, then go alone', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-11-27T09:00:00+08:00') });
    const sink = memorySink();
    const q = new ChannelQueue({
      channel: 'county-duty',
      transport: dingtalkTransport(
        { id: 'county-duty', kind: 'dingtalk', url: `${robot.url}/robot/send?access_token=t`, secret: 'SECx' },
        5000,
      ),
      ratePerMinute: 20,
      retries: 2,
      sink,
      scrub: (t) => t,
    });
    for (let i = 1; i <= 25; i++) void q.enqueue(msg(i));
    await ioUntil(() => robot.of('dingtalk').length === 20, '20 messages');
    await ioSettle();
    const got = robot.of('dingtalk').map((r) => r.body.markdown as { title: string; text: string });
    expect(robot.received.length).toBe(20); // nothing refused, nothing over the limit
    expect(got.slice(0, 19).map((m) => m.title)).toEqual(Array.from({ length: 19 }, (_, i) => `告警 ${i + 1}`));
    expect(got[19]!.title).toBe('合并告警 6 条');
    for (let i = 20; i <= 25; i++) expect(got[19]!.text).toContain(`冶河镇 ${i}路视频离线`);
    const merged = [...sink.rows.values()].find((r) => r.kind === 'merged')!;
    expect(merged.status).toBe('sent');
    const parts = [...sink.rows.values()].filter((r) => r.status === 'merged');
    expect(parts.map((r) => r.title).sort()).toEqual([
      '告警 20',
      '告警 21',
      '告警 22',
      '告警 23',
      '告警 24',
      '告警 25',
    ]);
    expect(parts.every((r) => r.mergedInto === merged.id)).toBe(true);

    for (let i = 26; i <= 28; i++) void q.enqueue(msg(i));
    await ioSettle();
    expect(robot.received.length).toBe(20); // the window is full: they wait
    await vi.advanceTimersByTimeAsync(60_000);
    await ioUntil(() => robot.of('dingtalk').length === 23, '3 more');
    expect(
      robot
        .of('dingtalk')
        .slice(20)
        .map((r) => (r.body.markdown as { title: string }).title),
    ).toEqual(['告警 26', '告警 27', '告警 28']);
    await ioUntil(
      () => [...sink.rows.values()].filter((r) => r.status === 'sent').length === 23,
      'the log to say sent',
    );
    q.close();
    vi.useRealTimers();
  });
});

describe('retries, slow replies and permanent errors (real timers, short backoff)', () => {
  const robot = new RobotStandIn({ dingtalkSecret: 'SECx' });
  beforeAll(async () => {
    await robot.start();
  });
  afterEach(() => {
    robot.delay(0);
  });
  afterAll(async () => {
    await robot.stop();
  });
  const queue = (secret: string, timeoutMs = 2000, retries = 3) => {
    const sink = memorySink();
    const url = `${robot.url}/robot/send?access_token=secret-token-value`;
    const q = new ChannelQueue({
      channel: 'c',
      transport: dingtalkTransport({ id: 'c', kind: 'dingtalk', url, secret }, timeoutMs),
      ratePerMinute: 20,
      retries,
      sink,
      scrub: (t) => scrub(t, [url, secret]),
      backoffMs: (n) => 20 * 2 ** (n - 1),
    });
    return { q, sink };
  };

  test('errcode failures are retried with backoff until the robot accepts', async () => {
    robot.failNext(2, -1, '系统繁忙');
    const { q, sink } = queue('SECx');
    const out = await q.enqueue(msg(1));
    expect(out).toMatchObject({ status: 'sent', attempts: 3 });
    const answers = robot.received.slice(-3).map((r) => r.errcode);
    expect(answers).toEqual([-1, -1, 0]);
    expect([...sink.rows.values()][0]).toMatchObject({ status: 'sent', attempts: 3, error: 'errcode -1: 系统繁忙' });
    q.close();
  });

  test('a wrong signature (errcode 310000) is not retried: failed at once, with the reason', async () => {
    const { q, sink } = queue('SECwrong');
    const out = await q.enqueue(msg(2));
    expect(out).toMatchObject({ status: 'failed', attempts: 1, error: 'errcode 310000: sign not match' });
    expect([...sink.rows.values()][0]!.status).toBe('failed');
    q.close();
  });

  test('a robot slower than the timeout is retried, then the message fails with the reason', async () => {
    robot.delay(600);
    const { q } = queue('SECx', 150, 1);
    const out = await q.enqueue(msg(3));
    expect(out).toMatchObject({ status: 'failed', attempts: 2, error: 'no reply within 150 ms' });
    q.close();
  });

  test('the robot unreachable: the error names the address, never the token', async () => {
    const sink = memorySink();
    const url = 'http://127.0.0.1:9/robot/send?access_token=secret-token-value';
    const q = new ChannelQueue({
      channel: 'c',
      transport: dingtalkTransport({ id: 'c', kind: 'dingtalk', url, secret: 'SECx' }, 1000),
      ratePerMinute: 20,
      retries: 1,
      sink,
      scrub: (t) => scrub(t, [url, 'SECx']),
      backoffMs: () => 10,
    });
    const out = await q.enqueue(msg(4));
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify([...sink.rows.values()])).not.toContain('secret-token-value');
    q.close();
  });
});

describe('WeCom, webhook and e-mail', () => {
  const robot = new RobotStandIn({ webhookSecret: 'whsec-1234567890' });
  beforeAll(async () => {
    await robot.start();
  });
  afterAll(async () => {
    await robot.stop();
  });

  test('WeCom markdown is cut to 4,096 bytes, and the robot takes it', async () => {
    const t = wecomTransport({ id: 'w', kind: 'wecom', url: `${robot.url}/cgi-bin/webhook/send?key=abc` }, 2000);
    const lines = Array.from({ length: 300 }, (_, i) => `离线通道 ${i}:冶河镇某某村路口球机`);
    await t.send(msg(1, { lines }));
    const got = robot.of('wecom').at(-1)!;
    const content = (got.body.markdown as { content: string }).content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096);
    expect(content).toMatch(/…其余 \d+ 行见投递日志/);
    expect(robot.refused).toEqual([]);
  });

  test('WeCom with mentions sends text with mentioned_mobile_list, within 2,048 bytes', async () => {
    const t = wecomTransport(
      {
        id: 'w',
        kind: 'wecom',
        url: `${robot.url}/cgi-bin/webhook/send?key=abc`,
        mentions: { mobiles: ['13800000000'] },
      },
      2000,
    );
    await t.send(msg(2, { lines: Array.from({ length: 200 }, (_, i) => `第 ${i} 行内容`) }));
    const got = robot.of('wecom').at(-1)!;
    expect(got.body.msgtype).toBe('text');
    const text = got.body.text as { content: string; mentioned_mobile_list: string[] };
    expect(text.mentioned_mobile_list).toEqual(['13800000000']);
    expect(Buffer.byteLength(text.content)).toBeLessThanOrEqual(2048);
  });

  test('the stand-in refuses WeCom content over the limit (so the check above can fail)', async () => {
    const res = await fetch(`${robot.url}/cgi-bin/webhook/send?key=abc`, {
      method: 'POST',
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content: '字'.repeat(1400) } }),
    });
    expect(((await res.json()) as { errcode: number }).errcode).toBe(40058);
  });

  test('DingTalk keyword mode: a message without the keyword gets it, and the robot takes it', async () => {
    const kw = new RobotStandIn({ dingtalkKeywords: ['告警'] });
    await kw.start();
    try {
      const t = dingtalkTransport(
        {
          id: 'd',
          kind: 'dingtalk',
          url: `${kw.url}/robot/send?access_token=t`,
          keywords: ['告警'],
          mentions: { mobiles: ['13900000000'] },
        },
        2000,
      );
      await t.send(msg(3, { title: '紧急线索 · 冶河镇', headline: '紧急线索:冶河镇,河道焚烧' }));
      const got = kw.of('dingtalk')[0]!;
      const md = got.body.markdown as { text: string };
      expect(md.text).toContain('告警');
      expect(md.text).toContain('@13900000000');
      expect((got.body.at as { atMobiles: string[] }).atMobiles).toEqual(['13900000000']);
    } finally {
      await kw.stop();
    }
  });

  test('a webhook carries the JSON message, signed over timestamp and body', async () => {
    const t = webhookTransport(
      { id: 'h', kind: 'webhook', url: `${robot.url}/hooks/zhihui`, secret: 'whsec-1234567890' },
      2000,
    );
    await t.send(msg(4));
    const got = robot.of('webhook').at(-1)!;
    expect(got.body).toMatchObject({ kind: 'alert', headline: '冶河镇 4路视频离线', region: '130111103', rule: 'r1' });
    const bad = webhookTransport(
      { id: 'h', kind: 'webhook', url: `${robot.url}/hooks/zhihui`, secret: 'wrong-secret' },
      2000,
    );
    await expect(bad.send(msg(5))).rejects.toThrow(/HTTP 401/);
  });

  test('e-mail goes through SMTP (a local SMTP stand-in) with subject and text', async () => {
    const mails: { from: string; to: string[]; data: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      const t = await emailTransport(
        {
          id: 'm',
          kind: 'email',
          smtp: { host: '127.0.0.1', port },
          from: 'zhihui@example.gov.cn',
          to: ['duty@example.gov.cn'],
        },
        5000,
      );
      await t.send(msg(6));
      await t.close();
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toEqual(['duty@example.gov.cn']);
      expect(mails[0]!.data).toMatch(/Subject: =\?UTF-8\?/);
      const [head, body] = mails[0]!.data.split(/\r?\n\r?\n/, 2) as [string, string];
      expect(head).toMatch(/Content-Transfer-Encoding: base64/);
      const subject = /Subject: =\?UTF-8\?B\?([^?]+)\?=/.exec(head)![1]!;
      expect(Buffer.from(subject, 'base64').toString('utf8')).toBe('告警 6');
      expect(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')).toBe(
        '【告警 6】冶河镇 6路视频离线\n第 6 条',
      );
    } finally {
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });
});
