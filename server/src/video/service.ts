import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ErrorCode, type KeyChannels, type NearChannel, type PlaySession, type VideoChannel } from '@zhihui/shared';
import { HttpError, notFound } from '../domain/errors.js';
import type { CameraRecord } from '../store/types.js';
import type { Broker, PlayTarget } from './broker.js';
import { channelView, keyChannelIds, nearestIds, type ChannelSource } from './channels.js';
import { DemoLiveStream } from './demo.js';
import { VideoUnavailable } from './errors.js';
import type { Sessions } from './sessions.js';
import type { VideoSettings } from './settings.js';
import { hlsUpstream, openUpstream, readPlaylist, rewritePlaylist } from './upstream.js';

/** A proxied media answer: a live body (FLV/TS stream, HLS segment) or a small one (playlist). */
export interface MediaReply {
  type: string;
  body: Readable | string;
  /** Called when the answer is over, however it ends (the session counts it as in flight until then). */
  done: () => void;
  /**
   * Aborted when the session is closed. A live answer in flight must end then: in Chromium a
   * player destroyed in the middle of a read cancels its fetch only when the next chunk arrives,
   * so a stream that stalled would hold the browser's connection, one more per retry.
   */
  ended: AbortSignal;
}

const MEDIA_TYPES = { flv: 'video/x-flv', ts: 'video/mp2t', hls: 'application/vnd.apple.mpegurl' } as const;
const STREAM_FILE = { flv: 'stream.flv', ts: 'stream.ts' } as const;
export const LEASE_SEC = 60;

/** What the video routes call: channel views, key channels, nearest channels, sessions and media. */
export class VideoService {
  constructor(
    readonly settings: VideoSettings,
    private readonly live: () => ChannelSource,
    private readonly broker: Broker,
    private readonly sessions: Sessions,
  ) {}

  /** The channel's record, or a 404 naming it. */
  camera(id: string): CameraRecord {
    const cam = this.live().camera(id);
    if (!cam) throw notFound('camera', id, ErrorCode.unknownCamera);
    return cam;
  }

  async views(cams: readonly CameraRecord[]): Promise<VideoChannel[]> {
    const plans = await this.broker.plans(cams);
    return cams.map((c) => {
      const plan = plans.get(c.id) ?? null;
      return channelView(this.live(), c, plan, this.broker.hasSnapshot(plan));
    });
  }

  async channel(id: string): Promise<VideoChannel> {
    return (await this.views([this.camera(id)]))[0]!;
  }

  async keyChannels(region: string): Promise<KeyChannels> {
    const src = this.live();
    const { ids, auto } = keyChannelIds(src, region, this.settings.keyChannels);
    const cams = ids.map((id) => src.camera(id)).filter((c): c is CameraRecord => c !== undefined);
    return {
      region,
      intervalSec: this.settings.keySec,
      maxTiles: this.settings.maxTiles,
      auto,
      channels: await this.views(cams),
    };
  }

  async nearest(region: string, lon: number, lat: number, limit: number, live: boolean): Promise<NearChannel[]> {
    const src = this.live();
    const near = nearestIds(src, region, lon, lat, limit, live);
    const views = await this.views(near.map((n) => src.camera(n.id)!));
    return views.map((v, i) => ({ ...v, distanceM: Math.round(near[i]!.distanceM) }));
  }

  /** A new viewer of a channel: obtains (or shares) its stream and hands out what the player opens. */
  async open(channelId: string): Promise<PlaySession> {
    const cam = this.camera(channelId);
    const { session, target } = await this.sessions.open(cam);
    const url =
      target.deliver === 'direct' && target.upstream
        ? target.upstream
        : target.format === 'hls'
          ? `/api/v1/video/sessions/${session.id}/hls/${encodeURIComponent(playlistName(target.upstream!))}`
          : `/api/v1/video/sessions/${session.id}/${STREAM_FILE[target.format]}`;
    return {
      id: session.id,
      channelId,
      url,
      format: target.format,
      origin: target.origin,
      demo: target.origin === 'demo',
      leaseSec: LEASE_SEC,
    };
  }

