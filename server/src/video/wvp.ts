import { VideoUnavailable } from './errors.js';
import type { WvpConnection } from './settings.js';

/**
 * wvp-GB28181-pro's answer to GET /api/play/start/{deviceId}/{channelId}: `WVPResult<StreamContent>`
 * (`vmanager/bean/StreamContent.java`); `code` 0 is success (`ErrorCode.SUCCESS`; some older
 * releases answered 200).
 */
export interface WvpStreamContent {
  app?: string;
  stream?: string;
  ip?: string;
  mediaServerId?: string;
  flv?: string;
  https_flv?: string;
  ws_flv?: string;
  wss_flv?: string;
  fmp4?: string;
  ws_fmp4?: string;
  hls?: string;
  https_hls?: string;
  ws_hls?: string;
  ts?: string;
  https_ts?: string;
  rtmp?: string;
  rtsp?: string;
  rtc?: string;
}

interface WvpResult<T> {
  code: number;
  msg?: string;
  data?: T;
}

interface WvpPage<T> {
  total?: number;
  list?: T[];
}

const DEVICE_CACHE_MS = 10 * 60_000;
const LOOKUP_RETRY_MS = 60_000;
const PAGE = 200;
/** A platform with more devices than this is not walked for a lookup: configure `deviceId` instead. */
const MAX_DEVICES = 5000;

/** Talks to one wvp: play, stop, and finding the device a channel hangs off. Credentials stay in its headers. */
export class WvpClient {
  readonly #conn: WvpConnection;
  #deviceOf = new Map<string, string>();
  #builtAt = 0;
  #building: Promise<void> | null = null;

  constructor(conn: WvpConnection) {
    this.#conn = conn;
  }

  get id(): string {
    return this.#conn.id;
  }

  /** The headers every request to this wvp carries (its `api-key` or `access-token`). */
  headers(): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (this.#conn.apiKey) h['api-key'] = this.#conn.apiKey;
    if (this.#conn.accessToken) h['access-token'] = this.#conn.accessToken;
    return h;
  }

  url(path: string): string {
    return this.#conn.baseUrl + path;
  }

  async #get<T>(path: string, what: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url(path), { headers: this.headers(), signal: AbortSignal.timeout(this.#conn.timeoutMs) });
    } catch (err) {
      const e = err as Error;
      throw new VideoUnavailable(`wvp ${this.#conn.id}: ${what} failed: ${e.name === 'TimeoutError' ? `no answer in ${this.#conn.timeoutMs / 1000} s` : ((e.cause as { code?: string } | undefined)?.code ?? e.name)}`);
    }
    if (!res.ok) throw new VideoUnavailable(`wvp ${this.#conn.id}: ${what}: HTTP ${res.status}`);
    let body: WvpResult<T>;
    try {
      body = (await res.json()) as WvpResult<T>;
    } catch {
      throw new VideoUnavailable(`wvp ${this.#conn.id}: ${what}: the answer is not JSON`);
    }
    if (body.code !== 0 && body.code !== 200) throw new VideoUnavailable(`wvp ${this.#conn.id}: ${what}: ${body.msg ?? `code ${body.code}`}`);
    return body.data as T;
  }

  /** Asks wvp to pull the channel (GB INVITE) and returns the media server's play URLs. */
  async start(deviceId: string, channelId: string): Promise<WvpStreamContent> {
    const data = await this.#get<WvpStreamContent | undefined>(`/api/play/start/${encodeURIComponent(deviceId)}/${encodeURIComponent(channelId)}`, 'play');
    if (!data || typeof data !== 'object') throw new VideoUnavailable(`wvp ${this.#conn.id}: play: no stream in the answer`);
    return data;
  }

  /** Tells wvp nobody here watches the channel any more (it sends BYE and frees the media server). */
  async stop(deviceId: string, channelId: string): Promise<void> {
    await this.#get<unknown>(`/api/play/stop/${encodeURIComponent(deviceId)}/${encodeURIComponent(channelId)}`, 'stop');
  }

  /**
   * The device (NVR, platform or camera) a channel belongs to, from wvp's device and channel
   * lists (`/api/device/query/devices`, `/api/device/query/devices/{deviceId}/channels`),
   * cached for ten minutes. Null when wvp does not know the channel.
   */
  async deviceOf(channelId: string): Promise<string | null> {
    const fresh = Date.now() - this.#builtAt < DEVICE_CACHE_MS;
    const hit = this.#deviceOf.get(channelId);
    if (hit && fresh) return hit;
    // A miss rebuilds the map, but not more than once a minute (an unknown id must not hammer wvp).
    if (!fresh || (hit === undefined && Date.now() - this.#builtAt > LOOKUP_RETRY_MS)) {
      this.#building ??= this.#build().finally(() => (this.#building = null));
      await this.#building;
    }
    return this.#deviceOf.get(channelId) ?? null;
  }

  async #build(): Promise<void> {
    const map = new Map<string, string>();
    const devices: string[] = [];
    for (let page = 1; devices.length < MAX_DEVICES; page++) {
      const d = await this.#get<WvpPage<{ deviceId?: string }>>(`/api/device/query/devices?page=${page}&count=${PAGE}`, 'device list');
      const list = d?.list ?? [];
      for (const x of list) if (typeof x.deviceId === 'string') devices.push(x.deviceId);
      if (list.length < PAGE || devices.length >= (d?.total ?? 0)) break;
    }
    for (const dev of devices) {
      for (let page = 1; ; page++) {
        const c = await this.#get<WvpPage<{ channelId?: string; deviceId?: string }>>(
          `/api/device/query/devices/${encodeURIComponent(dev)}/channels?page=${page}&count=${PAGE}`,
          'channel list',
        );
        const list = c?.list ?? [];
        // wvp 2.7 names a channel's own GB code `deviceId`; older releases `channelId`.
        for (const x of list) {
          const ch = x.channelId ?? x.deviceId;
          if (typeof ch === 'string') map.set(ch, dev);
        }
        if (list.length < PAGE || page * PAGE >= (c?.total ?? 0)) break;
      }
    }
    this.#deviceOf = map;
    this.#builtAt = Date.now();
  }
}
