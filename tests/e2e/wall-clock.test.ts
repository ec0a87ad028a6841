// #18.6 on screen: the wall shows today's time-weighted rate (今日时长运行率) and moves it on its own
// clock between deltas. The browser's clock is moved forward (Playwright's clock: Date jumps,
// timers do not fire, so the live link stays up) and the figure shown must follow what the
// summary API's parts imply for the later instant, recomputed here, floored like every rate.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatRate, type RegionSummary } from '@zhihui/shared';
import { launchBrowser, missingBuild, startServer, waitForWall, type ServerHandle } from './harness.js';

const why = missingBuild('e2e: the wall clock');
if (why) console.warn(`[e2e wall clock] skipped: ${why}`);
const REGION = '130111103'; // 冶河镇

const pct = (text: string | null) => Number((text ?? '').replace('%', ''));

describe.skipIf(why !== null)("today's time-weighted rate on the wall follows the clock", () => {
  let server: ServerHandle;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer({ simulator: false });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test('shown as the API has it, then carried forward as the parts imply', { timeout: 240_000 }, async ({ skip }) => {
    const context = await browser.newContext({
      viewport: { width: 1920, height: 1080 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    try {
      const page = await context.newPage();
      await page.clock.install();
      await page.goto(`${server.url}/wall/${REGION}`, { waitUntil: 'domcontentloaded' });
      await waitForWall(page);
      const shown = page.getByTestId('today-rate').locator('b');
      await expect(page.getByTestId('today-rate').textContent()).resolves.toContain('今日时长运行率');

      // A hundred channels go down now, so the present rate is far from the day's so far and
      // hours of it must show.
      const before = await page.getByTestId('operational-rate').textContent();
      const online = await server.get<{ items: { id: string }[] }>(
        `/api/v1/regions/${REGION}/cameras?status=online&limit=100`,
      );
      const down = await server.send('POST', '/api/v1/cameras/status', {
        reports: online.items.map((x) => ({ cameraId: x.id, status: 'offline', reason: 'network' })),
      });
      expect(down.status).toBe(200);
      await page.waitForFunction(
        (b) => document.querySelector('[data-testid="operational-rate"]')?.textContent !== b,
        before,
      );
      const wall = page.getByTestId('wall');
      const period = {
        from: (await wall.getAttribute('data-today-from'))!,
        to: (await wall.getAttribute('data-today-to'))!,
      };
      const q = `from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;
      const summary = async () => (await server.get<RegionSummary>(`/api/v1/regions/${REGION}/summary?${q}`)).cameras;
      // The figure moves while it is read (fastest in a day's first minutes, when a second is a
      // large share of the day), and the wall recomputes it on a one-second tick: the wall is read
      // after a tick that follows one API reading and before another, so it must lie between
      // them, at one decimal, or one step outside at a boundary.
      const first = await summary();
      await page.waitForTimeout(1_100);
      const onWall = pct(await shown.textContent());
      const apiAt = Date.now();
      const c = await summary();
      if (apiAt >= Date.parse(period.to)) skip('the Asia/Shanghai day turned while the wall was read');
      if (apiAt - Date.parse(period.from) < 5 * 60_000) {
        skip("in a day's first 5 min (Asia/Shanghai) the figure moves by tenths of a point a second");
      }
      const [lo, hi] = [first, c].map((x) => pct(formatRate(x.timeWeightedRate))).sort((a, b) => a - b);
      expect(onWall).toBeGreaterThanOrEqual(lo - 0.1);
      expect(onWall).toBeLessThanOrEqual(hi + 0.1);

      // Later by the wall's clock, still today; nothing changed meanwhile (simulator off). Up to
      // eight hours; late in the evening (Asia/Shanghai) only what is left of the day, less a
      // margin. In the last quarter hour of a day there is nothing left to move into: said, not run.
      const left = Date.parse(period.to) - apiAt - 5 * 60_000;
      if (left < 10 * 60_000) {
        skip(`${Math.round(left / 60_000) + 5} min of today left (Asia/Shanghai): the forward part cannot run`);
      }
      const dt = Math.min(8 * 3_600_000, left);
      await page.clock.setSystemTime(new Date((await page.evaluate(() => Date.now())) + dt));
      const N = c.inService - c.maintenance - c.sourceDown;
      const want = (c.onlineMs + c.online * dt) / (c.countedMs + N * dt);
      await page
        .waitForFunction(
          ([sel, text]) => document.querySelector(sel)?.textContent === text,
          ['[data-testid="today-rate"] b', formatRate(want)] as const,
          { timeout: 10_000 },
        )
        .catch(() => undefined);
      expect(Math.abs(pct(await shown.textContent()) - pct(formatRate(want)))).toBeLessThanOrEqual(0.1);
      // It moved: by more than a point when hours were added; late in the day, by what the
      // recomputation says (at least a rounding step when it says so).
      const drop = pct(formatRate(c.timeWeightedRate)) - pct(await shown.textContent());
      const wantDrop = pct(formatRate(c.timeWeightedRate)) - pct(formatRate(want));
      if (dt >= 3_600_000) expect(drop).toBeGreaterThan(1);
      else if (wantDrop >= 0.2) expect(drop).toBeGreaterThanOrEqual(0.1);
      await expect(wall.getAttribute('data-link')).resolves.toBe('live');
    } finally {
      await context.close();
    }
  });
});