  renew(id: string): boolean {
    return this.sessions.renew(id);
  }

  close(id: string): boolean {
    return this.sessions.close(id);
  }

  /** The channel a session plays (for the region check before any media goes out). */
  sessionChannel(id: string): CameraRecord {
    const s = this.sessions.get(id);
    if (!s) throw new HttpError(404, ErrorCode.notFound, 'video session not found (closed or expired): open a new one');
    return this.camera(s.channelId);
  }

  /**
   * Proxied media of a session: the live FLV/TS stream, or (HLS) the playlist or a segment named
   * by `file`. An upstream that fails marks the channel's stream broken, so the tile's next
   * session asks the platform afresh.
   */
  async media(sessionId: string, file: string, signal: AbortSignal): Promise<MediaReply> {
    const session = this.sessions.get(sessionId);
    const target = session ? await this.sessions.target(session) : null;
    if (!session || !target)
      throw new HttpError(404, ErrorCode.notFound, 'video session not found (closed or expired): open a new one');
    if (target.deliver === 'direct')
      throw new HttpError(404, ErrorCode.notFound, 'this session plays directly from the media server');
    const done = this.sessions.streaming(session);
    try {
      return { ...(await this.#media(target, file, signal, done, session.channelId)), ended: session.ended.signal };
    } catch (err) {
      done();
      throw err;
    }
  }

  async #media(
    target: PlayTarget,
    file: string,
    signal: AbortSignal,
    done: () => void,
    channelId: string,
  ): Promise<Omit<MediaReply, 'ended'>> {
    if (target.upstream === null) {
      const demo = this.broker.demo;
      if (!demo || file !== STREAM_FILE.flv)
        throw new HttpError(404, ErrorCode.notFound, `no such media file: ${file}`);
      return { type: MEDIA_TYPES.flv, body: new DemoLiveStream(demo.clip), done };
    }
    let url: string | null = target.upstream;
    if (target.format === 'hls') url = file.startsWith('hls/') ? hlsUpstream(target.upstream, file.slice(4)) : null;
    else if (file !== STREAM_FILE[target.format]) url = null;
    if (url === null) throw new HttpError(404, ErrorCode.notFound, `no such media file: ${file}`);
    let res: Response;
    try {
      res = await openUpstream(url, signal);
    } catch (err) {
      if (err instanceof VideoUnavailable) this.sessions.markBroken(channelId);
      throw err;
    }
    const isPlaylist = target.format === 'hls' && /\.m3u8$/i.test(new URL(url).pathname);
    if (isPlaylist) {
      const text = rewritePlaylist((await readPlaylist(res)).toString('utf8'), url);
      done();
      return { type: MEDIA_TYPES.hls, body: text, done };
    }
    const type =
      target.format === 'hls' ? (res.headers.get('content-type') ?? 'video/mp2t') : MEDIA_TYPES[target.format];
    const body = res.body ? Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
    // A live stream that ends by itself has died upstream (a viewer leaving aborts it instead):
    // the next session asks the platform afresh rather than reusing its URL.
    if (target.format !== 'hls') body.once('end', () => this.sessions.markBroken(channelId));
    return { type, body, done };
  }

  snapshot(channelId: string, signal: AbortSignal): Promise<{ type: string; body: Buffer } | null> {
    return this.broker.snapshot(this.camera(channelId), signal);
  }

  stats(): { sessions: number; channels: number } {
    return this.sessions.stats();
  }
}

/** The file name of an HLS playlist URL (what the proxied path ends with). */
function playlistName(url: string): string {
  const name = new URL(url).pathname.split('/').pop();
  return name && name.length > 0 ? name : 'index.m3u8';
}
