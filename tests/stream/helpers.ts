import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { io as connect, type Socket } from 'socket.io-client';
import { inflateRawSync } from 'node:zlib';
import type {
  Ack,
  ClientToServerEvents,
  RegionDelta,
  RegionSnapshot,
  ServerToClientEvents,
  WireSnapshot,
} from '@zhihui/shared';
import { buildApp } from '../../server/src/app.js';
import type { Config } from '../../server/src/config/env.js';

export type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** A real server on a free port with a fresh data dir, seeded from the fixtures. */
export async function startServer(over: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'zhihui-stream-'));
  const app = await buildApp({
    logger: false,
    config: {
      dataDir,
      simulator: false,
      seedAnchor: 'today',
      apiKeys: [{ name: 'test', key: 'k' }],
      demoKey: false,
      flushMs: 50,
      ...over,
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function openSocket(url: string): Promise<WallSocket> {
  const s: WallSocket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** Subscribes; a packed snapshot (`packed: true` in the request) comes back unpacked. */
export function subscribe(s: WallSocket, region: unknown): Promise<Ack<RegionSnapshot>> {
  return new Promise((resolve) =>
    s.emit('subscribe', region as { region: string }, (res) =>
      resolve(res?.ok ? { ok: true, data: unpacked(res.data) } : (res as Ack<RegionSnapshot>)),
    ),
  );
}

/** A snapshot as the wall reads it: a packed one inflated with Node's zlib (not the client's fflate). */
export function unpacked(x: WireSnapshot): RegionSnapshot {
  return 'packed' in x ? (JSON.parse(inflateRawSync(x.packed).toString('utf8')) as RegionSnapshot) : x;
}

/** Collects deltas and pushed snapshots in arrival order. */
export function collect(s: WallSocket): {
  deltas: RegionDelta[];
  snapshots: RegionSnapshot[];
  next(pred?: (d: RegionDelta) => boolean, ms?: number): Promise<RegionDelta>;
} {
  const deltas: RegionDelta[] = [];
  const snapshots: RegionSnapshot[] = [];
  const waiters: { pred: (d: RegionDelta) => boolean; resolve: (d: RegionDelta) => void }[] = [];
  s.on('delta', (d) => {
    deltas.push(d);
    for (const w of [...waiters]) {
      if (w.pred(d)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(d);
      }
    }
  });
  s.on('snapshot', (x) => snapshots.push(unpacked(x)));
  return {
    deltas,
    snapshots,
    next(pred = () => true, ms = 10_000) {
      const seen = deltas.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error('no matching delta arrived'));
          }
        }, ms).unref();
      });
    },
  };
}

export async function postStatus(
  t: TestServer,
  reports: unknown[],
): Promise<{ accepted: number; rejected: unknown[] }> {
  const res = await fetch(`${t.url}/api/v1/cameras/status`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify({ reports }),
  });
  if (res.status !== 200) throw new Error(`status batch: ${res.status} ${await res.text()}`);
  return (await res.json()) as { accepted: number; rejected: unknown[] };
}

/** Waits until the server has flushed (a few flush intervals), without depending on wall time for assertions. */
export const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));
