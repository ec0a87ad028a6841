// Screenshots of the wall for docs/screenshots: `npx tsx tests/e2e/screenshots.ts`
// (after `npx tsc -b server && npm run build -w client`). Uses the e2e harness. SHOTS_DIR writes
// them elsewhere (to compare with the committed ones), and names on the command line pick shots.
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, missingBuild, openPage, ROOT, startServer, waitForWall } from './harness.js';

const SHOTS: { name: string; region: string; width: number; height: number; query?: string }[] = [
  { name: 'wall-county-1920x1080', region: '130111', width: 1920, height: 1080 },
  { name: 'wall-county-3840x2160', region: '130111', width: 3840, height: 2160 },
  { name: 'wall-county-3840x1080', region: '130111', width: 3840, height: 1080 },
  { name: 'wall-city-131000-1920x1080', region: '131000', width: 1920, height: 1080 },
  { name: 'wall-city-131000-3840x1080', region: '131000', width: 3840, height: 1080 },
  { name: 'wall-township-130111103-1920x1080', region: '130111103', width: 1920, height: 1080 },
  { name: 'wall-township-130111103-3840x2160', region: '130111103', width: 3840, height: 2160 },
  { name: 'wall-county-en-1920x1080', region: '130111', width: 1920, height: 1080, query: '?lang=en' },
  { name: 'wall-county-en-3840x1080', region: '130111', width: 3840, height: 1080, query: '?lang=en' },
  // What `npm start` shows: the key-channel panel playing the built-in demo stream.
  { name: 'wall-demo-video-1920x1080', region: '130111', width: 1920, height: 1080, query: '' },
];
// The README shows the county wall under this name.
const README_SHOT = { from: 'wall-county-1920x1080', to: 'wall-1920x1080' };

/**
 * The simulator files urgent clues now and then, and the map flies to each for a while: wait
 * until it shows the whole region again (a callout gone, and the flight back over), so the
 * pictures show the overview.
 */
async function waitForOverview(page: Page, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await page.locator('.urgent-callout').count()) === 0) {
      await page.waitForTimeout(3500);
      if ((await page.locator('.urgent-callout').count()) === 0) return;
    }
    await page
      .waitForSelector('.urgent-callout', { state: 'detached', timeout: Math.max(1000, until - Date.now()) })
      .catch(() => undefined);
  }
}

const why = missingBuild('screenshots');
if (why) {
  console.error(why);
  process.exit(1);
}
const only = process.argv.slice(2);
const OUT = process.env.SHOTS_DIR ?? path.join(ROOT, 'docs/screenshots');
const server = await startServer({ simulator: process.env.SIMULATOR !== 'off' });
const browser = await launchBrowser();
try {
  for (const s of SHOTS) {
    if (only.length && !only.some((o) => s.name.includes(o))) continue;
    const query = s.query ?? process.env.QUERY ?? '';
    const w = await openPage(browser, `${server.url}/wall/${s.region}${query}`, { width: s.width, height: s.height });
    await waitForWall(w.page);
    await w.page.waitForTimeout(Number(process.env.SETTLE_MS ?? 4000));
    await waitForOverview(w.page);
    // The key-channel panel's picture, not its "connecting" card.
    await w.page
      .waitForSelector('[data-testid="key-tile"][data-state="live"]', { timeout: 60_000 })
      .catch(() => undefined);
    const file = path.join(OUT, `${s.name}.png`);
    await w.page.screenshot({ path: file });
    console.log(
      file,
      w.errors.length ? `console errors: ${w.errors.join(' | ')}` : 'no console errors',
      w.outside.length ? `OUTSIDE: ${w.outside.join(' ')}` : '',
    );
    await w.close();
    if (s.name === README_SHOT.from) copyFileSync(file, path.join(OUT, `${README_SHOT.to}.png`));
  }
  if (!only.length || only.includes('lost')) {
    // The lost-link state: the figures stay, the whole wall says since when.
    const w = await openPage(browser, `${server.url}/wall/130111`, { width: 1920, height: 1080 });
    await waitForWall(w.page);
    await w.page.waitForTimeout(3000);
    await server.stop();
    await w.page.waitForSelector('[data-testid="link-lost"]');
    await w.page.waitForTimeout(2000);
    const file = path.join(OUT, 'wall-link-lost-1920x1080.png');
    await w.page.screenshot({ path: file });
    console.log(file);
    await w.close();
  }
} finally {
  await browser.close();
  await server.dispose();
}
