// Issue 17 items 10 and 14: secrets in URLs are masked in logs however the name is encoded;
// source maps are never shipped nor served; /metrics can be closed by a setting.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { maskSecrets } from '../../server/src/app.js';
import { ROOT } from '../reliability/proc.js';
import { smallApp, tmpDir } from '../server/helpers.js';

describe('secrets in URLs', () => {
  test('masked after decoding the parameter name, as the query parser reads it', () => {
    expect(maskSecrets('/wall/130111?%74oken=zhv_abc')).toBe('/wall/130111?%74oken=***');
    expect(maskSecrets('/wall/130111?lang=en&T%4FKEN=s3cret#x')).toBe('/wall/130111?lang=en&T%4FKEN=***#x');
    expect(maskSecrets('/x?%6bey=abc&access%5Ftoken=def')).toBe('/x?%6bey=***&access%5Ftoken=***');
    expect(maskSecrets('/x?token=a&token=b')).toBe('/x?token=***&token=***');
    expect(maskSecrets('/x?tokens=1&%zz=2')).toBe('/x?tokens=1&%zz=2');
  });
});

describe('/metrics behind a setting', () => {
  test('METRICS=key: a key with the metrics scope (or an API_KEYS key) reads it, a viewer token or nothing does not; METRICS=off: not served', async () => {
    const t = tmpDir();
    const app = await smallApp(t.dir, { metricsAccess: 'key', adminKey: 'admin-secret' });
    try {
      expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect(
        (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer k' } })).statusCode,
      ).toBe(200);
      const scraper = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/keys',
        headers: { authorization: 'Bearer admin-secret' },
        payload: { name: 'prometheus', scopes: ['metrics'] },
      });
      const key = scraper.json().key as string;
      const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${key}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('zhihui_process_heap_used_bytes');
      // The scraper's key writes nothing.
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/cameras/status',
            headers: { authorization: `Bearer ${key}` },
            payload: { reports: [{ cameraId: '13990000001320000001', status: 'online' }] },
          })
        ).statusCode,
      ).toBe(403);
      const viewer = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/viewer-tokens',
        headers: { authorization: 'Bearer admin-secret' },
        payload: { name: 'wall' },
      });
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/metrics',
            headers: { authorization: `Bearer ${viewer.json().token}` },
          })
        ).statusCode,
      ).toBe(403);
    } finally {
      await app.close();
      t.cleanup();
    }
    const t2 = tmpDir();
    const off = await smallApp(t2.dir, { metricsAccess: 'off' });
    try {
      expect((await off.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    } finally {
      await off.close();
      t2.cleanup();
    }
    const t3 = tmpDir();
    const open = await smallApp(t3.dir);
    try {
      expect((await open.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await open.close();
      t3.cleanup();
    }
  });
});

describe('source maps', () => {
  test('the server never serves a .map file, even one a build left in the client folder', async () => {
    const t = tmpDir();
    const client = path.join(t.dir, 'client');
    mkdirSync(path.join(client, 'assets'), { recursive: true });
    writeFileSync(path.join(client, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(path.join(client, 'assets', 'app-1.js'), 'console.log(1)\n//# sourceMappingURL=app-1.js.map');
    writeFileSync(
      path.join(client, 'assets', 'app-1.js.map'),
      '{"sources":["secret.ts"],"sourcesContent":["const secret = 1"]}',
    );
    const app = await smallApp(path.join(t.dir, 'data'), { clientDir: client });
    try {
      expect((await app.inject({ method: 'GET', url: '/assets/app-1.js' })).statusCode).toBe(200);
      const map = await app.inject({ method: 'GET', url: '/assets/app-1.js.map' });
      expect(map.statusCode).toBe(404);
      expect(map.body).not.toContain('sourcesContent');
    } finally {
      await app.close();
      t.cleanup();
    }
  });

  const dist = path.join(ROOT, 'client/dist');
  test.skipIf(!existsSync(path.join(dist, 'index.html')))(
    'the production client build has no source maps; what points at one points at nothing shipped',
    () => {
      const files = readdirSync(path.join(dist, 'assets'));
      expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
      for (const f of files.filter((x) => /\.(m?js|css)$/.test(x))) {
        const text = readFileSync(path.join(dist, 'assets', f), 'utf8');
        // Our own chunks carry no reference; a library file copied as it is (maplibre's worker) may name a map that is not there.
        for (const m of text.matchAll(/sourceMappingURL=(\S+)/g))
          expect(existsSync(path.join(dist, 'assets', m[1]!)), `${f} → ${m[1]}`).toBe(false);
      }
    },
  );
});
