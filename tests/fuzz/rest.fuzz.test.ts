// Generated bad input at every REST route: methods × paths × queries × headers × bodies.
// Never a 5xx, never a crash, and a rejected request never changes stored data.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AUTH, cam, smallApp, tmpDir } from '../server/helpers.js';
import { missingBrowser } from '../support/browser.js';
import { prototypeClean, storeDigest } from './digest.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 800);
const ADMIN_KEY = 'fuzz-admin';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const nasty = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  '..',
  '%2e%2e%2f',
  '%00',
  '1e309',
  '-1',
  '9007199254740993',
  'NaN',
  'null',
  '130111',
  '139900100',
  '13990000001320000001',
  'C-1',
  'ffffffffffffffff',
  '\u202e\u0000',
  '线索',
  'a'.repeat(3000),
);
/** Ids and codes that exist, so routes get past their lookups to the deeper checks. */
const known = fc.constantFrom(
  '130111',
  '139900',
  '139900100',
  '13990000001320000001',
  'C-1',
  'W-1',
  'week',
  'half-month',
);
const segment = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.stringMatching(/^[0-9]{1,24}$/));

/** JSON text that is hostile to parsers and schemas. */
const hostileJson = fc.constantFrom(
  '{"__proto__":{"polluted":1,"isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"reports":[{"__proto__":{"x":1},"cameraId":"13990000001320000001","status":"online"}]}',
  '{"cameras":[{"id":"13990000001320000009","name":"x","region":"139900100","lon":1e400,"lat":-1e400}]}',
  '{"reports":{"length":1e9}}',
  '{"status":"verified","at":"9999-99-99T99:99:99Z"}',
  '{"category":"hazard","source":"hotline","region":"139900100","title":"t","reportedAt":"2026-02-30T00:00:00+08:00"}',
  '{"ids":[],"window":{"reason":"x","from":"2026-01-02T00:00:00Z","to":"2026-01-01T00:00:00Z"}}',
  '{"name":"__proto__","scopes":["admin","admin"]}',
  '{"workers":[{"id":"w","name":"n","region":"139900100","onDuty":"yes"}]}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"a":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
  '{"reports":[',
  '\uFEFF{"reports":[]}',
  '',
  'null',
  '[]',
  '"string"',
  '1e999999',
);
/** Bodies shaped like the real ones with hostile values, so they reach the ingest checks. */
const shaped = fc
  .record({
    kind: fc.constantFrom('reports', 'cameras', 'clue', 'patch', 'workers', 'maintenance', 'key'),
    v: fc.oneof(fc.jsonValue({ maxDepth: 2 }), nasty, fc.double(), fc.integer({ min: -1e15, max: 1e15 })),
    w: fc.oneof(
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom('online', 'offline', 'power', 'hazard', 'hotline', 'verified', 'dispatched', 'status', 'admin'),
    ),
  })
  .map(({ kind, v, w }) => {
    switch (kind) {
      case 'reports':
        return JSON.stringify({
          reports: [
            { cameraId: '13990000001320000001', status: w, reason: v, at: v },
            { cameraId: v, status: 'online' },
          ],
        });
      case 'cameras':
        return JSON.stringify({ cameras: [{ id: '13990000001320000001', name: w, region: v, lon: v, lat: 38 }] });
      case 'clue':
        return JSON.stringify({ id: v, category: w, source: 'hotline', region: '139900100', title: v, dueAt: v });
      case 'patch':
        return JSON.stringify({ status: w, note: v, outcome: v, at: v });
      case 'workers':
        return JSON.stringify({ workers: [{ id: v, name: w, region: '139900100', onDuty: v }] });
      case 'maintenance':
        return JSON.stringify({
          ids: ['13990000001320000001', v],
          window: { reason: w, from: v, to: '2026-01-01T00:00:00Z' },
        });
      default:
        return JSON.stringify({ name: v, scopes: [w, v] });
    }
  });
const body = fc.oneof(
  shaped,
  shaped,
  hostileJson,
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.object({ maxDepth: 4, key: fc.oneof(nasty, fc.string({ maxLength: 12 })) }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant(undefined),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'text/csv',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/octet-stream',
  'application/json; charset=utf-16',
  ';;;',
  undefined,
);
const authorization = fc.constantFrom(
  AUTH.authorization,
  AUTH.authorization,
  `Bearer ${ADMIN_KEY}`,
  `Bearer ${ADMIN_KEY}`,
  'Bearer wrong',
  'Basic Zm9vOmJhcg==',
  'Bearer',
  `Bearer zhk_0123456789abcdef_${'A'.repeat(43)}`,
  'x'.repeat(5000),
  undefined,
);
const query = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'limit',
      'cursor',
      'from',
      'to',
      'region',
      'status',
      'category',
      'open',
      'token',
      'period',
      'format',
    ),
    fc.string({ maxLength: 8 }),
  ),
  fc.oneof(nasty, fc.string({ maxLength: 30 })),
  { maxKeys: 4 },
);

