import { createHash } from 'node:crypto';
import type { WvpApiConfig } from '../config/sections/sources.js';

/** A wvp device as /api/device/query/devices lists it (the fields Zhihui reads). */
export interface WvpDevice {
  deviceId: string;
  name: string | null;
  onLine: boolean;
  keepaliveTimeStamp: number | null;
  heartBeatInterval: number | null;
  heartBeatCount: number | null;
}

/** A wvp channel as /api/device/query/devices/{id}/channels lists it. */
export interface WvpChannel {
  /** The channel's 20-digit GB/T 28181 id (wvp ≥ 2.7: `deviceId`; before: `channelId`). */
  id: string;
  deviceId: string;
  name: string | null;
  /** ON / OFF (wvp ≥ 2.7) or 1 / 0 (before); VLOST and DEFECT where a version keeps them. */
  status: 'online' | 'offline' | 'video_lost' | 'defect';
  civilCode: string | null;
  lon: number | null;
  lat: number | null;
}

/** wvp answered, but not in the documented shape: counted as bad input of the source. */
export class WvpShapeError extends Error {
  override readonly name = 'WvpShapeError';
}

const PAGE = 200;

const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
const num = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null;

function statusOf(v: unknown): WvpChannel['status'] | null {
  if (v === 1 || v === true) return 'online';
  if (v === 0 || v === false) return 'offline';
  if (typeof v !== 'string') return null;
  switch (v.trim().toUpperCase()) {
    case 'ON':
    case '1':
      return 'online';
    case 'OFF':
    case '0':
      return 'offline';
    case 'VLOST':
      return 'video_lost';
    case 'DEFECT':
      return 'defect';
    default:
      return null;
  }
}

/** Reads one device of a page; null when it lacks what Zhihui needs. */
export function parseDevice(d: unknown): WvpDevice | null {
  if (!d || typeof d !== 'object') return null;
  const o = d as Record<string, unknown>;
  const deviceId = str(o.deviceId);
  if (deviceId === null || typeof o.onLine !== 'boolean') return null;
  return {
    deviceId,
    name: str(o.name),
    onLine: o.onLine,
    keepaliveTimeStamp: num(o.keepaliveTimeStamp),
    heartBeatInterval: num(o.heartBeatInterval),
    heartBeatCount: num(o.heartBeatCount),
  };
}

export function parseChannel(c: unknown, deviceId: string): WvpChannel | null {
  if (!c || typeof c !== 'object') return null;
  const o = c as Record<string, unknown>;
  const id = 'channelId' in o ? str(o.channelId) : str(o.deviceId);
  const status = statusOf(o.status);
  if (id === null || status === null) return null;
  const lon = num(o.longitude);
  const lat = num(o.latitude);
  return { id, deviceId, name: str(o.name), status, civilCode: str(o.civilCode), lon, lat };
}

/**
 * The parts of wvp's REST API Zhihui uses. Every answer is `WVPResult` `{code, msg, data}` with
 * code 0 for success (wvp's GlobalResponseAdvice wraps the controllers' PageInfo); pages are
 * `{total, list}`. Authentication: the `api-key` header, a JWT in `access-token`, or a login
 * (`/api/user/login`, password MD5-hashed as wvp expects) whose token is renewed on a 401.
 */
export class WvpApi {
  #token: string | null;

  constructor(
    readonly config: WvpApiConfig,
    readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.#token = config.accessToken ?? null;
  }

  get base(): string {
    return this.config.url.replace(/\/+$/, '');
  }

  async devices(): Promise<WvpDevice[]> {
    const rows = await this.#pages('/api/device/query/devices', {});
    return rows.map((d) => {
      const dev = parseDevice(d);
      if (!dev) throw new WvpShapeError(`a device lacks deviceId or onLine: ${JSON.stringify(d).slice(0, 120)}`);
      return dev;
    });
  }

  async channels(deviceId: string): Promise<WvpChannel[]> {
    const rows = await this.#pages(`/api/device/query/devices/${encodeURIComponent(deviceId)}/channels`, {});
    return rows.map((c) => {
      const ch = parseChannel(c, deviceId);
      if (!ch)
        throw new WvpShapeError(`a channel of ${deviceId} lacks its id or status: ${JSON.stringify(c).slice(0, 120)}`);
      return ch;
    });
  }

  async #pages(path: string, query: Record<string, string>): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let page = 1; page < 10_000; page++) {
      const data = await this.get(path, { ...query, page: String(page), count: String(PAGE) });
      if (!data || typeof data !== 'object' || !Array.isArray((data as { list?: unknown }).list))
        throw new WvpShapeError(`${path}: data is not a page {total, list}`);
      const { list, total } = data as { list: unknown[]; total?: unknown };
      out.push(...list);
      const t = typeof total === 'number' ? total : out.length;
      if (list.length === 0 || out.length >= t) break;
    }
    return out;
  }

  /** GET a wvp endpoint and unwrap its WVPResult; throws with wvp's message on a failure. */
  async get(path: string, query: Record<string, string> = {}, retried = false): Promise<unknown> {
    if (!this.config.apiKey && this.#token === null && this.config.username) await this.#login();
    const url = `${this.base}${path}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.config.apiKey) headers['api-key'] = this.config.apiKey;
    else if (this.#token) headers['access-token'] = this.#token;
    const res = await this.fetchImpl(url, { headers, signal: AbortSignal.timeout((this.config.timeout ?? 10) * 1000) });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      if (res.ok) throw new WvpShapeError(`${path}: answer is not JSON`);
    }
    const code = body && typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
    if ((res.status === 401 || code === 401) && this.config.username && !this.config.apiKey && !retried) {
      this.#token = null;
      return this.get(path, query, true);
    }
    if (!res.ok)
      throw new Error(
        `${path}: HTTP ${res.status}${body && typeof body === 'object' && 'msg' in body ? ` (${String((body as { msg: unknown }).msg)})` : ''}`,
      );
    if (typeof code !== 'number') throw new WvpShapeError(`${path}: answer is not a WVPResult {code, msg, data}`);
    if (code !== 0) throw new Error(`${path}: wvp code ${code} (${String((body as { msg?: unknown }).msg ?? '')})`);
    return (body as { data?: unknown }).data;
  }

  async #login(): Promise<void> {
    const password = createHash('md5')
      .update(this.config.password ?? '')
      .digest('hex');
    const url = `${this.base}/api/user/login?${new URLSearchParams({ username: this.config.username!, password })}`;
    const res = await this.fetchImpl(url, { signal: AbortSignal.timeout((this.config.timeout ?? 10) * 1000) });
    const body = (await res.json().catch(() => null)) as { code?: unknown; data?: { accessToken?: unknown } } | null;
    const token =
      res.headers.get('access-token') ?? (typeof body?.data?.accessToken === 'string' ? body.data.accessToken : null);
    if (!res.ok || body?.code !== 0 || !token)
      throw new Error(`/api/user/login: refused (HTTP ${res.status}, code ${String(body?.code)})`);
    this.#token = token;
  }
}
