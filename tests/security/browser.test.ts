// Issue 17 items 9, 13 and 15 in a real browser (Debian's Chromium): another site's page cannot
// ride a wall's cookie into the socket; the CSP lets the page talk to its own server's socket and
// to no other host; the report renderer runs no JavaScript.
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM_ARGS, PdfRenderer } from '../../server/src/domain/report/pdf.js';
import { startServer, type TestServer } from '../stream/helpers.js';
import { CHROMIUM as chromium, skipWithoutBrowser } from '../support/browser.js';

/** What the page sees of a WebSocket to `url`: whether it opened, its first message, any CSP violation. Runs in the browser. */
const probeSocket = (url: string) =>
  new Promise<{ opened: boolean; first: string | null; violation: string | null }>((resolve) => {
    let violation: string | null = null;
    document.addEventListener('securitypolicyviolation', (e) => (violation = `${e.violatedDirective} ${e.blockedURI}`));
    let opened = false;
    let first: string | null = null;
    const ws = new WebSocket(url);
    const done = () => resolve({ opened, first, violation });
    ws.onopen = () => (opened = true);
    ws.onmessage = (m) => {
      const text = String(m.data);
      if (first === null) {
        first = text;
        // engine.io open, then socket.io connect: the answer says whether the handshake's credential was taken.
        ws.send('40');
        return;
      }
      first += ` | ${text}`;
      ws.close();
    };
    ws.onclose = () => setTimeout(done, 50);
    setTimeout(done, 5000);
  });

describe.skipIf(skipWithoutBrowser('security in Chromium'))('in Chromium', () => {
  let browser: Browser;
  let server: TestServer;
  let evil: http.Server;
  let evilUrl: string;
  let token: string;
  beforeAll(async () => {
    const { chromium: pw } = await import('playwright-core');
    browser = await pw.launch({ executablePath: chromium, headless: true, args: CHROMIUM_ARGS });
    server = await startServer({ adminKey: 'admin-secret' });
    const r = await fetch(`${server.url}/api/v1/admin/viewer-tokens`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-secret', 'content-type': 'application/json' },
      body: JSON.stringify({ name: '大屏' }),
    });
    token = ((await r.json()) as { token: string }).token;
    // Another host on the intranet: any page at all.
    evil = http.createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!doctype html><title>portal</title><p>其他系统</p>'),
    );
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    evil?.close();
  });

  test("another site's page with the wall's cookie in the browser cannot open the socket; the wall's own origin can", async () => {
    const context = await browser.newContext();
    try {
      await context.addCookies([
        { name: 'zhihui_viewer', value: token, url: server.url, httpOnly: true, sameSite: 'Lax' },
      ]);
      const socketUrl = `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
      const page = await context.newPage();
      await page.goto(evilUrl);
      const fromEvil = await page.evaluate(probeSocket, socketUrl);
      expect(fromEvil.opened).toBe(false);
      expect(fromEvil.first).toBeNull();
      await page.goto(`${server.url}/healthz`);
      const own = await page.evaluate(probeSocket, socketUrl);
      expect(own.opened).toBe(true);
      // Connected with the cookie's viewer token (the gate is on: without it this would be 44 UNAUTHORIZED).
      expect(own.first).toMatch(/^0\{"sid".* \| 40\{"sid"/);
    } finally {
      await context.close();
    }
  });

  test("the CSP's connect-src lets a page of ours reach its own server's socket and no other host", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/healthz`);
      const own = await page.evaluate(
        probeSocket,
        `${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`,
      );
      expect(own).toMatchObject({ opened: true, violation: null });
      const other = await page.evaluate(probeSocket, evilUrl.replace('http://127.0.0.1', 'ws://localhost'));
      expect(other.opened).toBe(false);
      expect(other.violation).toMatch(/^connect-src ws:\/\/localhost/);
    } finally {
      await page.close();
    }
  });

  test.skipIf(skipWithoutBrowser('the report renderer in Chromium', { pdf: true }))(
    'the report renderer runs no JavaScript: a script in the HTML changes nothing in the PDF',
    async () => {
      const pdf = new PdfRenderer({ executablePath: chromium });
      const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-pdfjs-'));
      try {
        const bytes = await pdf.render(
          `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body><p id="t">调度报告 static</p>
<script>document.getElementById('t').textContent = 'SCRIPT RAN'; document.body.insertAdjacentHTML('beforeend', '<p>INJECTED</p>');</script></body></html>`,
        );
        const file = path.join(dir, 'r.pdf');
        writeFileSync(file, bytes);
        const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
        expect(text).toContain('调度报告 static');
        expect(text).not.toContain('SCRIPT RAN');
        expect(text).not.toContain('INJECTED');
      } finally {
        await pdf.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