describe('REST fuzz', () => {
  let app: FastifyInstance;
  let dir: string;
  let cleanup: () => void;
  let routes: { method: string; path: string }[];
  beforeAll(async () => {
    ({ dir, cleanup } = tmpDir());
    app = await smallApp(dir, { adminKey: ADMIN_KEY, rateLimitWrites: 0, rateLimitAuthFailures: 0 });
    await app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: [cam(1), cam(2)] } });
    await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: AUTH,
      payload: { id: 'C-1', category: 'dispute', source: 'hotline', region: '139900100', title: 't' },
    });
    await app.inject({
      method: 'PUT',
      url: '/api/v1/grid/workers',
      headers: AUTH,
      payload: { workers: [{ id: 'W-1', name: '张三', region: '139900100' }] },
    });
    const doc = (app as unknown as { swagger(): { paths: Record<string, Record<string, unknown>> } }).swagger();
    routes = [];
    for (const [p, ops] of Object.entries(doc.paths))
      for (const m of Object.keys(ops)) routes.push({ method: m.toUpperCase(), path: p });
    routes.push(
      { method: 'GET', path: '/' },
      { method: 'GET', path: '/wall/{x}' },
      { method: 'GET', path: '/meeting/{x}' },
    );
    expect(routes.length).toBeGreaterThan(20);
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  test(`${RUNS} generated requests: no 5xx, a rejected request changes nothing`, async () => {
    const seen = new Map<number, number>();
    const arb = fc.record({
      route: fc.nat(),
      method: fc.oneof(
        { arbitrary: fc.constant(null), weight: 5 },
        { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
      ),
      params: fc.array(fc.oneof({ arbitrary: known, weight: 3 }, { arbitrary: segment, weight: 2 }), {
        minLength: 3,
        maxLength: 3,
      }),
      query,
      body,
      contentType,
      authorization,
      junkPath: fc.oneof(
        { arbitrary: fc.constant(null), weight: 9 },
        { arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }), weight: 1 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const r = routes[c.route % routes.length]!;
        let i = 0;
        const p = c.junkPath
          ? `/api/v1/${c.junkPath.map(encodeURIComponent).join('/')}`
          : r.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(c.params[i++ % 3]!));
        const qs = new URLSearchParams(c.query as Record<string, string>).toString();
        const headers: Record<string, string> = {};
        if (c.contentType !== undefined) headers['content-type'] = c.contentType;
        if (c.authorization !== undefined) headers.authorization = c.authorization;
        const method = c.method ?? r.method;
        const before = await storeDigest(app, dir);
        const res = await app.inject({
          method: method as 'GET',
          url: qs ? `${p}?${qs}` : p,
          headers,
          payload: method === 'GET' || method === 'HEAD' ? undefined : c.body,
        });
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        const what = `${method} ${p.slice(0, 120)}?${qs.slice(0, 120)}`;
        // Without a browser the PDF report says so with 503 PDF_UNAVAILABLE: an answer, not a crash.
        const noBrowser = missingBrowser() !== null && res.statusCode === 503 && res.body.includes('"PDF_UNAVAILABLE"');
        if (!noBrowser) expect(res.statusCode, `${what} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
        if (res.statusCode >= 400 && method !== 'HEAD') {
          const json = res.json() as { error?: { code?: unknown }; code?: unknown };
          // Fastify answers a bad URL or an over-long path parameter (400/414) before any hook or
          // handler, in its own shape; app.ts can route those through ours with `frameworkErrors`.
          const code =
            json.error?.code ??
            (typeof json.code === 'string' && json.code.startsWith('FST_ERR_') ? json.code : undefined);
          expect(code, what).toEqual(expect.any(String));
          expect(await storeDigest(app, dir), `${what} was rejected (${res.statusCode}) but changed the store`).toBe(
            before,
          );
        }
        expect(prototypeClean()).toBe(true);
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20260101) },
    );
    console.log(`[rest fuzz] statuses: ${JSON.stringify(Object.fromEntries([...seen].sort((a, b) => a[0] - b[0])))}`);
    // The run exercised both sides: rejections and successes.
    expect([...seen.keys()].some((s) => s >= 400)).toBe(true);
    expect([...seen.keys()].some((s) => s < 300)).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  test('valid-looking writes with one hostile field are rejected and change nothing', async () => {
    const before = await storeDigest(app, dir);
    const hostile = [
      {
        url: '/api/v1/clues',
        method: 'POST',
        payload: '{"category":"hazard","source":"hotline","region":"139900100","title":"t","__proto__":{"polluted":1}}',
      },
      {
        url: '/api/v1/clues',
        method: 'POST',
        payload: '{"category":"hazard","source":"hotline","region":"139900100","title":"t","lon":1e400,"lat":1}',
      },
      { url: '/api/v1/clues/C-1', method: 'PATCH', payload: '{"status":"closed"}' },
      {
        url: '/api/v1/cameras',
        method: 'PUT',
        payload: '{"cameras":[{"id":"13990000001320000009","name":"x","region":"139900100","lon":200,"lat":1}]}',
      },
      {
        url: '/api/v1/grid/workers/W-1/duty',
        method: 'PUT',
        payload: '{"onDuty":"true","constructor":{"prototype":{"polluted":1}}}',
      },
    ];
    for (const h of hostile) {
      const res = await app.inject({
        method: h.method as 'POST',
        url: h.url,
        headers: { ...AUTH, 'content-type': 'application/json' },
        payload: h.payload,
      });
      expect(res.statusCode, `${h.method} ${h.url}: ${res.body}`).toBeLessThan(500);
      // A batch answers 200 listing its rejected rows; anything else is a 4xx.
      if (res.statusCode === 200) expect(res.json()).toMatchObject({ upserted: 0, rejected: [{ index: 0 }] });
      else expect(res.statusCode).toBeGreaterThanOrEqual(400);
    }
    expect(await storeDigest(app, dir)).toBe(before);
    expect(prototypeClean()).toBe(true);
  });
});
