// Issue 17 items 7, 8 and 16: slow requests are cut, connections capped, the PDF queue bounded
// (503 with retry-after) with identical reports rendered once, and what Node's HTTP parser
// refuses (a URL too long, a request too slow) leaves in the one error shape.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { PdfRenderer } from '../../server/src/domain/report/pdf.js';
import { smallApp, tmpDir } from '../server/helpers.js';
import { CHROMIUM as chromium, skipWithoutBrowser } from '../support/browser.js';

/** Sends raw bytes and collects what comes back until the server closes the connection. */
function raw(
  port: number,
  chunks: string[],
  opts: { gapMs?: number; timeoutMs?: number } = {},
): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`connection still open after ${opts.timeoutMs ?? 20_000} ms; got: ${text.slice(0, 200)}`));
    }, opts.timeoutMs ?? 20_000);
    s.on('data', (d) => (text += d.toString('utf8')));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: performance.now() - t0 });
    });
    s.on('connect', async () => {
      for (const c of chunks) {
        if (s.destroyed) return;
        s.write(c);
        if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
    });
  });
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
const bodyOf = (text: string) =>
  JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };

describe('request timeout, connection cap, parser errors', () => {
  let app: FastifyInstance;
  let port: number;
  let cleanup: () => void;
  beforeAll(async () => {
    const t = tmpDir();
    cleanup = t.cleanup;
    app = await smallApp(t.dir, { requestTimeoutMs: 1500, maxConnections: 6 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  test('a body dripping in is cut with 408 in the error shape, not kept open', async () => {
    const head =
      'POST /api/v1/clues HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n';
    const r = await raw(port, [head, '{', '"', 'c'], { gapMs: 1000 });
    expect(statusOf(r.text)).toBe(408);
    expect(bodyOf(r.text).error.code).toBe('REQUEST_TIMEOUT');
    // Headers that never end are cut the same way.
    const h = await raw(port, ['GET /healthz HTTP/1.1\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n', 'X-C: 3\r\n'], { gapMs: 1000 });
    expect(statusOf(h.text)).toBe(408);
  });

  test('an over-long URL is 431 in the one error shape', async () => {
    const r = await raw(port, [`GET /api/v1/regions?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    expect(statusOf(r.text)).toBe(431);
    expect(r.text).toMatch(/content-type: application\/json/i);
    expect(bodyOf(r.text).error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('URL') });
    const junk = await raw(port, ['NOT HTTP AT ALL\r\n\r\n']);
    expect(statusOf(junk.text)).toBe(400);
    expect(bodyOf(junk.text).error.code).toBe('VALIDATION_ERROR');
  });

  test('past the connection cap new connections are closed at once; below it the server answers', async () => {
    const held: net.Socket[] = [];
    for (let i = 0; i < 6; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      await new Promise((r) => s.once('connect', r));
      held.push(s);
    }
    await new Promise((r) => setTimeout(r, 100));
    const refused = await raw(port, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], { timeoutMs: 5000 });
    expect(refused.text).toBe('');
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(ok.status).toBe(200);
  });
});

describe.skipIf(skipWithoutBrowser('PDF queue and cache'))('PDF queue and cache', () => {
  test('identical reports are rendered once and then served from the cache; past the queue a request is refused with 503 and retry-after', async () => {
    const pdf = new PdfRenderer({ executablePath: chromium, concurrency: 1, maxQueue: 2, cacheMs: 60_000 });
    try {
      let builds = 0;
      const html = (label: string) => async () => {
        builds++;
        return `<!doctype html><meta charset="utf-8"><p>报告 ${label}</p>`;
      };
      const same = await Promise.all(Array.from({ length: 10 }, () => pdf.renderReport('130111|last_week', html('A'))));
      expect(builds).toBe(1);
      expect(new Set(same).size).toBe(1);
      expect(same[0]!.subarray(0, 5).toString()).toBe('%PDF-');
      await pdf.renderReport('130111|last_week', html('A'));
      expect(builds).toBe(1);

      // Distinct reports: one rendering, two waiting, the rest refused at once.
      const many = await Promise.allSettled(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => pdf.renderReport(k, html(k))));
      const refused = many
        .filter((r) => r.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason as { statusCode: number; retryAfterSec?: number });
      expect(many.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      expect(refused).toHaveLength(3);
      for (const e of refused) {
        expect(e.statusCode).toBe(503);
        expect(e.retryAfterSec).toBeGreaterThan(0);
      }
    } finally {
      await pdf.close();
    }
  });

  test('through the API: a refused report is 503 PDF_UNAVAILABLE with retry-after', async () => {
    const t = tmpDir();
    const app = await smallApp(t.dir);
    try {
      const kinds = [
        'today',
        'yesterday',
        'this_week',
        'last_week',
        'this_half_month',
        'last_half_month',
        'this_month',
        'last_month',
      ];
      const res = await Promise.all(
        kinds.map((k) => app.inject({ method: 'GET', url: `/api/v1/regions/139900/report.pdf?period=${k}` })),
      );
      const busy = res.filter((r) => r.statusCode === 503);
      expect(res.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(1);
      expect(busy.length).toBeGreaterThanOrEqual(1);
      for (const r of busy) {
        expect(r.json().error.code).toBe('PDF_UNAVAILABLE');
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
    } finally {
      await app.close();
      t.cleanup();
    }
  });
});
