import { WvpApi } from '../sources/wvpApi.js';
import { VideoUnavailable } from './errors.js';
import type { WvpConnection } from './settings.js';

/**
 * wvp-GB28181-pro's answer to GET /api/play/start/{deviceId}/{channelId}: `WVPResult<StreamContent>`
 * (`vmanager/bean/StreamContent.java`), unwrapped by WvpApi.
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

const DEVICE_CACHE_MS = 10 * 60_000;
const LOOKUP_RETRY_MS = 60_000;

/**
 * Plays and stops channels through one wvp, and finds the device a channel hangs off. The REST
 * client (authentication, WVPResult, pages) is the sources capability's WvpApi; credentials stay
 * in its headers, and errors become VideoUnavailable without the platform's address.
 */
export class WvpClient {
  readonly #conn: WvpConnection;
  readonly #api: WvpApi;
  #deviceOf = new Map<string, string>();
  #builtAt = 0;
  #building: Promise<void> | null = null;

  constructor(conn: WvpConnection) {
    this.#conn = conn;
    this.#api = new WvpApi(conn.api);
  }

  /** The URL of a path on this wvp. */
  url(path: string): string {
    return this.#api.base + path;
  }

  /** The headers a direct request to this wvp carries (snapshots); a login token is WvpApi's own. */
  headers(): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.#conn.api.apiKey) h['api-key'] = this.#conn.api.apiKey;
    else if (this.#conn.api.accessToken) h['access-token'] = this.#conn.api.accessToken;
    return h;
  }

  async #call<T>(what: string, path: string): Promise<T> {
    try {
      return (await this.#api.get(path)) as T;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      // WvpApi's messages start with the path and carry wvp's own words (点播超时 …); a network
      // error's message would name the host, so only its code goes out.
      const why =
        e.name === 'TimeoutError'
          ? 'no answer in time'
          : e.cause?.code
            ? `unreachable (${e.cause.code})`
            : e.message.replace(/^\/[^:]*: /, '');
      throw new VideoUnavailable(`wvp ${this.#conn.id}: ${what}: ${why}`);
    }
  }

  /** Asks wvp to pull the channel (GB INVITE) and returns the media server's play URLs. */
  async start(deviceId: string, channelId: string): Promise<WvpStreamContent> {
    const data = await this.#call<WvpStreamContent | null>(
      'play',
      `/api/play/start/${encodeURIComponent(deviceId)}/${encodeURIComponent(channelId)}`,
    );
    if (!data || typeof data !== 'object')
      throw new VideoUnavailable(`wvp ${this.#conn.id}: play: no stream in the answer`);
    return data;
  }

  /** Tells wvp nobody here watches the channel any more (it sends BYE and frees the media server). */
  async stop(deviceId: string, channelId: string): Promise<void> {
    await this.#call<unknown>(
      'stop',
      `/api/play/stop/${encodeURIComponent(deviceId)}/${encodeURIComponent(channelId)}`,
    );
  }

  /**
   * The device (NVR, platform or camera) a channel belongs to, from wvp's device and channel
   * lists, cached for ten minutes. Null when wvp does not know the channel.
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
    try {
      for (const dev of await this.#api.devices())
        for (const ch of await this.#api.channels(dev.deviceId)) map.set(ch.id, dev.deviceId);
    } catch (err) {
      throw new VideoUnavailable(
        `wvp ${this.#conn.id}: device list: ${(err as Error).message.replace(/^\/[^:]*: /, '')}`,
      );
    }
    this.#deviceOf = map;
    this.#builtAt = Date.now();
  }
}
