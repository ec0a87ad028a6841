// A wall heals by itself: the built server is SIGKILLed under an open wall (headless Chromium),
// its data changes while it is down, and it restarts on the same port and data. Without a page
// reload the wall must be live again within 10 s and show the server's operational rate.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { formatRate, type RegionSummary } from '@zhihui/shared';
import { ROOT, missingServerBuild, spawnServer, type ServerProc } from './proc.js';
import { CHROMIUM_ARGS } from '../../server/src/domain/report/pdf.js';
import { CHROMIUM, skipWithoutBrowser } from '../support/browser.js';

const CLIENT = path.join(ROOT, 'client/dist/index.html');
const skip =
  missingServerBuild() ??
  (existsSync(CLIENT) ? null : 'client/dist is missing: run `npm run build -w client`') ??
  (skipWithoutBrowser('a wall heals after a server crash') ? 'no browser' : null);
if (skip && skip !== 'no browser') console.warn(`[wall-heals.test] skipped: ${skip}`);

const COUNTY = '130111';
const ARGS = CHROMIUM_ARGS;

describe.skipIf(skip !== null)('a wall heals after a server crash', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'zhihui-heal-'));
  let server: ServerProc | null = null;
  let browser: Browser | null = null;
  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('SIGKILL, data changed while down, restart: live again without a reload, with the server’s rate', async () => {
    server = await spawnServer({ dataDir, env: { HEARTBEAT_GRACE: '86400' } });
    const srv = server;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const context = await browser.newContext({
      viewport: { width: 1920, height: 1080 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    const csp: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) csp.push(m.text());
    });
    await page.goto(`${srv.url}/wall/${COUNTY}`);
    await page.waitForSelector('[data-testid="wall"][data-link="live"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="operational-rate"]', { timeout: 30_000 });
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const rateBefore = await page.getByTestId('operational-rate').textContent();

    await srv.kill('SIGKILL');
    await page.waitForSelector('[data-testid="wall"]:not([data-link="live"])', { timeout: 30_000 });
    // The last figures stay on screen while the link is down.
    expect(await page.getByTestId('operational-rate').textContent()).toBe(rateBefore);

    // While the server is down, a third of the county's online channels go offline (as another
    // process writing to the database would do): only a resync can show this.
    const db = new Database(path.join(dataDir, 'zhihui.db'));
    try {
      const now = Date.now();
      const ids = db
        .prepare(
          `SELECT c.id FROM cameras_with_state c WHERE c.status = 'online' AND c.in_service = 1 AND c.region LIKE '${COUNTY}%'
             AND NOT (c.m_from IS NOT NULL AND c.m_from <= ? AND c.m_to > ?) ORDER BY c.id`,
        )
        .pluck()
        .all(now, now) as string[];
      expect(ids.length).toBeGreaterThan(30);
      const down = ids.slice(0, Math.ceil(ids.length / 3));
      db.transaction(() => {
        const upd = db.prepare(
          "UPDATE camera_state SET status = 'offline', reason = 'power', since = ?, last_seen = ? WHERE id = ?",
        );
        const ev = db.prepare(
          "INSERT INTO status_events (camera_id, from_status, to_status, reason, at, actor) VALUES (?, 'online', 'offline', 'power', ?, 'test')",
        );
        for (const id of down) {
          upd.run(now, now, id);
          ev.run(id, now);
        }
      })();
    } finally {
      db.close();
    }

    await srv.start();
    const upAt = Date.now();
    await page.waitForSelector('[data-testid="wall"][data-link="live"]', { timeout: 10_000 });
    const el = page.getByTestId('wall');
    const from = (await el.getAttribute('data-today-from'))!;
    const to = (await el.getAttribute('data-today-to'))!;
    const summary = (await (
      await fetch(
        `${srv.url}/api/v1/regions/${COUNTY}/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      )
    ).json()) as RegionSummary;
    const expected = formatRate(summary.cameras.operationalRate);
    expect(expected).not.toBe(rateBefore);
    const left = Math.max(1000, 10_000 - (Date.now() - upAt));
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="operational-rate"]')?.textContent === text,
      expected,
      { timeout: left },
    );
    console.log(
      `[wall-heals] rate ${rateBefore} → ${expected}; live and resynced ${Date.now() - upAt} ms after the server was up again`,
    );
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    const c = summary.cameras;
    expect(await page.getByTestId('operational-counts').textContent()).toBe(
      `${c.online}/${c.inService - c.maintenance}`,
    );
    expect(csp).toEqual([]);
    await context.close();
  });
});
