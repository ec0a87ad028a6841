// A STAND-IN for wvp-GB28181-pro's REST API (wvp is a Java service that cannot run here). It follows
// wvp's documented shapes, checked against its source (repo 648540858/wvp-GB28181-pro):
// - every answer is WVPResult {code, msg, data}, code 0 for success (GlobalResponseAdvice wraps
//   the controllers' return values; ErrorCode.SUCCESS = 0 "成功", ERROR401 = 401 "请登录后重新请求");
// - GET /api/device/query/devices?page&count → PageInfo<Device> {total, list, pageNum, pageSize, …}
//   with Device {deviceId, name, onLine, keepaliveTimeStamp, registerTimeStamp, heartBeatInterval,
//   heartBeatCount, expires, …} (DeviceQuery.devices, Device.java);
// - GET /api/device/query/devices/{deviceId}/channels?page&count → PageInfo<DeviceChannel> with
//   DeviceChannel {deviceId (the channel's code since 2.7), parentDeviceId, name, civilCode,
//   status "ON"/"OFF", longitude, latitude, …} (DeviceQuery.channels, DeviceChannel.java);
// - GET /api/user/login?username&password (MD5) → LoginUser {accessToken}, also in the
//   access-token response header; requests authenticate with `access-token` or `api-key`
//   (JwtUtils.HEADER, JwtUtils.API_KEY_HEADER).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface StandInDevice {
  deviceId: string;
  name: string;
  onLine: boolean;
  keepaliveTimeStamp: number;
  heartBeatInterval: number;
  heartBeatCount: number;
  channels: StandInChannel[];
}

export interface StandInChannel {
  deviceId: string;
  name: string;
  civilCode: string | null;
  status: 'ON' | 'OFF';
  longitude: number | null;
  latitude: number | null;
}

export interface WvpStandIn {
  url: string;
  port: number;
  devices: Map<string, StandInDevice>;
  /** Requests seen (method path), for assertions. */
  requests: string[];
  /** The next answers are not WVPResult (a broken proxy in between). */
  garble: boolean;
  close(): Promise<void>;
  /** Listens again on the same port (after close). */
  reopen(): Promise<void>;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function page<T>(items: T[], url: URL) {
  const pageNum = Number(url.searchParams.get('page') ?? 1);
  const pageSize = Number(url.searchParams.get('count') ?? 10);
  const list = items.slice((pageNum - 1) * pageSize, pageNum * pageSize);
  return {
    total: items.length,
    list,
    pageNum,
    pageSize,
    size: list.length,
    pages: Math.ceil(items.length / pageSize),
    isFirstPage: pageNum === 1,
    isLastPage: pageNum * pageSize >= items.length,
  };
}

export async function startWvpStandIn(
  opts: { apiKey?: string; username?: string; password?: string; port?: number } = {},
): Promise<WvpStandIn> {
  const tokens = new Set<string>();
  const state: WvpStandIn = {
    url: '',
    port: 0,
    devices: new Map(),
    requests: [],
    garble: false,
    close: async () => undefined,
    reopen: async () => undefined,
  };
  const send = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(state.garble ? '<html>502 Bad Gateway</html>' : JSON.stringify(body));
  };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    state.requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/api/user/login') {
      if (
        url.searchParams.get('username') === opts.username &&
        url.searchParams.get('password') === md5(opts.password ?? '')
      ) {
        const token = `jwt-${tokens.size + 1}`;
        tokens.add(token);
        return send(
          res,
          { code: 0, msg: '成功', data: { username: opts.username, accessToken: token } },
          { 'access-token': token },
        );
      }
      return send(res, { code: 100, msg: '用户名或密码错误', data: null });
    }
    const key = req.headers['api-key'];
    const token = req.headers['access-token'];
    const authed =
      (opts.apiKey !== undefined && key === opts.apiKey) || (typeof token === 'string' && tokens.has(token));
    if (!authed) {
      res.writeHead(401, { 'content-type': 'application/json;charset=UTF-8' });
      return res.end(JSON.stringify({ code: 401, msg: '请登录后重新请求', data: null }));
    }
    if (url.pathname === '/api/device/query/devices') {
      const list = [...state.devices.values()].map(({ channels, ...d }) => ({
        ...d,
        id: 1,
        channelCount: channels.length,
        registerTimeStamp: d.keepaliveTimeStamp,
        expires: 3600,
        transport: 'UDP',
        streamMode: 'UDP',
      }));
      return send(res, { code: 0, msg: '成功', data: page(list, url) });
    }
    const m = /^\/api\/device\/query\/devices\/([^/]+)\/channels$/.exec(url.pathname);
    if (m) {
      const dev = state.devices.get(decodeURIComponent(m[1]!));
      const list = (dev?.channels ?? []).map((c, i) => ({
        id: i + 1,
        ...c,
        parentDeviceId: dev!.deviceId,
        parentName: dev!.name,
        manufacturer: 'Hikvision',
        parental: 0,
        secrecy: 0,
      }));
      return send(res, { code: 0, msg: '成功', data: page(list, url) });
    }
    send(res, { code: 404, msg: '资源未找到', data: null });
  };
  let server: Server;
  const listen = (port: number) =>
    new Promise<void>((resolve) => {
      server = createServer(handler);
      server.listen(port, '127.0.0.1', () => {
        const a = server.address();
        state.port = typeof a === 'object' && a ? a.port : 0;
        state.url = `http://127.0.0.1:${state.port}`;
        resolve();
      });
    });
  await listen(opts.port ?? 0);
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  state.reopen = () => listen(state.port);
  return state;
}
