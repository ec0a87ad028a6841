// The video API against the real server (buildApp, SQLite in a temp folder), a wvp-GB28181-pro
// stand-in and a media-server stand-in fed by ffmpeg (see standins.ts).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { KeyChannels, NearChannels, PlaySession, VideoChannel } from '@zhihui/shared';
import { AUTH, cam, smallApp, tmpDir } from '../server/helpers.js';
import {
  hlsReady,
  missingFfmpeg,
  startMediaStandIn,
  startWvpStandIn,
  type MediaStandIn,
  type WvpStandIn,
} from './standins.js';

const skip = missingFfmpeg();
const C = Object.fromEntries(
  [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, cam(n, n <= 3 || n === 8 ? '139900100' : '139900200')]),
);
const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe.skipIf(skip)('video API: sessions, viewer counting, proxied media', () => {
  const t = tmpDir();
  let app: FastifyInstance;
  let base: string;
  let media: MediaStandIn;
  let wvp: WvpStandIn;

  beforeAll(async () => {
    media = await startMediaStandIn();
    wvp = await startWvpStandIn(
      media.url,
      { '34020000001320000001': [C[1]!.id, C[2]!.id, C[8]!.id] },
      { failPlay: new Set([C[2]!.id]) },
    );
    app = await smallApp(t.dir, {
      file: {
        video: {
          keyChannels: { '139900': [C[4]!.id, C[1]!.id, '13990000001329999999'] },
          rules: [
            {
              id: 'gb',
              kind: 'wvp',
              api: { url: wvp.url, apiKey: wvp.apiKey },
              match: { regions: ['139900100'] },
              stopDelaySec: 0.3,
            },
            { id: 'hls', kind: 'template', match: { ids: `^${C[6]!.id}$` }, url: `${media.url}/rtp/{id}/hls.m3u8` },
            { id: 'dead', kind: 'template', match: { ids: `^${C[7]!.id}$` }, url: `${media.url}/nothing/{id}.flv` },
            {
              id: 'zlm',
              kind: 'template',
              match: { regions: ['139900200'] },
              url: `${media.url}/rtp/{id}.live.flv`,
              snapshotUrl: `${media.url}/snap/{id}.jpg`,
            },
          ],
        },
      },
    });
    const cameras = Object.values(C).map((c) =>
      c.id === C[5]!.id
        ? { ...c, playUrl: `http://cam:secret@127.0.0.1:${new URL(media.url).port}/private/cam5.live.flv` }
        : c,
    );
    const res = await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras } });
    expect(res.json()).toEqual({ upserted: 8, rejected: [] });
    await until('the live state to know the channels', () =>
      Object.values(C).every((c) => app.live.engine.camera(c.id) !== undefined),
    );
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await wvp?.stop();
    await media?.stop();
    t.cleanup();
  });

  const open = async (channelId: string) =>
    app.inject({ method: 'POST', url: '/api/v1/video/sessions', payload: { channelId } });
  const close = (id: string) => app.inject({ method: 'DELETE', url: `/api/v1/video/sessions/${id}` });
  /** Reads the first `bytes` of a proxied stream, then hangs up. */
  async function head(path: string, bytes: number): Promise<{ status: number; type: string | null; body: Buffer }> {
    const ctl = new AbortController();
    const res = await fetch(base + path, { signal: ctl.signal });
    const parts: Buffer[] = [];
    let n = 0;
    if (res.ok && res.body) {
      const reader = res.body.getReader();
      while (n < bytes) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(Buffer.from(value));
        n += value.byteLength;
      }
      ctl.abort();
    } else parts.push(Buffer.from(await res.arrayBuffer()));
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.concat(parts) };
  }

  test('a channel as a tile sees it: township, status, where it would play from; no URL, no secret', async () => {
    const v = (await app.inject({ url: `/api/v1/video/channels/${C[1]!.id}` })).json<VideoChannel>();
    expect(v).toMatchObject({ id: C[1]!.id, name: C[1]!.name, township: '甲镇', origin: 'wvp', snapshot: true });
    const inv = await app.inject({ url: `/api/v1/video/channels/${C[5]!.id}` });
    expect(inv.json()).toMatchObject({ origin: 'inventory', snapshot: false });
    for (const url of [
      `/api/v1/video/channels/${C[5]!.id}`,
      '/api/v1/regions/139900/cameras',
      `/api/v1/video/key-channels?region=139900`,
    ]) {
      const body = (await app.inject({ url })).body;
      expect(body).not.toContain('secret');
      expect(body).not.toContain('/private/');
    }
  });

  test('wvp: the first viewer starts the stream, the second shares it, the last to close stops it exactly once', async () => {
    const a = await open(C[1]!.id);
    expect(a.statusCode).toBe(201);
    const s = a.json<PlaySession>();
    expect(s).toMatchObject({
      channelId: C[1]!.id,
      format: 'flv',
      origin: 'wvp',
      demo: false,
      url: `/api/v1/video/sessions/${s.id}/stream.flv`,
    });
    // What the browser gets names neither the platform nor its key.
    expect(a.body).not.toContain(wvp.url);
    expect(a.body).not.toContain(media.url);
    expect(a.body).not.toContain(wvp.apiKey);
    const b = (await open(C[1]!.id)).json<PlaySession>();
    expect(wvp.starts).toEqual([`34020000001320000001/${C[1]!.id}`]);
    const flv = await head(s.url, 20_000);
    expect(flv.status).toBe(200);
    expect(flv.type).toBe('video/x-flv');
    expect(flv.body.subarray(0, 3).toString('latin1')).toBe('FLV');
    expect((await close(s.id)).statusCode).toBe(204);
    await new Promise((r) => setTimeout(r, 600));
    expect(wvp.stops).toEqual([]);
    await close(b.id);
    await close(b.id); // idempotent
    await until('the stop', () => wvp.stops.length > 0);
    await new Promise((r) => setTimeout(r, 600));
    expect(wvp.stops).toEqual([`34020000001320000001/${C[1]!.id}`]);
    expect(wvp.unauthorised).toBe(0);
    await until('the relay to end after the viewer left', () => media.liveFlvs() === 0);
  });

  test('wvp refusing or not knowing a channel is a 503 that says why, and nothing is stopped', async () => {
    const refused = await open(C[2]!.id);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error).toMatchObject({ code: 'VIDEO_UNAVAILABLE' });
    expect(refused.json().error.message).toContain('点播超时');
    const unknown = await open(C[3]!.id);
    expect(unknown.statusCode).toBe(503);
    expect(unknown.json().error.message).toContain('lists no device');
    await new Promise((r) => setTimeout(r, 500));
    expect(wvp.stops.filter((x) => x.endsWith(C[2]!.id) || x.endsWith(C[3]!.id))).toEqual([]);
  });

  test('an inventory URL with credentials is played through the server with Basic auth, never shown', async () => {
    const s = (await open(C[5]!.id)).json<PlaySession>();
    expect(s.origin).toBe('inventory');
    expect(JSON.stringify(s)).not.toContain('secret');
    const flv = await head(s.url, 8000);
    expect(flv.status).toBe(200);
    expect(flv.body.subarray(0, 3).toString('latin1')).toBe('FLV');
    const seen = media.requests.find((r) => r.path === '/private/cam5.live.flv');
    expect(seen?.authorization).toBe(`Basic ${Buffer.from('cam:secret').toString('base64')}`);
    await close(s.id);
  });

  test('HLS through the proxy: the playlist is rewritten to relative entries and its segments play', async () => {
    await hlsReady(media.url);
    const s = (await open(C[6]!.id)).json<PlaySession>();
    expect(s).toMatchObject({ format: 'hls', url: `/api/v1/video/sessions/${s.id}/hls/hls.m3u8` });
    const pl = await app.inject({ url: s.url });
    expect(pl.statusCode).toBe(200);
    expect(pl.headers['content-type']).toContain('mpegurl');
    const segs = pl.body.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(segs.length).toBeGreaterThan(1);
    for (const l of segs) expect(l).not.toMatch(/^(https?:|\/)/);
    const seg = await head(s.url.replace(/hls\.m3u8$/, segs[segs.length - 1]!), 1 << 30);
    expect(seg.status).toBe(200);
    expect(seg.body[0]).toBe(0x47); // MPEG-TS sync byte
    // The proxy is no open relay: nothing outside the playlist's folder.
    expect((await app.inject({ url: s.url.replace(/hls\.m3u8$/, '..%2F..%2Fsnap%2Fx.jpg') })).statusCode).toBe(404);
    await close(s.id);
  });

  test('a dead upstream is a 503 naming the media server answer', async () => {
    const s = (await open(C[7]!.id)).json<PlaySession>();
    const r = await head(s.url, 100);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body.toString()).error.message).toMatch(/answered HTTP 404/);
    await close(s.id);
  });

  test('snapshots: from the template, from wvp, none for an inventory URL', async () => {
    for (const id of [C[4]!.id, C[1]!.id]) {
      const r = await app.inject({ url: `/api/v1/video/channels/${id}/snapshot` });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('image/jpeg');
      expect(r.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8');
    }
    expect((await app.inject({ url: `/api/v1/video/channels/${C[5]!.id}/snapshot` })).statusCode).toBe(404);
  });

  test('key channels: the configured list, within the wall region, unknown ids dropped; an ancestor list serves a township', async () => {
    const county = (await app.inject({ url: '/api/v1/video/key-channels?region=139900' })).json<KeyChannels>();
    expect(county).toMatchObject({ auto: false, intervalSec: 15, maxTiles: 4 });
    expect(county.channels.map((c) => c.id)).toEqual([C[4]!.id, C[1]!.id]);
    const town = (await app.inject({ url: '/api/v1/video/key-channels?region=139900200' })).json<KeyChannels>();
    expect(town.channels.map((c) => c.id)).toEqual([C[4]!.id]);
  });

  test('nearest channels: ordered by great-circle distance, recomputed here', async () => {
    const lon = 114.503;
    const lat = 37.9005;
    const r = (
      await app.inject({ url: `/api/v1/video/nearest?region=139900&lon=${lon}&lat=${lat}&limit=3` })
    ).json<NearChannels>();
    const rad = (d: number) => (d * Math.PI) / 180;
    const dist = (c: { lon: number; lat: number }) => {
      const a =
        Math.sin(rad(c.lat - lat) / 2) ** 2 +
        Math.cos(rad(lat)) * Math.cos(rad(c.lat)) * Math.sin(rad(c.lon - lon) / 2) ** 2;
      return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
    };
    const want = Object.values(C)
      .map((c) => ({ id: c.id, d: dist(c) }))
      .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
      .slice(0, 3);
    expect(r.channels.map((c) => c.id)).toEqual(want.map((w) => w.id));
    r.channels.forEach((c, i) => expect(Math.abs(c.distanceM - want[i]!.d)).toBeLessThanOrEqual(1));
  });

  test('bad input is a 4xx naming the field, and changes nothing', async () => {
    const before = app.metrics.render().match(/zhihui_video_sessions (\d+)/)?.[1];
    for (const [payload, field] of [
      [{ channelId: 'no spaces allowed' }, 'channelId'],
      [{}, 'channelId'],
      [{ channelId: C[1]!.id, extra: 1 }, 'extra'],
    ] as const) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/video/sessions', payload });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.message).toContain(field);
    }
    expect((await open('13990000001329999999')).json().error.code).toBe('UNKNOWN_CAMERA');
    expect(
      (await app.inject({ url: '/api/v1/video/nearest?region=139900&lon=500&lat=1' })).json().error.message,
    ).toContain('lon');
    expect((await app.inject({ url: '/api/v1/video/key-channels?region=999999' })).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/video/sessions/AAAAAAAAAAAAAAAAAAAAAAAA/renew' })).statusCode,
    ).toBe(404);
    expect((await app.inject({ url: '/api/v1/video/sessions/AAAAAAAAAAAAAAAAAAAAAAAA/stream.flv' })).statusCode).toBe(
      404,
    );
    expect(app.metrics.render().match(/zhihui_video_sessions (\d+)/)?.[1]).toBe(before);
  });
});
