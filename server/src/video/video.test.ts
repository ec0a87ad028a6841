import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { CameraRecord } from '../store/types.js';
import type { PlayTarget } from './broker.js';
import { DemoLiveStream, loadDemoAssets } from './demo.js';
import { isKeyframe, parseFlv, writeTag } from './flv.js';
import { Sessions } from './sessions.js';
import { hasCredentials, resolveVideoSettings } from './settings.js';
import { hlsUpstream, rewritePlaylist, withoutUserInfo } from './upstream.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures');

describe('FLV and the demo loop', () => {
  test('the committed clip parses: decoder config once, frames from a keyframe, a duration of whole frames', () => {
    const clip = parseFlv(readFileSync(path.join(FIXTURES, 'video/demo.flv')));
    expect(clip.header.subarray(0, 3).toString('latin1')).toBe('FLV');
    expect(clip.config).toHaveLength(1);
    expect(isKeyframe(clip.frames[0]!)).toBe(true);
    const video = clip.frames.filter((f) => f.type === 9);
    // make-demo.sh: 6 s at 25 fps with a keyframe every 25 frames.
    expect(video).toHaveLength(150);
    expect(video.filter(isKeyframe)).toHaveLength(6);
    expect(clip.durationMs).toBe(6000);
  });

  test('a written tag reads back with its timestamp, including the extended byte', () => {
    const data = Buffer.from([0x17, 1, 0, 0, 0, 9, 9]);
    const tag = writeTag(9, 0x01_23_45_67, data);
    expect(tag.readUInt32BE(tag.length - 4)).toBe(11 + data.length);
    const file = Buffer.concat([
      Buffer.from('FLV\x01\x01\x00\x00\x00\x09', 'latin1'),
      Buffer.alloc(4),
      writeTag(9, 0, Buffer.from([0x17, 0, 0, 0, 0])),
      writeTag(9, 0, data),
      tag,
    ]);
    const clip = parseFlv(file);
    expect(clip.frames.map((f) => f.ts)).toEqual([0, 0x01_23_45_67]);
  });

  test('the live loop sends the header once, then frames paced to the clock with timestamps running on across loops', async () => {
    const assets = loadDemoAssets(FIXTURES)!;
    let now = 0;
    const stream = new DemoLiveStream(assets.clip, () => now);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => setTimeout(r, 20));
    now = 13_000; // two loops and a bit
    await new Promise((r) => setTimeout(r, 250));
    stream.destroy();
    const out = Buffer.concat(chunks);
    expect(out.subarray(0, 3).toString('latin1')).toBe('FLV');
    const parsed = parseFlv(out);
    const ts = parsed.frames.map((f) => f.ts);
    expect(ts.every((t, i) => i === 0 || t >= ts[i - 1]!)).toBe(true);
    // Up to now + the 400 ms lead, nothing later.
    expect(Math.max(...ts)).toBeLessThanOrEqual(13_400);
    expect(Math.max(...ts)).toBeGreaterThan(12_000);
    expect(parsed.frames.filter((f) => f.type === 9)).toHaveLength(Math.floor(13_400 / 40) + 1);
  });
});

describe('upstream URLs and HLS playlists', () => {
  test('user info becomes a Basic header and leaves the URL', () => {
    expect(withoutUserInfo('http://adm%40x:p%3Ass@10.0.0.9/live/1.flv')).toEqual({
      url: 'http://10.0.0.9/live/1.flv',
      headers: { authorization: `Basic ${Buffer.from('adm@x:p:ss').toString('base64')}` },
    });
    expect(withoutUserInfo('http://zlm/live/1.flv').headers).toEqual({});
    expect(hasCredentials('http://u:p@zlm/{id}.flv')).toBe(true);
    expect(hasCredentials('http://zlm/{id}.flv?sign=abc')).toBe(true);
    expect(hasCredentials('http://zlm/rtp/{id}.live.flv')).toBe(false);
  });

  test('a playlist keeps relative entries, makes same-folder absolute ones relative, drops the rest', () => {
    const up = 'http://zlm:80/rtp/ch1/hls.m3u8?sign=s1';
    const text = [
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:2',
      '#EXTINF:2.0,',
      'seg-1.ts',
      '#EXTINF:2.0,',
      'http://zlm:80/rtp/ch1/seg-2.ts',
      '#EXTINF:2.0,',
      'http://evil.example/x.ts',
      '#EXT-X-KEY:METHOD=AES-128,URI="http://zlm:80/rtp/ch1/k.key"',
    ].join('\n');
    expect(rewritePlaylist(text, up).split('\n')).toEqual([
      '#EXTM3U',
      '#EXT-X-TARGETDURATION:2',
      '#EXTINF:2.0,',
      'seg-1.ts',
      '#EXTINF:2.0,',
      'seg-2.ts',
      '#EXT-X-KEY:METHOD=AES-128,URI="k.key"',
    ]);
    expect(hlsUpstream(up, 'seg-1.ts')).toBe('http://zlm/rtp/ch1/seg-1.ts?sign=s1');
    expect(hlsUpstream('http://u:p@zlm/rtp/ch1/hls.m3u8', 'a.ts')).toBe('http://u:p@zlm/rtp/ch1/a.ts');
    expect(hlsUpstream(up, '../ch2/hls.m3u8')).toBeNull();
    expect(hlsUpstream(up, 'http://evil.example/x.ts')).toBeNull();
  });
});

