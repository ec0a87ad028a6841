import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/src/app.js';
import type { Config } from '../../server/src/config/env.js';

export const KEY = 'k';
export const AUTH = { authorization: `Bearer ${KEY}` };
/** The admin key of these apps (API_KEYS holds only writers). */
export const ADMIN = { authorization: 'Bearer admin-key' };

/**
 * An app on the demo fixtures (栾城区 130111 and its townships) with a config file holding `yaml`,
 * in its own temp folder. No simulator: figures change only when the test changes them.
 */
export async function notifyApp(
  yaml: string,
  config: Partial<Config> = {},
): Promise<{ app: FastifyInstance; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-notify-'));
  const file = path.join(dir, 'zhihui.yaml');
  writeFileSync(file, yaml);
  const app = await buildApp({
    logger: false,
    env: { ZHIHUI_CONFIG: file },
    config: {
      dataDir: dir,
      simulator: false,
      seedAnchor: 'today',
      apiKeys: [{ name: 'test', key: KEY }],
      adminKey: 'admin-key',
      demoKey: false,
      ...config,
    },
  });
  return {
    app,
    cleanup: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until `cond` holds (polling), or fails with `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
