import type { FastifyInstance } from 'fastify';
import { io as connect } from 'socket.io-client';
import type { RegionSnapshot } from '@zhihui/shared';
import { buildApp } from '../../server/src/app.js';
import type { WallSocket } from '../stream/helpers.js';
import { KEY, SMALL_TREE } from './helpers.js';

const AUTH = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

/** A real server on SMALL_TREE for tests that recompute figures from the rows they write. */
export interface SmallTreeServer {
  app: FastifyInstance;
  url: string;
  /** A REST call with the writer key; the answer's status and JSON. */
  rest(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** A connected wall socket (closed by `close`). */
  open(): Promise<WallSocket>;
  subscribe(s: WallSocket, region: string): Promise<RegionSnapshot>;
  /** A fresh snapshot of `region` on a socket of its own. */
  fresh(region: string): Promise<RegionSnapshot>;
  close(): Promise<void>;
}

/**
 * Starts the server with no seed, no simulator and no heartbeat decay (the statuses are what the
 * test's reports say), on a SQLite file in `dataDir`. Fake `Date` before calling it.
 */
export async function startSmallTreeServer(dataDir: string): Promise<SmallTreeServer> {
  const app = await buildApp({
    logger: false,
    env: {},
    config: {
      dataDir,
      simulator: false,
      seed: false,
      apiKeys: [{ name: 'test', key: KEY }],
      demoKey: false,
      flushMs: 20,
      heartbeatTimeoutSec: 365 * 86400,
      heartbeatGraceSec: 365 * 86400,
    },
  });
  await app.store.upsertRegions(SMALL_TREE);
  await app.reloadRegions();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const sockets: WallSocket[] = [];
  const rest: SmallTreeServer['rest'] = async (method, p, body) => {
    const res = await fetch(url + p, {
      method,
      headers: AUTH,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };
  const open = async (): Promise<WallSocket> => {
    const s: WallSocket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  };
  const subscribe = async (s: WallSocket, region: string): Promise<RegionSnapshot> => {
    const ack = await new Promise<{ ok: boolean; data?: RegionSnapshot; error?: { message: string } }>((resolve) =>
      s.emit('subscribe', { region }, resolve as never),
    );
    if (!ack.ok || !ack.data) throw new Error(`subscribe: ${ack.error?.message}`);
    return ack.data;
  };
  const fresh = async (region: string): Promise<RegionSnapshot> => {
    const s = await open();
    const snap = await subscribe(s, region);
    s.close();
    return snap;
  };
  const close = async () => {
    for (const s of sockets) s.close();
    await app.close();
  };
  return { app, url, rest, open, subscribe, fresh, close };
}
