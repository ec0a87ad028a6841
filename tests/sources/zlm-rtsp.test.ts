// ZLMediaKit web hooks as HTTP posts with ZLMediaKit's documented bodies (server/WebHook.cpp), and
// RTSP probes against a real RTSP server (GStreamer's gst-rtsp-server from Debian).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRtspServer, type Child } from '../support/processes.js';
import { freePort } from '../support/net.js';
import { RTSP_PACKAGES, missingRtspServer, skipBecause } from '../support/services.js';
import { ADMIN, camera, history, sourceView, sourcesApp, waitFor, type SourcesApp } from './helpers.js';

const DEV = '13990000001110000001';
const CH = ['13990000001320000001', '13990000001320000002', '13990000001320000003'];

describe('ZLMediaKit hooks', () => {
  let s: SourcesApp;
  const hook = (name: string, body: unknown, token: string | null = 'zlm-secret') =>
    s.app.inject({
      method: 'POST',
      url: `/api/v1/sources/zlm/hooks/${name}${token === null ? '' : `?token=${token}`}`,
      payload: body as object,
    });
  const started = new Date(Date.now() - 1000).toISOString();

  beforeAll(async () => {
    s = await sourcesApp(
      [{ id: 'zlm', kind: 'zlm', secret: 'zlm-secret', keepalive: 1, mediaServerId: 'your_server_id' }],
      3,
    );
  });
  afterAll(() => s.close());

  test('a registered stream is online; wvp names GB streams <deviceId>_<channelId>; answers never close a stream', async () => {
    const reg = await hook('on_stream_changed', {
      regist: true,
      schema: 'rtsp',
      app: 'rtp',
      stream: `${DEV}_${CH[0]}`,
      vhost: '__defaultVhost__',
      mediaServerId: 'your_server_id',
      hook_index: 1,
      originType: 3,
      originUrl: '',
      totalReaderCount: 0,
      aliveSecond: 0,
      bytesSpeed: 0,
      tracks: [{ codec_id: 0, codec_id_name: 'H264', codec_type: 0, ready: true }],
    });
    expect(reg.json()).toEqual({ code: 0, msg: 'success' });
    await hook('on_stream_changed', {
      regist: true,
      schema: 'rtsp',
      app: 'live',
      stream: CH[1],
      vhost: '__defaultVhost__',
      mediaServerId: 'your_server_id',
    });
    await waitFor(
      async () =>
        (await camera(s.app, CH[0]!)).status === 'online' && (await camera(s.app, CH[1]!)).status === 'online',
      'streams online',
    );
    const none = await hook('on_stream_none_reader', {
      schema: 'rtsp',
      app: 'rtp',
      stream: `${DEV}_${CH[0]}`,
      vhost: '__defaultVhost__',
      params: '',
      mediaServerId: 'your_server_id',
    });
    expect(none.json()).toEqual({ code: 0, close: false });
    expect((await camera(s.app, CH[0]!)).status).toBe('online');
  });

  test('a stream going away, or an RTP server timing out, is offline (no_stream)', async () => {
    await hook('on_stream_changed', {
      regist: false,
      schema: 'rtsp',
      app: 'live',
      stream: CH[1],
      vhost: '__defaultVhost__',
      params: '',
      mediaServerId: 'your_server_id',
    });
    await hook('on_rtp_server_timeout', {
      local_port: 30000,
      app: 'rtp',
      stream_id: `${DEV}_${CH[2]}`,
      tcp_mode: 0,
      re_use_port: false,
      ssrc: 0,
      mediaServerId: 'your_server_id',
    });
    await waitFor(
      async () =>
        (await camera(s.app, CH[1]!)).reason === 'no_stream' && (await camera(s.app, CH[2]!)).reason === 'no_stream',
      'no_stream',
    );
    expect((await history(s.app, CH[1]!, started)).map((h) => h[2])).toEqual(['source:zlm', 'source:zlm']);
  });

  test('hooks of the wrong shape, another media server, unknown streams and a wrong token: counted, never a state change', async () => {
    const before = await Promise.all(CH.map((id) => camera(s.app, id)));
    expect(
      (
        await hook('on_stream_changed', { regist: 'yes', app: 'live', stream: CH[0], mediaServerId: 'your_server_id' })
      ).json(),
    ).toEqual({ code: 0, msg: 'success' });
    await hook('on_stream_changed', 'not json at all');
    await hook('on_rtp_server_timeout', { local_port: 1, mediaServerId: 'your_server_id' });
    await hook('on_stream_changed', { regist: false, app: 'live', stream: CH[0], mediaServerId: 'other' });
    await hook('on_stream_changed', {
      regist: false,
      app: 'live',
      stream: 'no such/stream!',
      mediaServerId: 'your_server_id',
    });
    const wrong = await hook(
      'on_stream_changed',
      { regist: false, app: 'live', stream: CH[0], mediaServerId: 'your_server_id' },
      'guess',
    );
    expect(wrong.statusCode).toBe(401);
    expect((await hook('on_stream_changed', {}, null)).statusCode).toBe(401);
    expect((await hook('on_publish', {})).statusCode).toBe(404);
    const r = (await sourceView(s.app, 'zlm')).rejects;
    expect(r).toMatchObject({ bad_body: 3, other_server: 1, unknown_stream: 1, bad_auth: 2 });
    expect(await Promise.all(CH.map((id) => camera(s.app, id)))).toEqual(before);
    const settings = (await sourceView(s.app, 'zlm')).settings as Record<string, unknown>;
    expect(JSON.stringify(settings)).not.toContain('zlm-secret');
  });

  test('a media server silent for 3 × its keepalive is a source down; its next hook brings it back', async () => {
    await hook('on_server_keepalive', { data: { Buffer: 12 }, mediaServerId: 'your_server_id', hook_index: 9 });
    await waitFor(async () => (await sourceView(s.app, 'zlm')).state === 'down', 'down after 3 s of silence', 15_000);
    expect(await camera(s.app, CH[0]!)).toMatchObject({ status: 'unknown', reason: 'source_down' });
    await hook('on_server_keepalive', { data: {}, mediaServerId: 'your_server_id' });
    await waitFor(async () => (await sourceView(s.app, 'zlm')).state === 'up', 'up');
    // Without its media list, what the media server fed is plain unknown until its hooks say otherwise.
    await waitFor(async () => (await camera(s.app, CH[0]!)).reason === null, 'no longer blamed on the source');
    await hook('on_stream_changed', {
      regist: true,
      schema: 'rtmp',
      app: 'rtp',
      stream: `${DEV}_${CH[0]}`,
      mediaServerId: 'your_server_id',
    });
    await waitFor(async () => (await camera(s.app, CH[0]!)).status === 'online', 'online again');
  });
});

