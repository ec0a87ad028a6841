// Without any platform configured: the built-in demo stream, the automatic key channels, the
// viewer gate on sessions, and config errors that name the key.
import { describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { KeyChannels, PlaySession } from '@zhihui/shared';
import { ConfigFileError } from '../../server/src/config/file.js';
import { parseFlv } from '../../server/src/video/flv.js';
import { AUTH, cam, smallApp, tmpDir, useSmallApp } from '../server/helpers.js';

const C = [1, 2, 3, 4].map((n) => cam(n, n <= 2 ? '139900100' : '139900200'));

async function seed(app: FastifyInstance): Promise<void> {
  await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: C } });
  // 1 and 3 online, 2 offline, 4 never heard of (unknown).
  const reports = [
    { cameraId: C[0]!.id, status: 'online' },
    { cameraId: C[1]!.id, status: 'offline', reason: 'power' },
    { cameraId: C[2]!.id, status: 'online' },
  ];
  await app.inject({ method: 'POST', url: '/api/v1/cameras/status', headers: AUTH, payload: { reports } });
  const end = Date.now() + 20_000;
  while (app.live.engine.cameraRow(C[2]!.id)?.state !== 0) {
    if (Date.now() > end) throw new Error('live state did not follow');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the demo stream and automatic key channels (no platform configured)', () => {
  let app!: FastifyInstance;
  useSmallApp(
    (a) => (app = a),
    { requireViewer: 'on', viewerTokens: [{ name: 'wall', key: 'viewer-secret-1' }] },
    seed,
  );
  const viewer = { authorization: 'Bearer viewer-secret-1' };

  test('key channels: one live channel per township, in code order', async () => {
    const k = (
      await app.inject({ url: '/api/v1/video/key-channels?region=139900', headers: viewer })
    ).json<KeyChannels>();
    expect(k.auto).toBe(true);
    expect(k.channels.map((c) => c.id)).toEqual([C[0]!.id, C[2]!.id]);
    expect(k.channels.every((c) => c.origin === 'demo' && c.snapshot)).toBe(true);
  });

  test('sessions need the viewer token where walls do; the demo stream is live FLV, labelled demo', async () => {
    const payload = { channelId: C[0]!.id };
    expect((await app.inject({ method: 'POST', url: '/api/v1/video/sessions', payload })).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/video/sessions',
          payload,
          headers: { authorization: 'Bearer wrong' },
        })
      ).statusCode,
    ).toBe(401);
    const byCookie = await app.inject({
      method: 'POST',
      url: '/api/v1/video/sessions',
      payload,
      headers: { cookie: 'zhihui_viewer=viewer-secret-1' },
    });
    expect(byCookie.statusCode).toBe(201);
    const s = byCookie.json<PlaySession>();
    expect(s).toMatchObject({ origin: 'demo', demo: true, format: 'flv' });
    // The media itself sits behind the viewer gate too.
    expect((await app.inject({ url: s.url })).statusCode).toBe(401);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const ctl = new AbortController();
    const res = await fetch(base + s.url, { headers: viewer, signal: ctl.signal });
    expect(res.headers.get('content-type')).toBe('video/x-flv');
    const reader = res.body!.getReader();
    const parts: Uint8Array[] = [];
    let n = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 1500) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.byteLength;
    }
    ctl.abort();
    const clip = parseFlv(Buffer.concat(parts));
    expect(clip.config.length).toBe(1);
    // Paced like a live source: about the time waited plus the lead, not the whole clip at once.
    expect(clip.durationMs).toBeLessThan(4000);
    expect(n).toBeGreaterThan(1000);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/v1/video/sessions/${s.id}`, headers: viewer })).statusCode,
    ).toBe(204);
  });

  test("an offline channel's tile gets the demo's last snapshot; a write key reads too, only by header", async () => {
    const r = await app.inject({ url: `/api/v1/video/channels/${C[1]!.id}/snapshot`, headers: AUTH });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('image/jpeg');
    const v = (await app.inject({ url: `/api/v1/video/channels/${C[1]!.id}`, headers: viewer })).json();
    expect(v).toMatchObject({ state: 'offline', reason: 'power', township: '甲镇' });
  });
});

describe('video config errors name the key', () => {
  test('a wvp rule naming no wvp source, and a bad key in the YAML', async () => {
    const t = tmpDir();
    try {
      await expect(
        smallApp(t.dir, { file: { video: { rules: [{ id: 'gb', kind: 'wvp', source: 'missing' }] } } }),
      ).rejects.toThrow(ConfigFileError);
      await expect(
        smallApp(t.dir, { file: { video: { rules: [{ id: 'gb', kind: 'wvp', source: 'missing' }] } } }),
      ).rejects.toThrow(/video\/rules\/0\/source/);
    } finally {
      t.cleanup();
    }
    const { parseConfigText } = await import('../../server/src/config/file.js');
    expect(() => parseConfigText('video:\n  maxTiles: 0\n', 'x.yaml')).toThrow(/video\/maxTiles/);
    expect(() => parseConfigText('video:\n  keySec: 15\n  tiles: 4\n', 'x.yaml')).toThrow(/video\/tiles: unknown key/);
    expect(
      parseConfigText('video:\n  keySec: 20\n  keyChannels:\n    "130111": ["13011100001310000001"]\n', 'x.yaml').video
        ?.keySec,
    ).toBe(20);
  });

  test("the README's video config is valid as printed", async () => {
    const { readFileSync } = await import('node:fs');
    const { parseConfigText } = await import('../../server/src/config/file.js');
    const { resolveVideoSettings } = await import('../../server/src/video/settings.js');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Live video'), readme.indexOf('## 接入视频平台'));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(1);
    const settings = resolveVideoSettings(parseConfigText(blocks[0]!.replace(/…/g, 'x'), 'readme.yaml'));
    expect(settings.rules.map((r) => r.kind)).toEqual(['wvp', 'template']);
    expect(settings.demo).toBe(false);
  });
});
