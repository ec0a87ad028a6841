// STAND-IN for the DingTalk and WeCom group robots and a generic webhook receiver: the real
// robots live on the internet, which these machines cannot reach. It follows their documented
// shapes (shared/INTEGRATIONS.md): DingTalk checks the HMAC-SHA256 signature of timestamp + "\n" +
// secret and that the timestamp is within an hour, keyword mode, msgtype shapes; WeCom checks
// msgtype shapes and the 4,096 / 2,048-byte content limits; both answer {errcode, errmsg} and
// enforce 20 messages a minute. A test can make it answer errcode failures or reply slowly.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  robot: 'dingtalk' | 'wecom' | 'webhook';
  at: number;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  raw: string;
  /** What the stand-in answered. */
  errcode: number;
}

export interface StandInOptions {
  dingtalkSecret?: string;
  dingtalkKeywords?: string[];
  webhookSecret?: string;
  /** Messages a minute per robot before it answers "too fast" (the documented 20). */
  perMinute?: number;
  /** Clock for the rate window (tests with fake timers pass Date.now through). */
  now?: () => number;
}

export class RobotStandIn {
  readonly received: Received[] = [];
  /** Requests refused because of their shape, signature or size (with why). */
  readonly refused: { robot: string; errcode: number; why: string }[] = [];
  #failures: { errcode: number; errmsg: string }[] = [];
  #delayMs = 0;
  #hang = false;
  readonly #hanging = new Set<http.ServerResponse>();
  readonly #server: http.Server;
  readonly #o: StandInOptions;
  readonly #sent = new Map<string, number[]>();
  url = '';

  constructor(o: StandInOptions = {}) {
    this.#o = o;
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
  }

  /** Listens on 127.0.0.1 (port 0: any free port); rejects when the port is taken. */
  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.#server.once('error', onError);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.#hanging) r.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  /** The next `n` accepted-looking requests are answered with this errcode instead. */
  failNext(n: number, errcode = -1, errmsg = '系统繁忙'): void {
    for (let i = 0; i < n; i++) this.#failures.push({ errcode, errmsg });
  }

  /** Every reply waits this long (a slow robot). */
  delay(ms: number): void {
    this.#delayMs = ms;
  }

  /** Requests are read but never answered (an unreachable robot that accepts connections). */
  hang(on = true): void {
    this.#hang = on;
  }

  get pendingHanging(): number {
    return this.#hanging.size;
  }

  of(robot: Received['robot']): Received[] {
    return this.received.filter((r) => r.robot === robot && r.errcode === 0);
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (this.#hang) {
      this.#hanging.add(res);
      res.on('close', () => this.#hanging.delete(res));
      return;
    }
    if (this.#delayMs > 0) await new Promise((r) => setTimeout(r, this.#delayMs));
    const url = new URL(req.url ?? '/', this.url);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return this.#answer(res, 'webhook', url, req, {}, raw, 400, '{"errcode":40001,"errmsg":"invalid json"}');
    }
    const robot: Received['robot'] =
      url.pathname === '/robot/send' ? 'dingtalk' : url.pathname === '/cgi-bin/webhook/send' ? 'wecom' : 'webhook';
    const problem =
      robot === 'dingtalk'
        ? this.#dingtalk(url, body)
        : robot === 'wecom'
          ? this.#wecom(body)
          : this.#webhook(req, raw);
    if (problem) {
      this.refused.push({ robot, ...problem });
      return this.#answer(
        res,
        robot,
        url,
        req,
        body,
        raw,
        robot === 'webhook' ? 401 : 200,
        JSON.stringify({ errcode: problem.errcode, errmsg: problem.why }),
      );
    }
    if (robot !== 'webhook' && this.#overLimit(robot)) {
      const errcode = robot === 'dingtalk' ? 130101 : 45009;
      return this.#answer(res, robot, url, req, body, raw, 200, JSON.stringify({ errcode, errmsg: 'send too fast' }));
    }
    const fail = this.#failures.shift();
    if (fail) return this.#answer(res, robot, url, req, body, raw, 200, JSON.stringify(fail));
    return this.#answer(res, robot, url, req, body, raw, 200, '{"errcode":0,"errmsg":"ok"}');
  }

