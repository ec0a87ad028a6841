import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Region } from '@zhihui/shared';
import { buildApp } from '../../server/src/app.js';
import type { Config } from '../../server/src/config/env.js';

export const KEY = 'k';
export const AUTH = { authorization: `Bearer ${KEY}` };

export function tmpDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The app as the tests build it: temp data dir, no simulator, fixture times, one key `test:k`. */
export function testApp(dataDir: string, config: Partial<Config> = {}): Promise<FastifyInstance> {
  return buildApp({
    logger: false,
    env: {},
    config: {
      dataDir,
      simulator: false,
      seedAnchor: 'fixture',
      apiKeys: [{ name: 'test', key: KEY }],
      demoKey: false,
      ...config,
    },
  });
}

/** A small region tree: one county with two townships. */
export const SMALL_TREE: Region[] = [
  { code: '139900', name: '测试县', level: 'county', parent: null, center: [114.5, 37.9] },
  { code: '139900100', name: '甲镇', level: 'township', parent: '139900', center: [114.5, 37.9] },
  { code: '139900200', name: '乙乡', level: 'township', parent: '139900', center: [114.6, 37.8] },
];

/** An app on an empty store holding SMALL_TREE only (no fixtures). */
export async function smallApp(dataDir: string, config: Partial<Config> = {}): Promise<FastifyInstance> {
  const app = await testApp(dataDir, { seed: false, ...config });
  await app.store.upsertRegions(SMALL_TREE);
  await app.reloadRegions();
  return app;
}

/** Test channels are in the inventory since long before any report the tests date back (#18.2). */
export const LONG_AGO = '2000-01-01T00:00:00+08:00';

export const cam = (n: number, region = '139900100') => ({
  id: `1399000000132${String(n).padStart(7, '0')}`,
  name: `测试点${n}`,
  region,
  lon: 114.5 + n / 1000,
  lat: 37.9,
  validFrom: LONG_AGO,
});

/**
 * A suite's app on SMALL_TREE in its own temp folder: built before the suite (then `setup`, if
 * any), closed and removed after it. `use` receives the app for the suite's tests.
 */
export function useSmallApp(
  use: (app: FastifyInstance) => void,
  config: Partial<Config> = {},
  setup?: (app: FastifyInstance) => Promise<unknown>,
): void {
  const t = tmpDir();
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    app = await smallApp(t.dir, config);
    use(app);
    if (setup) await setup(app);
  });
  afterAll(async () => {
    await app?.close();
    t.cleanup();
  });
}
