import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { MAX_STATUS_BATCH } from '@zhihui/shared';
import { loadConfig } from '../../server/src/config/env.js';
import { AUTH, cam, smallApp, tmpDir } from '../server/helpers.js';
import { openSocket, startServer, subscribe, type TestServer } from '../stream/helpers.js';
import { CHROMIUM as chromium, skipWithoutBrowser } from '../support/browser.js';

function csp(header: unknown): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of String(header).split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) m.set(name, values);
  }
  return m;
}

describe('security headers and CSP', () => {
  let app: FastifyInstance;
  let cleanup: () => void;
  beforeAll(async () => {
    const t = tmpDir();
    cleanup = t.cleanup;
    app = await smallApp(t.dir);
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  test('every response carries a CSP that allows no outside origin, only what the wall needs', async () => {
    for (const url of ['/wall/139900', '/api/v1/regions', '/docs', '/healthz']) {
      const r = await app.inject({ method: 'GET', url });
      const d = csp(r.headers['content-security-policy']);
      expect(d.get('default-src'), url).toEqual(["'self'"]);
      expect(d.get('script-src')).toEqual(["'self'"]);
      // 'self' covers the socket's own ws:/wss:; bare ws: or wss: would allow any host.
      expect(d.get('connect-src')).toEqual(["'self'"]);
      expect(d.get('worker-src')).toEqual(["'self'", 'blob:']);
      expect(d.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
      expect(d.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
      expect(d.get('object-src')).toEqual(["'none'"]);
      expect(d.has('upgrade-insecure-requests')).toBe(false);
      for (const [, values] of d) for (const v of values) expect(v, `${url}: ${v}`).not.toMatch(/^(https?:|\*)/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['strict-transport-security']).toBeUndefined();
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  test('/docs (swagger-ui) still works behind the CSP', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    const html =
      page.statusCode === 302
        ? await app.inject({ method: 'GET', url: String(page.headers.location).replace(/^\.\//, '/docs/') })
        : page;
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('swagger-initializer.js');
    expect(html.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect((await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })).statusCode).toBe(200);
    const doc = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toContain('/api/v1/admin/keys');
  });

  test('an intranet tile server is added to img-src and connect-src, nothing else', async () => {
    const t = tmpDir();
    const a = await smallApp(t.dir, { tileUrl: 'http://tiles.intranet:8081/osm/{z}/{x}/{y}.png' });
    try {
      const d = csp((await a.inject({ method: 'GET', url: '/wall/139900' })).headers['content-security-policy']);
      expect(d.get('img-src')).toContain('http://tiles.intranet:8081');
      expect(d.get('connect-src')).toContain('http://tiles.intranet:8081');
      expect(d.get('script-src')).toEqual(["'self'"]);
    } finally {
      await a.close();
      t.cleanup();
    }
  });

  test('CORS is off by default and on only for CORS_ORIGINS', async () => {
    const pre = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/clues',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const t = tmpDir();
    const a = await smallApp(t.dir, { corsOrigins: ['http://portal.intranet'] });
    try {
      const ok = await a.inject({
        method: 'OPTIONS',
        url: '/api/v1/clues',
        headers: { origin: 'http://portal.intranet', 'access-control-request-method': 'POST' },
      });
      expect(ok.statusCode).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe('http://portal.intranet');
      expect(ok.headers['access-control-allow-methods']).toContain('POST');
      const get = await a.inject({
        method: 'GET',
        url: '/api/v1/regions',
        headers: { origin: 'http://portal.intranet' },
      });
      expect(get.headers['access-control-allow-origin']).toBe('http://portal.intranet');
      const other = await a.inject({
        method: 'GET',
        url: '/api/v1/regions',
        headers: { origin: 'http://evil.example' },
      });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await a.close();
      t.cleanup();
    }
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });

  test('listens on 127.0.0.1 unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });
});

describe('rate limits', () => {
  test('writes are limited per client: the next write is 429 RATE_LIMITED with retry-after; reads are not', async () => {
    const t = tmpDir();
    const app = await smallApp(t.dir, { rateLimitWrites: 3 });
    const payload = { reports: [{ cameraId: cam(1).id, status: 'online' }] };
    try {
      for (let i = 0; i < 3; i++)
        expect(
          (await app.inject({ method: 'POST', url: '/api/v1/cameras/status', headers: AUTH, payload })).statusCode,
        ).toBe(200);
      const r = await app.inject({ method: 'POST', url: '/api/v1/cameras/status', headers: AUTH, payload });
      expect(r.statusCode).toBe(429);
      expect(r.json().error.code).toBe('RATE_LIMITED');
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      for (let i = 0; i < 10; i++)
        expect((await app.inject({ method: 'GET', url: '/api/v1/regions' })).statusCode).toBe(200);
    } finally {
      await app.close();
      t.cleanup();
    }
  });

  test('failed authentication never locks out a valid key: past the free failures only the failing answers wait', async () => {
    const t = tmpDir();
    const app = await smallApp(t.dir, { rateLimitAuthFailures: 3 });
    const post = (key: string, ip: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/cameras/status',
        headers: { authorization: `Bearer ${key}` },
        remoteAddress: ip,
        payload: { reports: [{ cameraId: cam(1).id, status: 'online' }] },
      });
    try {
      for (let i = 0; i < 3; i++) expect((await post(`guess-${i}`, '10.0.0.9')).statusCode).toBe(401);
      // The same address, the right key: answered, not refused.
      expect((await post('k', '10.0.0.9')).statusCode).toBe(200);
      // The next wrong one waits before its 401 (a lower bound: the delay cannot be shorter).
      const t0 = performance.now();
      expect((await post('guess-x', '10.0.0.9')).statusCode).toBe(401);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(200);
      expect((await post('k', '10.0.0.9')).statusCode).toBe(200);
    } finally {
      await app.close();
      t.cleanup();
    }
  });
});

describe('body, batch and socket payload limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  test('a body over 4 MB is 413 PAYLOAD_TOO_LARGE; a batch over the limit is 400 naming reports; nothing is stored', async () => {
    const before = await server.app.store.statusEvents({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });
    const id = (await server.app.store.allCameras())[0]!.id;
    const big = await server.app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: JSON.stringify({
        reports: [{ cameraId: id, status: 'offline', reason: 'x'.repeat(4.2 * 1024 * 1024) }],
      }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const many = Array.from({ length: MAX_STATUS_BATCH + 1 }, () => ({ cameraId: id, status: 'offline' }));
    const r = await server.app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: { reports: many },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toMatch(/reports/);
    const after = await server.app.store.statusEvents({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });
    expect(after.length).toBe(before.length);
  });

  test('socket: junk subscribe payloads are acked VALIDATION_ERROR; an oversized packet closes only that socket', async () => {
    const s = await openSocket(server.url);
    for (const junk of [null, 42, 'x', { region: 7 }, { region: '1'.repeat(5000) }, []]) {
      const ack = await subscribe(s, junk);
      expect(ack.ok, JSON.stringify(junk)).toBe(false);
      if (!ack.ok) expect(['VALIDATION_ERROR', 'UNKNOWN_REGION']).toContain(ack.error.code);
    }
    const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
    s.emit('subscribe', { region: 'x'.repeat(100 * 1024) } as never, () => {});
    expect(await closed).toMatch(/transport (close|error)|io server disconnect/);
    const s2 = await openSocket(server.url);
    const ok = await subscribe(s2, { region: '130111' });
    expect(ok.ok).toBe(true);
    s2.close();
  });
});

describe('docs page in a browser', () => {
  test.skipIf(skipWithoutBrowser('swagger-ui in Chromium'))('swagger-ui renders with no CSP violation', async () => {
    const { chromium: pw } = await import('playwright-core');
    const server = await startServer();
    const browser = await pw.launch({
      executablePath: chromium,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`${server.url}/docs`);
      await page.waitForSelector('.opblock-tag', { timeout: 30_000 });
      expect(await page.locator('.opblock-tag').count()).toBeGreaterThan(3);
      expect(errors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
