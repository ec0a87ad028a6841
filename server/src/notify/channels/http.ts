import http from 'node:http';
import https from 'node:https';
import { DeliveryError } from './types.js';

/** What a robot or webhook answered. */
export interface HttpReply {
  status: number;
  body: string;
}

/**
 * POSTs JSON with a deadline for the whole exchange. node:http rather than fetch: no connection
 * pool kept open to a robot that went away, and its timers are the socket's own.
 */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      reject(new DeliveryError('the URL is not valid', false));
      return;
    }
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 64 * 1024) chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(new DeliveryError(`reply broken off: ${err.message}`, true));
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new DeliveryError(`no reply within ${timeoutMs} ms`, true));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(
        err instanceof DeliveryError
          ? err
          : new DeliveryError(`${(err as NodeJS.ErrnoException).code ?? 'request failed'}: ${err.message}`, true),
      );
    });
    req.end(body);
  });
}

/**
 * The robots' answer: HTTP 200 with `{errcode, errmsg}`, errcode 0 meaning accepted. Anything
 * else is a failure; `throttle` and `permanent` list the errcodes that mean "slow down" and
 * "retrying cannot fix this" (a wrong signature, a deleted robot).
 */
export function checkRobotReply(
  r: HttpReply,
  codes: { throttle: readonly number[]; permanent: readonly number[] },
): void {
  if (r.status === 429) throw new DeliveryError('HTTP 429 (too many requests)', true, true);
  if (r.status < 200 || r.status >= 300)
    throw new DeliveryError(`HTTP ${r.status}`, r.status >= 500 || r.status === 408);
  let json: { errcode?: unknown; errmsg?: unknown };
  try {
    json = JSON.parse(r.body) as typeof json;
  } catch {
    throw new DeliveryError('the reply is not JSON', true);
  }
  const code = typeof json.errcode === 'number' ? json.errcode : Number(json.errcode);
  if (json.errcode === undefined || !Number.isFinite(code)) throw new DeliveryError('the reply has no errcode', true);
  if (code === 0) return;
  const msg = `errcode ${code}: ${typeof json.errmsg === 'string' ? json.errmsg.slice(0, 200) : ''}`;
  throw new DeliveryError(msg, !codes.permanent.includes(code), codes.throttle.includes(code));
}
