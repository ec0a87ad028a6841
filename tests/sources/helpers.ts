import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { CameraView } from '@zhihui/shared';
import type { SourceConfig } from '../../server/src/config/sections/sources.js';
import type { Config } from '../../server/src/config/env.js';
import { AUTH, cam, smallApp, tmpDir } from '../server/helpers.js';

export const ADMIN = { authorization: 'Bearer adm' };
export const MQTT_URL = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test run uses (topics, Redis channels). */
export const unique = (what: string) => `zt-${what}-${process.pid}-${randomBytes(3).toString('hex')}`;

/** Polls until `check` returns a value that is not undefined/false, or fails after `ms`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface SourcesApp {
  app: FastifyInstance;
  ids: string[];
  close(): Promise<void>;
}

/**
 * An app on the small test tree with `sources` configured and `n` channels in the inventory
 * (ids from tests/server/helpers `cam`), admin key `adm`.
 */
export async function sourcesApp(sources: SourceConfig[], n = 3, config: Partial<Config> = {}): Promise<SourcesApp> {
  const t = tmpDir();
  const app = await smallApp(t.dir, { adminKey: 'adm', heartbeatGraceSec: 0, file: { sources }, ...config });
  const cams = Array.from({ length: n }, (_, i) => cam(i + 1, i % 2 === 0 ? '139900100' : '139900200'));
  if (n > 0) {
    const res = await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: cams } });
    if (res.json().upserted !== n) throw new Error(res.body);
  }
  return {
    app,
    ids: cams.map((c) => c.id),
    close: async () => {
      await app.close();
      t.cleanup();
    },
  };
}

export async function camera(app: FastifyInstance, id: string): Promise<CameraView> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/regions/139900/cameras?limit=1000` });
  const found = (res.json().items as CameraView[]).find((c) => c.id === id);
  if (!found) throw new Error(`no camera ${id}`);
  return found;
}

export async function sourceView(
  app: FastifyInstance,
  id: string,
): Promise<Record<string, unknown> & { state: string; rejects: Record<string, number>; channels: number }> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/sources/${id}`, headers: ADMIN });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json();
}

/** The status events of a channel since `from` (ISO), as [to, reason, actor]. */
export async function history(
  app: FastifyInstance,
  id: string,
  from: string,
): Promise<[string, string | null, string][]> {
  const ev = await app.store.statusEvents({ from, to: new Date(Date.now() + 60_000).toISOString(), cameraIds: [id] });
  return ev.map((e) => [e.to, e.reason, e.actor]);
}
