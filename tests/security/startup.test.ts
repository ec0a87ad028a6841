// Issue 17 item 5: no demo key in production, a demo key never administers, and no secret is
// printed outside the first start of a development server. The BUILT server, as `npm start` runs it.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../server/src/config/env.js';
import { missingServerBuild, spawnServer } from '../reliability/proc.js';

const skip = missingServerBuild();
const post = (url: string, key: string, body: object, method = 'POST') =>
  fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the demo key', () => {
  test('configuration: production never has a demo key; development has one, as a writer', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ apiKeys: [], demoKey: false, production: true });
    const dev = loadConfig({ DEMO_KEY: 'demo-abc' });
    expect(dev).toMatchObject({ demoKey: true, apiKeys: [{ name: 'demo', key: 'demo-abc' }] });
    expect(loadConfig({ API_KEYS: 'p:k1', NODE_ENV: 'production' }).apiKeys).toEqual([{ name: 'p', key: 'k1' }]);
  });

  test.skipIf(skip !== null)(
    'development: the first start prints the key once and keeps it in DATA_DIR; later starts name the file; it writes but does not administer',
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'zhihui-demo-'));
      const env = { API_KEYS: '', SEED: 'off', LOG_LEVEL: 'warn' };
      const server = await spawnServer({ dataDir, env });
      try {
        await server.waitForOutput('Demo write key');
        const file = path.join(dataDir, 'demo-key');
        const key = (await readFile(file, 'utf8')).trim();
        expect(key).toMatch(/^demo-[A-Za-z0-9_-]{16}$/);
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        expect(server.log()).toContain(key);
        expect(
          (
            await post(`${server.url}/api/v1/cameras/status`, key, {
              reports: [{ cameraId: '13011100001310000001', status: 'online' }],
            })
          ).status,
        ).toBe(200);
        const admin = await fetch(`${server.url}/api/v1/admin/keys`, { headers: { authorization: `Bearer ${key}` } });
        expect(admin.status).toBe(403);

        await server.kill('SIGTERM');
        await server.start();
        await server.waitForOutput('Demo write key');
        expect(server.log()).not.toContain(key);
        expect(server.log()).toContain('demo-key');
        expect(
          (
            await post(`${server.url}/api/v1/cameras/status`, key, {
              reports: [{ cameraId: '13011100001310000001', status: 'online' }],
            })
          ).status,
        ).toBe(200);
      } finally {
        await server.kill('SIGTERM');
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );

  test.skipIf(skip !== null)(
    'production without API_KEYS: starts without a demo key, prints no secret, says why writes are refused',
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'zhihui-prod-'));
      const server = await spawnServer({
        dataDir,
        env: { API_KEYS: '', NODE_ENV: 'production', SEED: 'off', LOG_LEVEL: 'warn' },
      });
      try {
        await server.waitForOutput('NODE_ENV=production without API_KEYS');
        expect(server.log()).not.toMatch(/demo-[A-Za-z0-9_-]{8}/);
        expect(existsSync(path.join(dataDir, 'demo-key'))).toBe(false);
        expect((await post(`${server.url}/api/v1/cameras/status`, 'demo-anything', { reports: [] })).status).toBe(401);
        expect((await fetch(`${server.url}/api/v1/admin/keys`)).status).toBe(401);
      } finally {
        await server.kill('SIGTERM');
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  );
});