const noRtspServer = skipBecause('sources: RTSP probes', missingRtspServer(), RTSP_PACKAGES);

describe.skipIf(noRtspServer)('RTSP probes against a real RTSP server', () => {
  let open: Child;
  let basic: Child;
  let digest: Child;
  let s: SourcesApp;
  beforeAll(async () => {
    [open, basic, digest] = await Promise.all([
      startRtspServer(),
      startRtspServer({ auth: 'basic', user: 'admin', password: 's3cret-basic' }),
      startRtspServer({ auth: 'digest', user: 'admin', password: 's3cret-digest' }),
    ]);
    const closed = await freePort();
    s = await sourcesApp(
      [
        {
          id: 'probes',
          kind: 'rtsp',
          interval: 5,
          timeout: 3,
          concurrency: 2,
          password: 's3cret-default',
          cameras: [
            { id: '13990000001320000001', url: `rtsp://127.0.0.1:${open.port}/live` },
            { id: '13990000001320000002', url: `rtsp://admin:s3cret-digest@127.0.0.1:${digest.port}/live` },
            {
              id: '13990000001320000003',
              url: `rtsp://127.0.0.1:${basic.port}/live`,
              username: 'admin',
              password: 'wrong-password',
            },
            { id: '13990000001320000004', url: `rtsp://127.0.0.1:${open.port}/no-such-path` },
            { id: '13990000001320000005', url: `rtsp://127.0.0.1:${closed}/live` },
            {
              id: '13990000001320000006',
              url: `rtsp://127.0.0.1:${basic.port}/live`,
              username: 'admin',
              password: 's3cret-basic',
            },
          ],
        },
      ],
      6,
    );
  });
  afterAll(async () => {
    await s.close();
    await Promise.all([open.stop(), basic.stop(), digest.stop()]);
  });

  test('200 → online (Basic and Digest answered); 401 → auth; 404 → bad_path; refused → network', async () => {
    const ids = [
      '13990000001320000001',
      '13990000001320000002',
      '13990000001320000003',
      '13990000001320000004',
      '13990000001320000005',
      '13990000001320000006',
    ];
    await waitFor(async () => {
      const all = await Promise.all(ids.map((id) => camera(s.app, id)));
      return all.every((c) => c.status !== 'unknown') && all;
    }, 'every camera probed');
    const got = await Promise.all(
      ids.map(async (id) => {
        const c = await camera(s.app, id);
        return [c.status, c.reason];
      }),
    );
    expect(got).toEqual([
      ['online', null],
      ['online', null],
      ['offline', 'auth'],
      ['offline', 'bad_path'],
      ['offline', 'network'],
      ['online', null],
    ]);
    const v = await sourceView(s.app, 'probes');
    expect(v.heartbeat).toBe(3 * 5 + 3);
  });

  test('credentials are never returned by the API', async () => {
    const all = await s.app.inject({ method: 'GET', url: '/api/v1/sources', headers: ADMIN });
    expect(all.body).not.toMatch(/s3cret|wrong-password/);
    expect(all.body).toContain(`rtsp://127.0.0.1:${digest.port}/live`);
    const metrics = await s.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).not.toMatch(/s3cret|wrong-password/);
  });
});