  #answer(
    res: http.ServerResponse,
    robot: Received['robot'],
    url: URL,
    req: http.IncomingMessage,
    body: Record<string, unknown>,
    raw: string,
    status: number,
    reply: string,
  ): void {
    const errcode = (JSON.parse(reply) as { errcode: number }).errcode;
    this.received.push({
      robot,
      at: Date.now(),
      url: url.toString(),
      headers: req.headers,
      body,
      raw,
      errcode: status === 200 ? errcode : status,
    });
    res.writeHead(status, { 'content-type': 'application/json' }).end(reply);
  }

  #overLimit(robot: string): boolean {
    const now = (this.#o.now ?? Date.now)();
    const list = (this.#sent.get(robot) ?? []).filter((t) => t > now - 60_000);
    list.push(now);
    this.#sent.set(robot, list);
    return list.length > (this.#o.perMinute ?? 20);
  }

  /** DingTalk custom robot: access_token, signature and timestamp, msgtype shape, keywords. */
  #dingtalk(url: URL, body: Record<string, unknown>): { errcode: number; why: string } | null {
    if (!url.searchParams.get('access_token')) return { errcode: 300001, why: 'token is not exist' };
    if (this.#o.dingtalkSecret) {
      const ts = Number(url.searchParams.get('timestamp'));
      const sign = url.searchParams.get('sign');
      if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > 3600_000)
        return { errcode: 310000, why: 'invalid timestamp' };
      const want = createHmac('sha256', this.#o.dingtalkSecret)
        .update(`${ts}\n${this.#o.dingtalkSecret}`)
        .digest('base64');
      // URLSearchParams already decoded the urlencoded base64 once.
      if (sign !== want) return { errcode: 310000, why: 'sign not match' };
    }
    const type = body.msgtype;
    let text = '';
    if (type === 'markdown') {
      const m = body.markdown as { title?: unknown; text?: unknown } | undefined;
      if (typeof m?.title !== 'string' || typeof m.text !== 'string' || m.title === '' || m.text === '')
        return { errcode: 40035, why: 'markdown needs title and text' };
      text = `${m.title}\n${m.text}`;
    } else if (type === 'text') {
      const t = body.text as { content?: unknown } | undefined;
      if (typeof t?.content !== 'string' || t.content === '') return { errcode: 40035, why: 'text needs content' };
      text = t.content;
    } else return { errcode: 40035, why: `unsupported msgtype ${String(type)}` };
    if (this.#o.dingtalkKeywords && !this.#o.dingtalkKeywords.some((k) => text.includes(k)))
      return { errcode: 310000, why: 'keywords not in content' };
    const at = body.at as { atMobiles?: unknown } | undefined;
    if (at !== undefined && at.atMobiles !== undefined && !Array.isArray(at.atMobiles))
      return { errcode: 40035, why: 'at.atMobiles must be an array' };
    return null;
  }

  /** WeCom group robot: key, msgtype shape, content size limits, mentioned_mobile_list. */
  #wecom(body: Record<string, unknown>): { errcode: number; why: string } | null {
    const type = body.msgtype;
    if (type === 'markdown') {
      const c = (body.markdown as { content?: unknown } | undefined)?.content;
      if (typeof c !== 'string' || c === '') return { errcode: 40008, why: 'markdown.content missing' };
      if (Buffer.byteLength(c) > 4096)
        return { errcode: 40058, why: `markdown.content exceeds 4096 bytes (${Buffer.byteLength(c)})` };
      return null;
    }
    if (type === 'text') {
      const t = body.text as { content?: unknown; mentioned_mobile_list?: unknown } | undefined;
      if (typeof t?.content !== 'string' || t.content === '') return { errcode: 40008, why: 'text.content missing' };
      if (Buffer.byteLength(t.content) > 2048)
        return { errcode: 40058, why: `text.content exceeds 2048 bytes (${Buffer.byteLength(t.content)})` };
      if (
        t.mentioned_mobile_list !== undefined &&
        (!Array.isArray(t.mentioned_mobile_list) || t.mentioned_mobile_list.some((x) => typeof x !== 'string'))
      ) {
        return { errcode: 40058, why: 'mentioned_mobile_list must be an array of strings' };
      }
      return null;
    }
    return { errcode: 40008, why: `invalid message type ${String(type)}` };
  }

  /** Generic webhook: HMAC-SHA256 of timestamp + "." + body in x-zhihui-signature. */
  #webhook(req: http.IncomingMessage, raw: string): { errcode: number; why: string } | null {
    if (!this.#o.webhookSecret) return null;
    const ts = String(req.headers['x-zhihui-timestamp'] ?? '');
    const sig = String(req.headers['x-zhihui-signature'] ?? '');
    const want = `sha256=${createHmac('sha256', this.#o.webhookSecret).update(`${ts}.${raw}`).digest('hex')}`;
    if (sig !== want) return { errcode: 401, why: 'bad signature' };
    if (Math.abs(Date.now() - Number(ts)) > 300_000) return { errcode: 401, why: 'stale timestamp' };
    return null;
  }
}
