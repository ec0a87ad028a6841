// The wall in a real browser against the real (built) server: every panel, the map, the
// figures against the API, live updates, and the lost-link state across a server restart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { formatRate, type Region, type RegionSummary } from '@zhihui/shared';
import {
  countPixels,
  launchBrowser,
  missingBuild,
  openPage,
  ROOT,
  startServer,
  waitForWall,
  waitMapDrawn,
  type ServerHandle,
} from './harness.js';
import { shownRate } from '../support/figures.js';

const why = missingBuild('e2e: the wall');
if (why) console.warn(`[e2e wall] skipped: ${why}`);

const COUNTY = '130111';
const PANELS = [
  'panel-header',
  'panel-video',
  'panel-ranking',
  'panel-trend',
  'panel-down',
  'panel-map',
  'alerts',
  'panel-clues',
  'panel-clue-list',
  'panel-grid',
];
// The 32:9 wall (3840×1080) is checked by the English test below, where the lines are longest (a
// software-rendered wall at each size costs CI half a minute on two cores); tests/e2e/screenshots.ts
// still shows it in Chinese.
const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];

// A shared 2-core machine may run other suites at the same time: generous, not tight, limits.
const SLOW = { timeout: 240_000 };

const regions = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/data/regions.json'), 'utf8')) as Region[];
const townships = regions
  .filter((r) => r.parent === COUNTY)
  .sort((a, b) => a.code.localeCompare(b.code))
  .map((r) => r.name);

