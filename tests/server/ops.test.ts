import { mkdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { seedShiftMs } from '../../server/src/store/seed.js';
import { AUTH, cam, smallApp, testApp, tmpDir, useSmallApp } from './helpers.js';

describe('errors, docs, metrics, health', () => {
  let app: FastifyInstance;
  useSmallApp(
    (a) => (app = a),
    {},
    (a) => a.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [cam(1)] } }),
  );

  test('unknown routes are 404 with the error shape', async () => {
    for (const url of ['/api/v1/nothing', '/api/v2/clues', '/nope']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
  });

  test('healthz says the store is reachable', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      store: { kind: 'sqlite', reachable: true },
      version: expect.any(String),
    });
  });

  test('the OpenAPI document covers every API route with params/query/body and responses per status', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      paths: Record<
        string,
        Record<
          string,
          { responses: Record<string, unknown>; requestBody?: unknown; parameters?: { name: string; in: string }[] }
        >
      >;
    };
    const expected: [string, string][] = [
      ['put', '/api/v1/cameras'],
      ['put', '/api/v1/cameras/maintenance'],
      ['post', '/api/v1/cameras/status'],
      ['get', '/api/v1/regions/{code}/cameras'],
      ['post', '/api/v1/clues'],
      ['patch', '/api/v1/clues/{id}'],
      ['get', '/api/v1/clues'],
      ['get', '/api/v1/clues/{id}'],
      ['put', '/api/v1/grid/workers'],
      ['post', '/api/v1/grid/reports'],
      ['put', '/api/v1/grid/workers/{id}/duty'],
      ['get', '/api/v1/regions'],
      ['get', '/api/v1/regions/{code}/summary'],
      ['get', '/healthz'],
    ];
    for (const [method, p] of expected) {
      const op = doc.paths[p]?.[method];
      expect(op, `${method} ${p}`).toBeDefined();
      expect(
        Object.keys(op!.responses).some((s) => s.startsWith('2')),
        `${method} ${p}`,
      ).toBe(true);
      if (method !== 'get') {
        expect(op!.requestBody, `${method} ${p}`).toBeDefined();
        expect(op!.responses['401'], `${method} ${p}`).toBeDefined();
        expect(op!.responses['400'], `${method} ${p}`).toBeDefined();
      }
    }
    expect(doc.paths['/api/v1/clues']!.get!.parameters!.map((x) => x.name)).toEqual(
      expect.arrayContaining(['region', 'status', 'category', 'from', 'to', 'cursor', 'limit']),
    );
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\/(unpkg|cdn|fonts)/);
  });

  test('/metrics is Prometheus text with ingest counts, rejects by code, store latency and registered gauges', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: {
        reports: [
          { cameraId: cam(1).id, status: 'online' },
          { cameraId: 'none', status: 'online' },
        ],
      },
    });
    app.metrics.gauge('zhihui_sockets_connected', () => 3, 'Connected sockets');
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^zhihui_ingest_reports_total\{result="accepted"\} 1$/m);
    expect(res.body).toMatch(/^zhihui_ingest_reports_total\{result="rejected"\} 1$/m);
    expect(res.body).toMatch(/^zhihui_ingest_rejects_total\{code="UNKNOWN_CAMERA",kind="status"\} 1$/m);
    expect(res.body).toMatch(/^zhihui_store_seconds_count\{op="applyStatus"\} [1-9]/m);
    expect(res.body).toMatch(/^zhihui_store_seconds_bucket\{op="applyStatus",le="\+Inf"\} [1-9]/m);
    expect(res.body).toMatch(/^# TYPE zhihui_sockets_connected gauge\nzhihui_sockets_connected 3$/m);
  });

  test('never a 5xx for bad input: arbitrary bodies on every write route answer 2xx or 4xx with the error shape', async () => {
    const routes: [string, string][] = [
      ['PUT', '/api/v1/cameras'],
      ['PUT', '/api/v1/cameras/maintenance'],
      ['POST', '/api/v1/cameras/status'],
      ['POST', '/api/v1/clues'],
      ['PATCH', '/api/v1/clues/x'],
      ['PUT', '/api/v1/grid/workers'],
      ['POST', '/api/v1/grid/reports'],
      ['PUT', '/api/v1/grid/workers/x/duty'],
    ];
    const item = fc.oneof(
      fc.anything(),
      fc.record(
        {
          cameraId: fc.oneof(fc.constant(cam(1).id), fc.string()),
          status: fc.oneof(fc.constantFrom('online', 'offline'), fc.anything()),
          at: fc.oneof(
            fc.string(),
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    const body = fc.oneof(
      fc.anything(),
      fc.record(
        {
          reports: fc.array(item, { maxLength: 5 }),
          cameras: fc.array(fc.anything(), { maxLength: 3 }),
          workers: fc.array(fc.anything(), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          category: fc.string(),
          source: fc.string(),
          region: fc.string(),
          title: fc.string(),
          status: fc.string(),
          ids: fc.array(fc.string()),
          window: fc.anything(),
          workerId: fc.string(),
          text: fc.string(),
          onDuty: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, url], payload) => {
        const res = await app.inject({
          method: method as 'PUT',
          url,
          headers: { ...AUTH, 'content-type': 'application/json' },
          payload: JSON.stringify(payload) ?? 'null',
        });
        if (res.statusCode >= 500)
          throw new Error(`${method} ${url} ${JSON.stringify(payload)} → ${res.statusCode} ${res.body}`);
        if (res.statusCode >= 400) expect(res.json().error.code).toEqual(expect.any(String));
      }),
      { numRuns: 150 },
    );
    const raw = ['{', '[1,', 'nul', '"\\u12"', '{"reports": [}]}'];
    for (const payload of raw) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/cameras/status',
        headers: { ...AUTH, 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('BAD_JSON');
    }
  });
});

describe('static client', () => {
  const t = tmpDir();
  afterAll(() => t.cleanup());

  test('serves the built client: / redirects to the wall, SPA routes get index.html, .mjs is JavaScript, hashed assets cache long', async () => {
    const client = path.join(t.dir, 'client');
    mkdirSync(path.join(client, 'assets'), { recursive: true });
    writeFileSync(path.join(client, 'index.html'), '<!doctype html><title>wall</title>');
    writeFileSync(path.join(client, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(client, 'assets', 'worker-abc.mjs'), 'export {}');
    const app = await smallApp(path.join(t.dir, 'data'), { clientDir: client, region: '139900' });
    try {
      const root = await app.inject({ method: 'GET', url: '/' });
      expect(root.statusCode).toBe(302);
      expect(root.headers.location).toBe('/wall/139900');
      for (const url of ['/wall/139900', '/meeting/139900100/x']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(200);
        expect(res.body).toContain('<title>wall</title>');
        expect(res.headers['cache-control']).toBe('no-cache');
      }
      const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
      expect(js.statusCode).toBe(200);
      expect(js.headers['cache-control']).toMatch(/max-age=31536000, immutable/);
      const mjs = await app.inject({ method: 'GET', url: '/assets/worker-abc.mjs' });
      expect(mjs.headers['content-type']).toMatch(/^text\/javascript/);
      const missing = await app.inject({ method: 'GET', url: '/assets/nope.js' });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('NOT_FOUND');
      const api = await app.inject({ method: 'GET', url: '/api/v1/regions' });
      expect(api.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  test('precompressed twins are sent by Accept-Encoding (brotli first, then gzip, else plain), with Vary and the headers of the file they stand for', async () => {
    const client = path.join(t.dir, 'client-z');
    mkdirSync(path.join(client, 'assets'), { recursive: true });
    writeFileSync(path.join(client, 'index.html'), '<!doctype html><title>wall</title>');
    const plain = 'console.log("plain");'.repeat(100);
    const js = path.join(client, 'assets', 'maplibre-abc123.js');
    writeFileSync(js, plain);
    writeFileSync(`${js}.br`, brotliCompressSync(plain));
    writeFileSync(`${js}.gz`, gzipSync(plain));
    const worker = path.join(client, 'assets', 'worker-abc.mjs');
    writeFileSync(worker, 'export {};'.repeat(200));
    writeFileSync(`${worker}.br`, brotliCompressSync('export {};'.repeat(200)));
    const app = await smallApp(path.join(t.dir, 'data-z'), { clientDir: client, region: '139900' });
    try {
      const get = (url: string, enc?: string) =>
        app.inject({ method: 'GET', url, headers: enc === undefined ? {} : { 'accept-encoding': enc } });
      const br = await get('/assets/maplibre-abc123.js', 'gzip, deflate, br');
      expect(br.statusCode).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain);
      expect(br.rawPayload.length).toBeLessThan(plain.length / 5);
      expect(br.headers['content-type']).toMatch(/javascript/);
      expect(br.headers['cache-control']).toMatch(/max-age=31536000, immutable/);
      expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
      const gz = await get('/assets/maplibre-abc123.js', 'gzip');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).toString()).toBe(plain);
      const none = await get('/assets/maplibre-abc123.js', 'identity');
      expect(none.headers['content-encoding']).toBeUndefined();
      expect(none.body).toBe(plain);
      expect(String(none.headers.vary)).toMatch(/accept-encoding/i);
      const w = await get('/assets/worker-abc.mjs', 'br');
      expect(w.headers['content-encoding']).toBe('br');
      // Both are JavaScript MIME types, which is what a module worker needs.
      expect(w.headers['content-type']).toMatch(/^(text|application)\/javascript/);
      const page = await get('/wall/139900', 'br, gzip');
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-cache');
    } finally {
      await app.close();
    }
  });

  test('without a built client the API runs and pages say so', async () => {
    const app = await smallApp(path.join(t.dir, 'data2'), { clientDir: path.join(t.dir, 'absent') });
    try {
      expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(302);
      const wall = await app.inject({ method: 'GET', url: '/wall/130111' });
      expect(wall.statusCode).toBe(503);
      expect(wall.body).toMatch(/not built/);
    } finally {
      await app.close();
    }
  });
});

describe('restart and seeding', () => {
  test('everything acknowledged before a restart is there after it', async () => {
    const t = tmpDir();
    try {
      const a = await smallApp(t.dir);
      await a.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [cam(1), cam(2)] } });
      const st = await a.inject({
        method: 'POST',
        url: '/api/v1/cameras/status',
        headers: AUTH,
        payload: { reports: [{ cameraId: cam(1).id, status: 'offline', reason: 'power' }] },
      });
      expect(st.json().accepted).toBe(1);
      await a.inject({
        method: 'POST',
        url: '/api/v1/clues',
        headers: AUTH,
        payload: { id: 'R-1', category: 'dispute', source: 'hotline', region: '139900100', title: 't' },
      });
      await a.inject({
        method: 'PATCH',
        url: '/api/v1/clues/R-1',
        headers: AUTH,
        payload: { status: 'verified', note: 'n' },
      });
      await a.inject({
        method: 'PUT',
        url: '/api/v1/grid/workers',
        headers: AUTH,
        payload: { workers: [{ id: 'W1', name: '张三', region: '139900100', onDuty: true }] },
      });
      await a.close();

      const b = await testApp(t.dir); // seed on, but the store is not empty: nothing is re-seeded
      try {
        expect(b.regions.byCode.has('139900')).toBe(true);
        expect(b.regions.byCode.has('130111')).toBe(false);
        const cams = (await b.inject({ method: 'GET', url: '/api/v1/regions/139900/cameras' })).json().items;
        expect(
          cams.map((c: { id: string; status: string; reason: string | null }) => [c.id, c.status, c.reason]),
        ).toEqual([
          [cam(1).id, 'offline', 'power'],
          [cam(2).id, 'unknown', null],
        ]);
        const clue = (await b.inject({ method: 'GET', url: '/api/v1/clues/R-1' })).json();
        expect(clue.status).toBe('verified');
        expect(clue.history.map((h: { to: string; note: string | null }) => [h.to, h.note])).toEqual([
          ['reported', null],
          ['verified', 'n'],
        ]);
        expect((await b.inject({ method: 'GET', url: '/api/v1/grid/workers' })).json().items).toHaveLength(1);
        // Status keeps flowing on the same history.
        const again = await b.inject({
          method: 'POST',
          url: '/api/v1/cameras/status',
          headers: AUTH,
          payload: { reports: [{ cameraId: cam(1).id, status: 'online' }] },
        });
        expect(again.json().accepted).toBe(1);
        const ev = await b.store.statusEvents({
          from: '2000-01-01T00:00:00+08:00',
          to: '2100-01-01T00:00:00+08:00',
          cameraIds: [cam(1).id],
        });
        expect(ev.map((e) => `${e.from}>${e.to}`)).toEqual(['unknown>offline', 'offline>online']);
      } finally {
        await b.close();
      }
    } finally {
      t.cleanup();
    }
  });

  test('seeding shifts by whole days so the anchor is the start of today in Shanghai', () => {
    const anchor = '2026-07-01T00:00:00+08:00';
    const now = Date.parse('2026-11-27T09:15:00+08:00');
    const shift = seedShiftMs(anchor, now);
    expect(shift % 86400_000).toBe(0);
    expect(Date.parse(anchor) + shift).toBe(Date.parse('2026-11-27T00:00:00+08:00'));
    // Just after midnight Shanghai (still the previous day in UTC) it is still today's start.
    expect(Date.parse(anchor) + seedShiftMs(anchor, Date.parse('2026-11-27T00:05:00+08:00'))).toBe(
      Date.parse('2026-11-27T00:00:00+08:00'),
    );
  });

  test('a store seeded with the today anchor has the fixture history moved to end today', async () => {
    const t = tmpDir();
    try {
      const app = await testApp(t.dir, { seedAnchor: 'today' });
      try {
        const cams = await app.store.allCameras();
        expect(cams.length).toBeGreaterThan(1000);
        const lastSeen = Date.parse(cams[0]!.lastSeen!);
        const today = new Date(lastSeen + 8 * 3600_000).toISOString();
        expect(today.slice(11, 19)).toBe('00:00:00');
        expect(Math.abs(lastSeen - Date.now())).toBeLessThan(86400_000 + 3600_000);
      } finally {
        await app.close();
      }
    } finally {
      t.cleanup();
    }
  });
});
