import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { ZlmSourceConfig } from '../config/sections/sources.js';
import type { SourceAdapter, SourceContext, SourceReport } from './types.js';

/** The hooks Zhihui listens to; anything else answers 404. */
export const ZLM_HOOKS = [
  'on_stream_changed',
  'on_stream_none_reader',
  'on_server_keepalive',
  'on_rtp_server_timeout',
] as const;
export type ZlmHook = (typeof ZLM_HOOKS)[number];

/** A bystander's answers: never close a stream, never refuse one (ZLMediaKit decides nothing on our word). */
const OK = { code: 0, msg: 'success' } as const;
const KEEP_STREAM = { code: 0, close: false } as const;

interface Rule {
  app?: string;
  match: RegExp;
  id: string;
}

/** wvp names GB streams in app rtp `<deviceId>_<channelId>`; other streams are named by the channel id. */
const DEFAULT_RULES: Rule[] = [
  { app: 'rtp', match: /^(?<device>[0-9]{20})_(?<channel>[0-9]{20})$/, id: '{channel}' },
  { match: /^(?<id>[0-9A-Za-z_.:-]{1,64})$/, id: '{id}' },
];

/** The channel id of a stream under the rules (first match wins), or null. */
export function streamChannel(rules: readonly Rule[], app: string, stream: string): string | null {
  for (const r of rules) {
    if (r.app !== undefined && r.app !== app) continue;
    const m = r.match.exec(stream);
    if (!m) continue;
    const id = r.id.replace(/\{(\w+)\}/g, (_, k: string) =>
      /^\d+$/.test(k) ? (m[Number(k)] ?? '') : (m.groups?.[k] ?? ''),
    );
    return /^[0-9A-Za-z_.:-]{1,64}$/.test(id) ? id : null;
  }
  return null;
}

export interface HookCaller {
  ip: string;
  token: string | null;
}

/** What the hook route answers: HTTP status and body. */
export interface HookAnswer {
  status: number;
  body: Record<string, unknown>;
}

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;

/**
 * ZLMediaKit web hooks: a registered stream means its channel delivers video; a stream going away
 * (or an RTP server that waited in vain) means it does not, unless `unregister: ignore` says
 * streams come and go on demand. The media server is up while it keeps its keepalive (any hook
 * counts): silent for 3 × `keepalive` it is down. With `api`, its media list reconciles the
 * channels when it comes back. Hooks are authenticated by `?token=` (the shared secret) or an
 * address allow-list.
 */
export class ZlmSource implements SourceAdapter {
  readonly #c: ZlmSourceConfig;
  readonly #ctx: SourceContext;
  readonly #rules: Rule[];
  readonly #allow: BlockList | null;
  #watchdog: NodeJS.Timeout | null = null;
  #alive = false;
  #mediaServerId: string | null = null;
  #lastKeepalive: number | null = null;

  constructor(config: ZlmSourceConfig, ctx: SourceContext) {
    this.#c = config;
    this.#ctx = ctx;
    this.#rules = config.streams
      ? config.streams.map((r) => ({ app: r.app, match: new RegExp(r.match), id: r.id }))
      : DEFAULT_RULES;
    this.#allow = config.allow ? allowList(config.allow) : null;
  }

  get #silenceMs(): number {
    return 3 * (this.#c.keepalive ?? 10) * 1000;
  }