/**
 * What does not fit: panel bodies whose content is larger than the body (cut-off rows), and any
 * text that is wider than its own box or sticks out of its panel — a figure spilling into the
 * next one, a clipped label. Text may end in an ellipsis only where it carries its full wording
 * in a title attribute (camera names, clue titles). The map's own layers, the charts' canvases and
 * a scrolling alert line are left out: they clip by design.
 */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const nameOf = (el: Element) => el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.className;
    for (const body of document.querySelectorAll<HTMLElement>('.panel__body, .alerts, .wall-header')) {
      const name = nameOf(body);
      if (body.scrollHeight > body.clientHeight + 1)
        out.push(`${name}: content ${body.scrollHeight}px high in ${body.clientHeight}px`);
      if (body.scrollWidth > body.clientWidth + 1 && !body.classList.contains('alerts'))
        out.push(`${name}: content ${body.scrollWidth}px wide in ${body.clientWidth}px`);
    }
    for (const frame of document.querySelectorAll<HTMLElement>('.panel, .alerts, .wall-header')) {
      const fr = frame.getBoundingClientRect();
      for (const el of frame.querySelectorAll<HTMLElement>('*')) {
        if (el.closest('.maplibregl-map, .chart, .alerts__items--scroll')) continue;
        if (el.getClientRects().length === 0) continue; // not displayed
        const hasText = [...el.childNodes].some(
          (n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '',
        );
        if (!hasText) continue;
        const what = `${nameOf(el)} .${String(el.className).split(' ')[0]} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
        const r = el.getBoundingClientRect();
        if (getComputedStyle(el).display === 'inline') {
          let box = el.parentElement!;
          while (getComputedStyle(box).display === 'inline') box = box.parentElement!;
          const br = box.getBoundingClientRect();
          if (r.right > br.right + 1 || r.left < br.left - 1) out.push(`${what}: sticks out of its box`);
        } else if (el.scrollWidth > el.clientWidth + 1 && !el.title) {
          out.push(`${what}: ${el.scrollWidth}px of text in ${el.clientWidth}px`);
        }
        if (r.right > fr.right + 1 || r.left < fr.left - 1 || r.bottom > fr.bottom + 1 || r.top < fr.top - 1)
          out.push(`${what}: outside its panel`);
      }
    }
    return out;
  });
}

/** Pixels of the map panel in an offline channel's red (#ff4d5e): the points' canvas belongs to a worker. */
async function redPixels(page: Page): Promise<number> {
  const png = await page.getByTestId('map').screenshot();
  return (await countPixels(page, png, { near: [0xff, 0x4d, 0x5e], within: 24 })).n;
}

/**
 * Region labels on the map that cover one another, or stick out of the map: every label must be
 * readable on its own, however small and close its region (a city's three northern counties).
 */
async function crowdedLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const map = document.querySelector('[data-testid="map"]')!.getBoundingClientRect();
    const boxes = [...document.querySelectorAll<HTMLElement>('.region-label')].map((el) => ({
      name: el.querySelector('.region-label__name')?.textContent ?? '?',
      r: el.getBoundingClientRect(),
    }));
    const out: string[] = [];
    boxes.forEach((a, i) => {
      if (a.r.left < map.left || a.r.top < map.top || a.r.right > map.right || a.r.bottom > map.bottom)
        out.push(`${a.name}: outside the map`);
      for (const b of boxes.slice(i + 1)) {
        if (a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom)
          out.push(`${a.name} covers ${b.name}`);
      }
    });
    return out;
  });
}

/**
 * The wall's endless animations, each as `name: animated properties (stepped | smooth)`. One that
 * changes anything but opacity and transform smoothly is repainted by the main thread on every
 * frame of a wall that runs day and night (a pulsing box-shadow took about half of the idle demo
 * wall's main thread); in steps it is repainted only when it changes.
 */
async function endlessAnimations(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    document.getAnimations().flatMap((a) => {
      const effect = a.effect as KeyframeEffect | null;
      if (!effect || effect.getTiming().iterations !== Infinity) return [];
      const skip = new Set(['offset', 'computedOffset', 'easing', 'composite']);
      const frames = effect.getKeyframes();
      const props = [...new Set(frames.flatMap((k) => Object.keys(k).filter((p) => !skip.has(p))))];
      const stepped = frames.every((k) => /^step/.test(String(k.easing)));
      return [`${(a as CSSAnimation).animationName}: ${props.sort().join(' ')} (${stepped ? 'stepped' : 'smooth'})`];
    }),
  );
}
const offMainThread = (line: string) => / \(stepped\)$/.test(line) || /^[\w-]+: ((opacity|transform) ?)+ \(/.test(line);

async function wallPeriod(page: Page): Promise<{ from: string; to: string }> {
  const el = page.getByTestId('wall');
  return { from: (await el.getAttribute('data-today-from'))!, to: (await el.getAttribute('data-today-to'))! };
}

describe.skipIf(why !== null)('the wall in a browser', () => {
  let server: ServerHandle;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ simulator: false });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  for (const vp of VIEWPORTS) {
    test(
      `county wall at ${vp.width}×${vp.height}: panels, map, townships, the API's rate, no overflow, nothing outside`,
      SLOW,
      async () => {
        const w = await openPage(browser, `${server.url}/wall/${COUNTY}`, vp);
        try {
          await waitForWall(w.page);
          for (const id of PANELS) await expect(w.page.getByTestId(id).count(), id).resolves.toBe(1);

          const canvas = await w.page.locator('[data-testid="map"] canvas.maplibregl-canvas').boundingBox();
          expect(canvas!.width).toBeGreaterThan(300);
          expect(canvas!.height).toBeGreaterThan(200);

          expect(townships).toHaveLength(7);
          await w.page.waitForFunction(
            (n) => document.querySelectorAll('.region-label__name').length >= n,
            townships.length,
          );
          const labels = await w.page.locator('.region-label__name').allTextContents();
          for (const name of townships) expect(labels).toContain(name);

          const period = await wallPeriod(w.page);
          const summary = await server.get<RegionSummary>(
            `/api/v1/regions/${COUNTY}/summary?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`,
          );
          const c = summary.cameras;
          // Floored, recomputed from the counts: 89.96% must read 89.9%, never 90.0%.
          await expect(w.page.getByTestId('operational-rate').textContent()).resolves.toBe(
            shownRate(c.online, c.inService - c.maintenance),
          );
          await expect(w.page.getByTestId('operational-counts').textContent()).resolves.toBe(
            `${c.online}/${c.inService - c.maintenance}`,
          );

          // Fonts and layout settle after the first frames: measure then.
          await w.page.waitForTimeout(500);
          expect(await overflowing(w.page)).toEqual([]);
          // The 32:9 wall fills its taller columns: every category, and the mediation cases by outcome.
          const wide = vp.width / vp.height > 3;
          if (wide) await expect(w.page.locator('.wall--wide').count()).resolves.toBe(1);
          await expect(w.page.getByTestId('mediation-breakdown').count()).resolves.toBe(wide ? 1 : 0);
          await expect(w.page.locator('[data-testid="panel-clues"] .cat').count()).resolves.toBe(wide ? 8 : 6);

          expect((await endlessAnimations(w.page)).filter((a) => !offMainThread(a))).toEqual([]);
          expect(w.outside).toEqual([]);
          expect(w.errors).toEqual([]);
        } finally {
          await w.close();
        }
      },
    );
  }

  test('in English every panel fits, on a 16:9 and on a 32:9 wall', SLOW, async () => {
    const w = await openPage(browser, `${server.url}/wall/${COUNTY}?lang=en`, { width: 1920, height: 1080 });
    try {
      await waitForWall(w.page);
      await expect(w.page.getByTestId('panel-clues').locator('.panel__title').textContent()).resolves.toBe(
        'Clues today',
      );
      await w.page.waitForTimeout(500);
      expect(await overflowing(w.page)).toEqual([]);
      // The same page on a 32:9 wall: the wide layout, measured again.
      await w.page.setViewportSize({ width: 3840, height: 1080 });
      await w.page.waitForSelector('.wall--wide');
      for (const id of PANELS) await expect(w.page.getByTestId(id).count(), id).resolves.toBe(1);
      const canvas = await w.page.locator('[data-testid="map"] canvas.maplibregl-canvas').boundingBox();
      expect(canvas!.width).toBeGreaterThan(300);
      // After a resize the alert line measures itself again (a ResizeObserver, then a render): on a
      // loaded machine that took over the 500 ms once (CI, 2026-12-04), so the settled layout is
      // what is asked for, within 10 s.
      await expect.poll(() => overflowing(w.page), { timeout: 10_000 }).toEqual([]);
      expect(w.outside).toEqual([]);
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  });

  test('the city (131000) and a township (130111103) wall render with every panel and fit', SLOW, async () => {
    // A clue taken through to 办结 today: the township's resolved rate reads 100%, its widest value.
    const township = '130111103';
    const created = await server.send<{ id: string }>('POST', '/api/v1/clues', {
      category: 'dispute',
      source: 'grid',
      region: township,
      title: '测试办结线索',
    });
    expect(created.status).toBe(201);
    for (const status of ['verified', 'dispatched', 'resolved']) {
      const res = await server.send('PATCH', `/api/v1/clues/${created.body.id}`, { status });
      expect(res.status, status).toBe(200);
    }
    for (const code of ['131000', township]) {
      const w = await openPage(browser, `${server.url}/wall/${code}`, { width: 1920, height: 1080 });
      try {
        await waitForWall(w.page);
        for (const id of PANELS) await expect(w.page.getByTestId(id).count(), `${code} ${id}`).resolves.toBe(1);
        const name = regions.find((r) => r.code === code)!.name;
        await expect(w.page.getByTestId('region-name').textContent()).resolves.toBe(name);
        if (code === township)
          await expect(w.page.getByTestId('clues-resolved-rate').textContent()).resolves.toBe('100%');
        if (code === '131000') {
          const counties = regions.filter((r) => r.parent === code).map((r) => r.name);
          await w.page.waitForFunction(
            (n) => document.querySelectorAll('.region-label__name').length >= n,
            counties.length,
          );
          // Declutter runs after the map settles: give it its frame, then no label covers another.
          await w.page.waitForTimeout(500);
          expect(await crowdedLabels(w.page)).toEqual([]);
          // Down longest names the county first on a city wall, then the township within it.
          const places = await w.page.locator('[data-testid="panel-down"] .down__region').allTextContents();
          expect(places.length).toBeGreaterThan(0);
          for (const place of places) {
            const [county, within] = place.split(' · ');
            expect(counties, place).toContain(county);
            expect(
              regions.find((r) => r.name === within && r.code.startsWith(regions.find((c) => c.name === county)!.code)),
              place,
            ).toBeDefined();
          }
        }
        await w.page.waitForTimeout(500);
        expect(await overflowing(w.page)).toEqual([]);
        expect(w.outside).toEqual([]);
        expect(w.errors).toEqual([]);
      } finally {
        await w.close();
      }
    }
  });

  test('the rate follows a posted status batch', SLOW, async () => {
    const w = await openPage(browser, `${server.url}/wall/${COUNTY}`, { width: 1920, height: 1080 });
    try {
      await waitForWall(w.page);
      const before = await w.page.getByTestId('operational-rate').textContent();
      const online = await server.get<{ items: { id: string }[] }>(
        `/api/v1/regions/${COUNTY}/cameras?status=online&limit=60`,
      );
      expect(online.items.length).toBeGreaterThan(20);
      const res = await server.send<{ accepted: number }>('POST', '/api/v1/cameras/status', {
        reports: online.items.map((c) => ({ cameraId: c.id, status: 'offline', reason: 'power' })),
      });
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(online.items.length);

      const period = await wallPeriod(w.page);
      const summary = await server.get<RegionSummary>(
        `/api/v1/regions/${COUNTY}/summary?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`,
      );
      const expected = formatRate(summary.cameras.operationalRate);
      expect(expected).not.toBe(before);
      await w.page.waitForFunction(
        (text) => document.querySelector('[data-testid="operational-rate"]')?.textContent === text,
        expected,
        { timeout: 15_000 },
      );
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  });

  // A browser without OffscreenCanvas (an old wall PC's) draws the points on the page itself: the
  // same test runs with `transferControlToOffscreen` taken away before the page's scripts.
  test.each([
    ['in a worker', false],
    ['on the page, where the browser has no OffscreenCanvas', true],
  ])(
    'a township wall draws its channels over the map (%s); a posted batch turns their points red',
    SLOW,
    async (_, old) => {
      const TOWNSHIP = '130111103';
      const w = await openPage(
        browser,
        `${server.url}/wall/${TOWNSHIP}`,
        { width: 1920, height: 1080 },
        old
          ? () => {
              delete (HTMLCanvasElement.prototype as Partial<HTMLCanvasElement>).transferControlToOffscreen;
            }
          : undefined,
      );
      try {
        await waitForWall(w.page);
        // The points are drawn on their own canvas over the map's: a worker's (the page cannot draw
        // on it any more), or the page's own.
        await expect(w.page.locator('[data-testid="map"] canvas.map-overlay').count()).resolves.toBe(1);
        const onPage = await w.page.evaluate(() => {
          try {
            return document.querySelector<HTMLCanvasElement>('canvas.map-overlay')!.getContext('2d') !== null;
          } catch {
            return false;
          }
        });
        expect(onPage).toBe(old);
        const online = await server.get<{ items: { id: string }[] }>(
          `/api/v1/regions/${TOWNSHIP}/cameras?status=online&limit=30`,
        );
        expect(online.items.length).toBeGreaterThanOrEqual(20);
        // Count the map's red (offline) pixels once the wall's present state is drawn.
        await waitMapDrawn(w.page);
        const before = await redPixels(w.page);
        const countsBefore = await w.page.getByTestId('operational-counts').textContent();
        const res = await server.send<{ accepted: number }>('POST', '/api/v1/cameras/status', {
          reports: online.items.map((c) => ({ cameraId: c.id, status: 'offline', reason: 'power' })),
        });
        expect(res.body.accepted).toBe(online.items.length);
        await w.page.waitForFunction(
          (text) => document.querySelector('[data-testid="operational-counts"]')?.textContent !== text,
          countsBefore,
          { timeout: 15_000 },
        );
        // The points follow the deltas themselves, not the panels' render: by the time the counts
        // show the batch, the map has drawn it or is about to.
        await waitMapDrawn(w.page);
        // A down channel is a disc of radius 5.6 px (≈ 70 px of red inside its ring); allow for overlaps.
        const want = before + online.items.length * 25;
        let after = before;
        for (let tries = 0; tries < 20 && after < want; tries++) {
          await w.page.waitForTimeout(500);
          after = await redPixels(w.page);
        }
        expect(after).toBeGreaterThanOrEqual(want);
        expect(w.errors).toEqual([]);
      } finally {
        await w.close();
      }
    },
  );

  test('an urgent clue flies the map to it and back; rotation and night dimming follow the URL', SLOW, async () => {
    // Every scene card the page shows is recorded as it appears (a DOM observer installed before
    // the page's own scripts), so a loaded machine that reads late still sees the order.
    const r = await openPage(
      browser,
      `${server.url}/wall/${COUNTY}?rotate=5&overview=5&dim=0-24&dimLevel=0.3`,
      { width: 1920, height: 1080 },
      () => {
        const seen: string[] = [];
        (window as unknown as { __scenes: string[] }).__scenes = seen;
        new MutationObserver(() => {
          const name = document.querySelector('.scene-card__name')?.textContent ?? null;
          if (name !== null && seen[seen.length - 1] !== name) seen.push(name);
        }).observe(document, { subtree: true, childList: true, characterData: true });
      },
    );
    try {
      await waitForWall(r.page);
      await expect(r.page.getByTestId('dim-veil').count()).resolves.toBe(1);
      // Rotation: after the overview, the first township's scene card, then the second.
      await r.page.waitForFunction(() => (window as unknown as { __scenes: string[] }).__scenes.length >= 2, null, {
        timeout: 30_000,
      });
      const scenes = await r.page.evaluate(() => (window as unknown as { __scenes: string[] }).__scenes);
      expect(scenes.slice(0, 2)).toEqual(townships.slice(0, 2));
      expect(r.errors).toEqual([]);
    } finally {
      await r.close();
    }

    const w = await openPage(browser, `${server.url}/wall/${COUNTY}?urgent=10`, { width: 1920, height: 1080 });
    try {
      await waitForWall(w.page);
      const map = w.page.getByTestId('map');
      await w.page.waitForFunction(
        () => document.querySelector('[data-testid="map"]')?.getAttribute('data-zoom') !== null,
      );
      const region = regions.find((r) => r.code.startsWith(COUNTY) && r.level === 'township' && r.center)!;
      const res = await server.send<{ id: string }>('POST', '/api/v1/clues', {
        category: 'hazard',
        source: 'video',
        region: region.code,
        title: '测试紧急线索',
        lon: region.center![0],
        lat: region.center![1],
        urgent: true,
      });
      expect(res.status).toBe(201);
      await w.page.waitForSelector('.urgent-callout', { timeout: 15_000 });
      await w.page.waitForFunction(
        () => Number(document.querySelector('[data-testid="map"]')?.getAttribute('data-zoom')) > 12.5,
        null,
        { timeout: 20_000 },
      );
      // After the configured 10 s the callout goes and the map flies back out. (With 4 s, a flight
      // slowed by the rest of the suite on two cores was turned back before it ended, and the zoom,
      // written when a move ends, never showed it.)
      await w.page.waitForSelector('.urgent-callout', { state: 'detached', timeout: 20_000 });
      await w.page.waitForFunction(
        () => Number(document.querySelector('[data-testid="map"]')?.getAttribute('data-zoom')) < 12,
        null,
        { timeout: 20_000 },
      );
      expect(await map.count()).toBe(1);
      expect(w.errors).toEqual([]);
    } finally {
      await w.close();
    }
  });

  test(
    'a lost link shows on the whole wall, the figures stay, and it recovers after a restart without a reload',
    SLOW,
    async () => {
      const w = await openPage(browser, `${server.url}/wall/${COUNTY}`, { width: 1920, height: 1080 });
      try {
        await waitForWall(w.page);
        const rate = await w.page.getByTestId('operational-rate').textContent();
        await w.page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));

        await server.stop();
        await w.page.waitForSelector('[data-testid="link-lost"]', { timeout: 20_000 });
        await expect(w.page.getByTestId('link-lost').textContent()).resolves.toMatch(
          /链路中断 — 数据停留在 \d\d:\d\d:\d\d/,
        );
        await expect(w.page.getByTestId('operational-rate').textContent()).resolves.toBe(rate);
        await expect(w.page.getByTestId('panel-video').getAttribute('class')).resolves.toContain('panel--stale');
        // The banner's glow blinks in steps (repainted twice in its 2 s, not on every frame).
        const endless = await endlessAnimations(w.page);
        expect(endless).toContain('alarm: boxShadow (stepped)');
        expect(endless.filter((a) => !offMainThread(a))).toEqual([]);

        await server.restart();
        await w.page.waitForSelector('[data-testid="wall"][data-link="live"]', { timeout: 30_000 });
        await expect(w.page.getByTestId('link-lost').count()).resolves.toBe(0);
        // Same page, no reload.
        await expect(w.page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).resolves.toBe(42);
        // Errors from the dropped connection are the browser's own network messages, nothing else.
        expect(
          w.errors.filter((e) => !/ERR_CONNECTION_REFUSED|WebSocket connection|Failed to load resource/.test(e)),
        ).toEqual([]);
      } finally {
        await w.close();
      }
    },
  );
});
