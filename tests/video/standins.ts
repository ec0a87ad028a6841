// Stand-ins for what a command centre's video platform runs and this machine cannot: a media
// server (ZLMediaKit's HTTP-FLV and HLS paths, fed by Debian's ffmpeg with a real H.264 test
// pattern) and wvp-GB28181-pro's REST API (its Java service does not run here). Both follow the
// documented shapes (wvp: WVPResult<StreamContent>, vmanager/bean/StreamContent.java; code 0 = 成功)
// and record what they were asked, so tests can check calls and headers.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';

/** Why the video stand-ins cannot run here, or null. */
export function missingFfmpeg(): string | null {
  return existsSync(FFMPEG) ? null : `no ffmpeg at ${FFMPEG}: apt-get install -y ffmpeg`;
}

/** ffmpeg's H.264 test pattern in real time: the input and encoder both stand-ins share. */
const TEST_PATTERN = [
  '-loglevel',
  'error',
  '-re',
  '-f',
  'lavfi',
  '-i',
  'testsrc2=size=640x360:rate=25',
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
];

/** ffmpeg's H.264 test pattern, live (real-time), as FLV on stdout. */
function liveFlv(): ChildProcess {
  return spawn(
    FFMPEG,
    [...TEST_PATTERN, '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', '25', '-f', 'flv', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  return `http://127.0.0.1:${addr.port}`;
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export interface MediaStandIn {
  url: string;
  /** Every request: path and the Authorization header it carried. */
  requests: { path: string; authorization: string | undefined }[];
  /** FLV relays running now (one ffmpeg each). */
  liveFlvs(): number;
  stop(): Promise<void>;
}

/**
 * A ZLMediaKit stand-in: `/<app>/<stream>.live.flv` is a live FLV relay from ffmpeg (one process
 * per viewer, ended when the viewer goes); `/<app>/<stream>/hls.m3u8` and its segments come from
 * one live ffmpeg HLS muxer; `/snap/<id>.jpg` is a frame of the pattern; `/private/…` needs Basic
 * auth `cam:secret`; anything else is 404.
 */
export async function startMediaStandIn(): Promise<MediaStandIn> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-media-'));
  const hlsDir = path.join(dir, 'hls');
  execFileSync('mkdir', ['-p', hlsDir]);
  const hls = spawn(
    FFMPEG,
    [
      ...TEST_PATTERN,
      '-pix_fmt',
      'yuv420p',
      '-g',
      '25',
      '-f',
      'hls',
      '-hls_time',
      '1',
      '-hls_list_size',
      '6',
      '-hls_flags',
      'delete_segments+omit_endlist',
      path.join(hlsDir, 'hls.m3u8'),
    ],
    { stdio: 'ignore' },
  );
  execFileSync(FFMPEG, [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180',
    '-frames:v',
    '1',
    path.join(dir, 'snap.jpg'),
  ]);
  const requests: MediaStandIn['requests'] = [];
  const relays = new Set<ChildProcess>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    if (
      url.pathname.startsWith('/private/') &&
      req.headers.authorization !== `Basic ${Buffer.from('cam:secret').toString('base64')}`
    ) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="cam"' }).end();
      return;
    }
    if (url.pathname.endsWith('.live.flv')) {
      const ff = liveFlv();
      relays.add(ff);
      res.writeHead(200, { 'content-type': 'video/x-flv', 'access-control-allow-origin': '*' });
      ff.stdout!.pipe(res);
      const end = () => {
        relays.delete(ff);
        ff.kill('SIGKILL');
      };
      res.on('close', end);
      ff.on('exit', () => res.end());
      return;
    }
    const hlsFile = /\.(m3u8|ts)$/.test(url.pathname) ? path.basename(url.pathname) : null;
    if (hlsFile && /^[\w.-]+$/.test(hlsFile)) {
      const f = path.join(hlsDir, hlsFile);
      if (existsSync(f)) {
        res.writeHead(200, {
          'content-type': hlsFile.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
        });
        res.end(readFileSync(f));
        return;
      }
    }
    if (url.pathname.startsWith('/snap/')) {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(readFileSync(path.join(dir, 'snap.jpg')));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('stream not found');
  });
  const url = await listen(server);
  return {
    url,
    requests,
    liveFlvs: () => relays.size,
    async stop() {
      for (const r of relays) r.kill('SIGKILL');
      hls.kill('SIGKILL');
      await close(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the HLS muxer of the media stand-in has a playlist with segments. */
export async function hlsReady(mediaUrl: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await fetch(`${mediaUrl}/rtp/any/hls.m3u8`).catch(() => null);
    if (res?.ok && (await res.text()).split('\n').filter((l) => l.endsWith('.ts')).length >= 2) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('the HLS stand-in produced no playlist');
}

export interface WvpStandIn {
  url: string;
  apiKey: string;
  /** `deviceId/channelId` of every play/start and play/stop call, in order. */
  starts: string[];
  stops: string[];
  /** Requests that came without the right api-key header. */
  unauthorised: number;
  stop(): Promise<void>;
}

/**
 * A wvp-GB28181-pro stand-in: devices and their channels (`devices`: deviceId → channel ids), the
 * play API answering StreamContent with URLs on the media stand-in, the stop API, and the last
 * snapshot. Every call needs the `api-key` header, as wvp's JwtUtils checks it.
 */
export async function startWvpStandIn(
  mediaUrl: string,
  devices: Record<string, string[]>,
  opts: { failPlay?: Set<string> } = {},
): Promise<WvpStandIn> {
  const apiKey = 'wvp-test-key';
  const st: Omit<WvpStandIn, 'url' | 'stop'> = { apiKey, starts: [], stops: [], unauthorised: 0 };
  const ok = (res: ServerResponse, data: unknown) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0, msg: '成功', data }));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers['api-key'] !== apiKey) {
      st.unauthorised++;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 401, msg: '请登录后重新请求', data: null }));
      return;
    }
    const p = url.pathname.split('/').map(decodeURIComponent);
    if (url.pathname === '/api/device/query/devices') {
      const list = Object.keys(devices).map((deviceId) => ({ deviceId, name: `NVR ${deviceId}`, onLine: true }));
      return ok(res, { total: list.length, list });
    }
    if (p[1] === 'api' && p[4] === 'devices' && p[6] === 'channels') {
      // wvp 2.7 names a channel's own GB code `deviceId`.
      const list = (devices[p[5]!] ?? []).map((id) => ({ deviceId: id, name: `通道 ${id}`, status: 'ON' }));
      return ok(res, { total: list.length, list });
    }
    if (p[2] === 'play' && (p[3] === 'start' || p[3] === 'stop') && p.length === 6) {
      const [dev, ch] = [p[4]!, p[5]!];
      if (p[3] === 'stop') {
        st.stops.push(`${dev}/${ch}`);
        return ok(res, { deviceId: dev, channelId: ch });
      }
      st.starts.push(`${dev}/${ch}`);
      if (opts.failPlay?.has(ch))
        return res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 100, msg: '点播超时', data: null }));
      const stream = `${dev}_${ch}`;
      const host = new URL(mediaUrl);
      return ok(res, {
        app: 'rtp',
        stream,
        ip: host.hostname,
        mediaServerId: 'zlm-standin',
        flv: `${mediaUrl}/rtp/${stream}.live.flv`,
        ws_flv: `ws://${host.host}/rtp/${stream}.live.flv`,
        fmp4: `${mediaUrl}/rtp/${stream}.live.mp4`,
        hls: `${mediaUrl}/rtp/${stream}/hls.m3u8`,
        ts: `${mediaUrl}/rtp/${stream}.live.ts`,
        rtmp: `rtmp://${host.hostname}:1935/rtp/${stream}`,
        rtsp: `rtsp://${host.hostname}:554/rtp/${stream}`,
        rtc: `${mediaUrl}/index/api/webrtc?app=rtp&stream=${stream}&type=play`,
      });
    }
    if (p[3] === 'query' && p[4] === 'snap') {
      return fetch(`${mediaUrl}/snap/${p[6]}.jpg`).then(async (r) =>
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from(await r.arrayBuffer())),
      );
    }
    res.writeHead(404).end();
  });
  const url = await listen(server);
  return Object.assign(st, { url, stop: () => close(server) });
}

export interface StallingOrigin {
  url: string;
  /** Every request so far, in order: when it came and when its connection closed (null: open). */
  requests(): { opened: number; closed: number | null }[];
  stop(): Promise<void>;
}

/**
 * A media server whose stream stops mid-way: any path answers with the first 48 KB of the
 * committed demo FLV (made by ffmpeg: `fixtures/video/make-demo.sh`), then sends nothing more and
 * holds the connection until the other side closes it.
 */
export async function startStallingOrigin(flvPath: string): Promise<StallingOrigin> {
  const head = readFileSync(flvPath).subarray(0, 48 * 1024);
  const requests: { opened: number; closed: number | null }[] = [];
  const server = createServer((_req, res) => {
    const r = { opened: Date.now(), closed: null as number | null };
    requests.push(r);
    res.on('close', () => (r.closed = Date.now()));
    res.writeHead(200, { 'content-type': 'video/x-flv' });
    res.write(head);
  });
  const url = await listen(server);
  return { url, requests: () => requests.map((r) => ({ ...r })), stop: () => close(server) };
}