  describe(): Record<string, unknown> {
    return {
      hooks: ZLM_HOOKS.map((h) => `/api/v1/sources/${this.#c.id}/hooks/${h}`),
      auth: [this.#c.secret ? 'token' : null, this.#c.allow ? 'allow-list' : null].filter(Boolean),
      mediaServerId: this.#c.mediaServerId ?? this.#mediaServerId,
      keepaliveSeconds: this.#c.keepalive ?? 10,
      lastKeepaliveAt: this.#lastKeepalive === null ? null : new Date(this.#lastKeepalive).toISOString(),
      unregister: this.#c.unregister ?? 'offline',
      api: this.#c.api ? this.#c.api.url : null,
    };
  }

  async start(): Promise<void> {
    this.#arm();
  }

  async stop(): Promise<void> {
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.#watchdog = null;
  }

  #arm(): void {
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      this.#watchdog = null;
      this.#alive = false;
      this.#ctx.connection(false, `no hook from the media server for ${this.#silenceMs / 1000} s (3 × its keepalive)`);
    }, this.#silenceMs);
    this.#watchdog.unref();
  }

  /** Checks the caller: the shared secret (constant time) or the allow-list. */
  authorized(caller: HookCaller): boolean {
    if (
      this.#allow &&
      isIP(caller.ip) &&
      this.#allow.check(
        caller.ip.replace(/^::ffff:/, ''),
        isIP(caller.ip.replace(/^::ffff:/, '')) === 6 ? 'ipv6' : 'ipv4',
      )
    )
      return true;
    const secret = this.#c.secret;
    if (!secret || caller.token === null) return false;
    const a = Buffer.from(caller.token);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Handles one authenticated hook call; the answer never asks ZLMediaKit to do anything. */
  hook(name: ZlmHook, body: unknown): HookAnswer {
    const ctx = this.#ctx;
    const polite = name === 'on_stream_none_reader' ? KEEP_STREAM : OK;
    ctx.received();
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      ctx.bad('bad_body', `${name}: body is not a JSON object`);
      return { status: 200, body: polite };
    }
    const b = body as Record<string, unknown>;
    const server = typeof b.mediaServerId === 'string' ? b.mediaServerId : null;
    if (this.#c.mediaServerId && server !== this.#c.mediaServerId) {
      ctx.bad(
        'other_server',
        `${name} from media server '${String(server).slice(0, 60)}', expected '${this.#c.mediaServerId}'`,
      );
      return { status: 200, body: polite };
    }
    this.#mediaServerId = server ?? this.#mediaServerId;
    this.#alive_();
    if (name === 'on_server_keepalive') {
      this.#lastKeepalive = ctx.now();
      return { status: 200, body: OK };
    }
    if (name === 'on_stream_none_reader') {
      // A stream nobody watches still delivers video: nothing to report.
      if (!isStr(b.app) || !isStr(b.stream)) ctx.bad('bad_body', `${name}: needs app and stream`);
      return { status: 200, body: KEEP_STREAM };
    }
    const report = name === 'on_stream_changed' ? this.#streamChanged(b) : this.#rtpTimeout(b);
    if (report) ctx.report([report]);
    return { status: 200, body: OK };
  }

  #streamChanged(b: Record<string, unknown>): SourceReport | null {
    if (typeof b.regist !== 'boolean' || !isStr(b.app) || !isStr(b.stream)) {
      this.#ctx.bad(
        'bad_body',
        `on_stream_changed: needs regist (boolean), app and stream; got ${Object.keys(b).slice(0, 8).join(', ')}`,
      );
      return null;
    }
    const id = streamChannel(this.#rules, b.app, b.stream);
    if (id === null) {
      this.#ctx.bad('unknown_stream', `on_stream_changed: no channel for ${b.app}/${b.stream}`);
      return null;
    }
    if (b.regist) return { cameraId: id, status: 'online' };
    return (this.#c.unregister ?? 'offline') === 'offline'
      ? { cameraId: id, status: 'offline', reason: 'no_stream' }
      : null;
  }

  #rtpTimeout(b: Record<string, unknown>): SourceReport | null {
    // ZLMediaKit sends stream_id; older builds and docs say so too (tcpMode / tcp_mode differ, unused here).
    const stream = b.stream_id ?? b.stream;
    if (!isStr(stream)) {
      this.#ctx.bad('bad_body', 'on_rtp_server_timeout: needs stream_id');
      return null;
    }
    const id = streamChannel(this.#rules, isStr(b.app) ? b.app : 'rtp', stream);
    if (id === null) {
      this.#ctx.bad('unknown_stream', `on_rtp_server_timeout: no channel for ${stream}`);
      return null;
    }
    return { cameraId: id, status: 'offline', reason: 'no_stream' };
  }

  /** Any hook proves the media server alive; coming back, it is reconciled. */
  #alive_(): void {
    this.#arm();
    if (this.#alive) return;
    this.#alive = true;
    this.#ctx.connection(true);
    void this.#reconcile();
  }

  async #reconcile(): Promise<void> {
    const ctx = this.#ctx;
    const api = this.#c.api;
    if (!api) {
      // Without the media list, channels it fed are unknown until their streams say otherwise.
      await ctx.reconciled(new Set());
      return;
    }
    try {
      const res = await fetch(
        `${api.url.replace(/\/+$/, '')}/index/api/getMediaList?${new URLSearchParams({ secret: api.secret })}`,
        { signal: AbortSignal.timeout(10_000) },
      );
      const body = (await res.json()) as { code?: unknown; data?: unknown };
      if (body.code !== 0 || (body.data !== undefined && !Array.isArray(body.data)))
        throw new Error(`getMediaList: code ${String(body.code)}`);
      const live = new Set<string>();
      for (const m of (body.data ?? []) as Record<string, unknown>[]) {
        const id = isStr(m.app) && isStr(m.stream) ? streamChannel(this.#rules, m.app, m.stream) : null;
        if (id !== null) live.add(id);
      }
      const reports: SourceReport[] = [...live].map((id) => ({ cameraId: id, status: 'online' }));
      if ((this.#c.unregister ?? 'offline') === 'offline')
        for (const id of ctx.owned())
          if (!live.has(id)) reports.push({ cameraId: id, status: 'offline', reason: 'no_stream' });
      ctx.report(reports);
      await ctx.reconciled(new Set(reports.map((r) => r.cameraId)));
    } catch (err) {
      ctx.log.warn(
        { source: this.#c.id, err: (err as Error).message },
        'zlm: media list could not be read; channels stay unknown until their hooks',
      );
      await ctx.reconciled(new Set());
    }
  }
}

function allowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits] = e.split('/');
    const family = isIP(addr!) === 6 ? 'ipv6' : 'ipv4';
    if (bits !== undefined) list.addSubnet(addr!, Number(bits), family);
    else list.addAddress(addr!, family);
  }
  return list;
}