describe('video settings', () => {
  const wvpSource = {
    id: 'w',
    kind: 'wvp' as const,
    redis: { url: 'redis://wvp:6379' },
    api: { url: 'http://wvp:18080', apiKey: 'k' },
  };
  test('defaults: demo while no rule is configured, four tiles, 15 s a key channel; a wvp rule uses its source api or its own', () => {
    expect(resolveVideoSettings({})).toMatchObject({ demo: true, maxTiles: 4, keySec: 15, rules: [] });
    const s = resolveVideoSettings({
      sources: [wvpSource],
      video: {
        rules: [
          { id: 'gb', kind: 'wvp', source: 'w' },
          { id: 'own', kind: 'wvp', api: { url: 'http://wvp2' } },
        ],
      },
    });
    expect(s.demo).toBe(false);
    expect(s.rules[0]).toMatchObject({
      deviceId: 'lookup',
      stopDelayMs: 5000,
      prefer: ['flv', 'hls', 'ts'],
      conn: { id: 'w', api: { url: 'http://wvp:18080', apiKey: 'k' } },
    });
    expect(s.rules[1]).toMatchObject({ conn: { id: 'video:own', api: { url: 'http://wvp2' } } });
  });
  test('errors name the key', () => {
    const bad =
      (video: object, sources: object[] = [wvpSource]) =>
      () =>
        resolveVideoSettings({ sources: sources as never, video: video as never });
    expect(bad({ rules: [{ id: 'gb', kind: 'wvp', source: 'nope' }] })).toThrow(
      /video\/rules\/0\/source: no sources: entry has id 'nope'/,
    );
    expect(bad({ rules: [{ id: 'gb', kind: 'wvp' }] })).toThrow(/video\/rules\/0\/source: is required/);
    expect(
      bad({ rules: [{ id: 'gb', kind: 'wvp', source: 'w' }] }, [{ id: 'w', kind: 'wvp', redis: { url: 'redis://x' } }]),
    ).toThrow(/has no api/);
    expect(bad({ rules: [{ id: 'a', kind: 'template', url: 'http://u:p@zlm/{id}.flv', deliver: 'direct' }] })).toThrow(
      /video\/rules\/0\/url: carries credentials/,
    );
    expect(bad({ rules: [{ id: 'a', kind: 'template', url: 'http://zlm/{id}.flv', deliver: 'direct' }] })).toThrow(
      /must be listed in video\/origins/,
    );
    expect(bad({ rules: [{ id: 'a', kind: 'template', url: 'http://zlm/{id}.flv', match: { ids: '(' } }] })).toThrow(
      /video\/rules\/0\/match\/ids/,
    );
    expect(
      bad({
        rules: [
          { id: 'a', kind: 'template', url: 'http://zlm/{id}.flv' },
          { id: 'a', kind: 'template', url: 'http://zlm/{id}.flv' },
        ],
      }),
    ).toThrow(/video\/rules\/1\/id/);
  });
});

describe('viewer counting', () => {
  const cam = (id: string) => ({ id }) as CameraRecord;
  function setup(stopDelayMs = 0) {
    let now = 0;
    const calls = { open: 0, release: [] as string[] };
    const sessions = new Sessions({
      open: async (c): Promise<PlayTarget> => {
        calls.open++;
        return {
          origin: 'wvp',
          ruleId: 'gb',
          format: 'flv',
          deliver: 'proxy',
          upstream: 'http://m/x.flv',
          stopDelayMs,
          release: async () => void calls.release.push(c.id),
        };
      },
      leaseMs: 60_000,
      maxSessions: 3,
      clock: () => now,
    });
    return { sessions, calls, at: (t: number) => (now = t) };
  }
  const settle = () => new Promise((r) => setTimeout(r, 30));

  test('shared stream, released once after the last viewer; a viewer coming back within the delay keeps it', async () => {
    const { sessions, calls } = setup(50);
    const a = await sessions.open(cam('c1'));
    const b = await sessions.open(cam('c1'));
    expect(calls.open).toBe(1);
    sessions.close(a.session.id);
    sessions.close(b.session.id);
    const c = await sessions.open(cam('c1'));
    await new Promise((r) => setTimeout(r, 120));
    expect(calls.release).toEqual([]);
    expect(calls.open).toBe(1);
    sessions.close(c.session.id);
    expect(sessions.close(c.session.id)).toBe(false);
    await new Promise((r) => setTimeout(r, 120));
    expect(calls.release).toEqual(['c1']);
  });

  test('an unrenewed lease ends the session; an open stream keeps it; the cap refuses more', async () => {
    const { sessions, calls, at } = setup();
    const a = await sessions.open(cam('c1'));
    const b = await sessions.open(cam('c2'));
    const done = sessions.streaming(b.session);
    at(30_000);
    expect(sessions.renew(a.session.id)).toBe(true);
    at(89_000);
    expect(sessions.sweep()).toBe(0);
    at(91_000);
    expect(sessions.sweep()).toBe(1); // a: renewed at 30 s, expired at 90 s; b streams
    await settle();
    expect(calls.release).toEqual(['c1']);
    done();
    await sessions.open(cam('c3'));
    await sessions.open(cam('c4'));
    await expect(sessions.open(cam('c5'))).rejects.toThrow(/too many open video sessions/);
    await sessions.closeAll();
    expect(calls.release.sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
  });
});
