import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** What one probe found. */
export type ProbeResult =
  | { status: 'online' }
  | {
      status: 'offline';
      reason: 'auth' | 'bad_path' | 'network' | 'no_stream' | 'other';
      detail: string;
      garbage?: boolean;
    };

export interface RtspCredentials {
  username: string;
  password: string;
}

/** A URL with any user:password taken out, and the credentials it carried. */
export function splitCredentials(raw: string): { url: string; credentials: RtspCredentials | null } {
  const u = new URL(raw);
  const credentials =
    u.username !== '' ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : null;
  u.username = '';
  u.password = '';
  return { url: u.toString(), credentials };
}

interface Response {
  status: number;
  headers: Map<string, string[]>;
  body: string;
}

/** Reads RTSP responses off a socket, one at a time. */
class Reader {
  #buf = Buffer.alloc(0);
  #waiting: ((r: Response | Error) => void) | null = null;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      this.#try();
    });
  }

  next(): Promise<Response> {
    return new Promise((resolve, reject) => {
      this.#waiting = (r) => (r instanceof Error ? reject(r) : resolve(r));
      this.#try();
    });
  }

  fail(err: Error): void {
    const w = this.#waiting;
    this.#waiting = null;
    w?.(err);
  }

  #try(): void {
    if (!this.#waiting) return;
    const end = this.#buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.#buf.length > 64 * 1024) this.fail(new GarbageError('header larger than 64 KiB'));
      return;
    }
    const head = this.#buf.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^RTSP\/1\.\d (\d{3})/.exec(head[0] ?? '');
    if (!m) return this.fail(new GarbageError(`not an RTSP response: '${(head[0] ?? '').slice(0, 60)}'`));
    const headers = new Map<string, string[]>();
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      const k = line.slice(0, i).trim().toLowerCase();
      headers.set(k, [...(headers.get(k) ?? []), line.slice(i + 1).trim()]);
    }
    const length = Number(headers.get('content-length')?.[0] ?? 0) || 0;
    if (this.#buf.length < end + 4 + length) return;
    const body = this.#buf.subarray(end + 4, end + 4 + length).toString('utf8');
    this.#buf = this.#buf.subarray(end + 4 + length);
    const w = this.#waiting;
    this.#waiting = null;
    w({ status: Number(m[1]), headers, body });
  }
}

class GarbageError extends Error {}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** Parameters of one `WWW-Authenticate: Digest …` challenge. */
function digestParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.slice(header.indexOf(' ') + 1).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g))
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

/** The Authorization header answering a challenge (Digest preferred over Basic), or null if none fits. */
export function authorization(
  challenges: readonly string[],
  creds: RtspCredentials,
  method: string,
  uri: string,
): string | null {
  const digest = challenges.find((c) => /^digest\s/i.test(c));
  if (digest) {
    const p = digestParams(digest);
    if (p.algorithm && p.algorithm.toUpperCase() !== 'MD5') return null;
    const ha1 = md5(`${creds.username}:${p.realm ?? ''}:${creds.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const qop = p.qop
      ?.split(',')
      .map((q) => q.trim())
      .includes('auth')
      ? 'auth'
      : null;
    const q = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    const parts = [
      `username="${q(creds.username)}"`,
      `realm="${q(p.realm ?? '')}"`,
      `nonce="${q(p.nonce ?? '')}"`,
      `uri="${q(uri)}"`,
    ];
    if (qop) {
      const cnonce = randomBytes(8).toString('hex');
      const nc = '00000001';
      parts.push(
        `response="${md5(`${ha1}:${p.nonce ?? ''}:${nc}:${cnonce}:${qop}:${ha2}`)}"`,
        `qop=${qop}`,
        `nc=${nc}`,
        `cnonce="${cnonce}"`,
      );
    } else parts.push(`response="${md5(`${ha1}:${p.nonce ?? ''}:${ha2}`)}"`);
    if (p.opaque !== undefined) parts.push(`opaque="${q(p.opaque)}"`);
    return `Digest ${parts.join(', ')}`;
  }
  if (challenges.some((c) => /^basic/i.test(c)))
    return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  return null;
}

/**
 * Probes an RTSP camera: OPTIONS with the full URL (some cameras refuse `OPTIONS *`), then DESCRIBE,
 * answering a 401 with Digest or Basic auth. 200 with an SDP that has a media line → online;
 * 401/403 → offline (auth); 404 → offline (bad_path); refused, unreachable or timed out → offline
 * (network); a 200 without media → offline (no_stream). `url` must hold no credentials.
 */
export function probeRtsp(url: string, creds: RtspCredentials | null, timeoutMs: number): Promise<ProbeResult> {
  const u = new URL(url);
  const port = u.port ? Number(u.port) : 554;
  return new Promise((resolve) => {
    let done = false;
    const socket = connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port });
    const reader = new Reader(socket);
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish({ status: 'offline', reason: 'network', detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.on('error', (err: NodeJS.ErrnoException) => {
      reader.fail(err);
      finish({
        status: 'offline',
        reason: 'network',
        detail: err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? err.message),
      });
    });
    socket.on('close', () => reader.fail(new Error('connection closed by the camera')));
    let cseq = 0;
    const request = async (method: string, auth: string | null): Promise<Response> => {
      const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${++cseq}`, 'User-Agent: Zhihui status probe'];
      if (method === 'DESCRIBE') lines.push('Accept: application/sdp');
      if (auth) lines.push(`Authorization: ${auth}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      return reader.next();
    };
    socket.once('connect', () => {
      void (async () => {
        try {
          await request('OPTIONS', null);
          let res = await request('DESCRIBE', null);
          if (res.status === 401 && creds) {
            const auth = authorization(res.headers.get('www-authenticate') ?? [], creds, 'DESCRIBE', url);
            if (auth) res = await request('DESCRIBE', auth);
          }
          finish(outcome(res));
        } catch (err) {
          if (err instanceof GarbageError)
            finish({ status: 'offline', reason: 'other', detail: err.message, garbage: true });
          else finish({ status: 'offline', reason: 'network', detail: (err as Error).message });
        }
      })();
    });
  });
}

function outcome(res: Response): ProbeResult {
  if (res.status === 200)
    return /^m=(video|audio)/m.test(res.body)
      ? { status: 'online' }
      : { status: 'offline', reason: 'no_stream', detail: 'DESCRIBE answered 200 without a media line' };
  if (res.status === 401 || res.status === 403)
    return { status: 'offline', reason: 'auth', detail: `DESCRIBE answered ${res.status}` };
  if (res.status === 404) return { status: 'offline', reason: 'bad_path', detail: 'DESCRIBE answered 404' };
  return { status: 'offline', reason: 'other', detail: `DESCRIBE answered ${res.status}` };
}
