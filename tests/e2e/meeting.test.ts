// The dispatch-meeting view in a real browser against the real (built) server: a deep link, the
// ranking against the summary API, a drill-down to a township and its clue lifecycle, and the
// PDF and CSV exports. The browser runs in Los Angeles time: periods must still be Shanghai's.
// MEETING_SHOTS=1 also writes docs/meeting-*.png and docs/report-*.png.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { periodOf, previousPeriod, type RegionSummary } from '@zhihui/shared';
import { launchBrowser, missingBuild, ROOT, startServer, tempDir, type ServerHandle } from './harness.js';

const why = missingBuild('e2e: dispatch meeting', { pdf: true });
if (why) console.warn(`[e2e meeting] skipped: ${why}`);

const COUNTY = '130111';
const SHOTS = process.env.MEETING_SHOTS === '1';

describe.skipIf(why !== null)('dispatch meeting view (e2e)', () => {
  let server: ServerHandle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let out: string;
  const errors: string[] = [];
  const outside: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    out = tempDir('zhihui-meeting-e2e-');
    context = await browser.newContext({
      viewport: { width: 1920, height: 1080 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'America/Los_Angeles',
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.hostname !== '127.0.0.1') outside.push(r.url());
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.dispose();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const ready = (code: string) =>
    page.waitForSelector(`[data-testid="meeting-page"][data-region="${code}"][data-ready="true"]`, { timeout: 60_000 });
  const shot = async (name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(ROOT, 'docs', name), fullPage: false });
  };

  test('a deep link opens last week ranked by overdue clues, equal to the summary API', async () => {
    await page.goto(`${server.url}/meeting/${COUNTY}?period=last_week&sort=overdue&dir=desc`);
    await ready(COUNTY);
    const period = periodOf('last_week', Date.now());
    const summary = await server.get<RegionSummary>(
      `/api/v1/regions/${COUNTY}/summary?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`,
    );
    const rows = await page.$$eval('[data-testid="ranking-row"]', (trs) =>
      trs.map((tr) => ({
        code: tr.getAttribute('data-code')!,
        values: Object.fromEntries(
          [...tr.querySelectorAll('td[data-metric]')].map((td) => [
            td.getAttribute('data-metric')!,
            td.getAttribute('data-value')!,
          ]),
        ),
      })),
    );
    expect(rows).toHaveLength(summary.children.length);
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      const c = summary.children.find((x) => x.region.code === row.code)!;
      expect(Number(row.values.rate)).toBeCloseTo(c.cameras.timeWeightedRate!, 12);
      expect(Number(row.values.overdue)).toBe(c.clues.overdue);
      expect(Number(row.values.received)).toBe(c.clues.total);
      expect(Number(row.values.down)).toBe(c.cameras.offline + c.cameras.unknown);
      expect(Number(row.values.repaired)).toBe(c.cameras.repaired);
    }
    const overdue = rows.map((r) => Number(r.values.overdue));
    expect([...overdue].sort((a, b) => b - a)).toEqual(overdue);
    // Shanghai's week, although the browser thinks it is in California.
    const first = period.from.slice(0, 10);
    const last = previousPeriod({ from: period.to, to: period.to }).to.slice(0, 10);
    expect(await page.getByTestId('period-text').textContent()).toContain(first);
    expect(last).toBeTruthy();
    expect(await page.getByTestId('period-last_week').getAttribute('aria-checked')).toBe('true');
    await shot('meeting-county.png');
  });

  test('sorting by a column changes the URL, and the URL reopens that view', async () => {
    await page.getByTestId('sort-rate').click();
    await page.waitForURL(/sort=rate&dir=desc/);
    await ready(COUNTY);
    await page.waitForFunction(() => {
      const v = [...document.querySelectorAll('[data-testid="ranking-row"] td[data-metric="rate"]')].map((td) =>
        Number(td.getAttribute('data-value')),
      );
      return v.length > 1 && v.every((x, i) => i === 0 || v[i - 1]! >= x);
    });
    const order = await page.$$eval('[data-testid="ranking-row"]', (trs) =>
      trs.map((tr) => tr.getAttribute('data-code')),
    );
    const url = page.url();
    await page.goto(url);
    await ready(COUNTY);
    expect(
      await page.$$eval('[data-testid="ranking-row"]', (trs) => trs.map((tr) => tr.getAttribute('data-code'))),
    ).toEqual(order);
  });

  test('drill-down: a township from the map, its clues and one clue lifecycle', async () => {
    const area = page.locator('[data-testid="map-area"]').first();
    const code = (await area.getAttribute('data-code'))!;
    // The event on that very path: a click at its box's middle may land on a neighbour of a concave shape.
    await area.dispatchEvent('click');
    await page.waitForURL(new RegExp(`/meeting/${code}\\?`));
    expect(page.url()).toContain('period=last_week');
    await ready(code);
    expect(await page.getByTestId('breadcrumbs').textContent()).toContain('栾城区');
    expect(await page.locator('[data-testid="ranking-row"]').count()).toBe(0);
    const period = periodOf('last_week', Date.now());
    const own = await server.get<RegionSummary>(
      `/api/v1/regions/${code}/summary?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`,
    );
    await page.getByTestId('tab-clues').click();
    await page.waitForURL(/tab=clues/);
    await page.waitForSelector('[data-testid="clue-row"], [data-testid="clue-list"] [data-testid="list-empty"]', {
      timeout: 30_000,
    });
    const clueRows = await page.locator('[data-testid="clue-row"]').count();
    // Every clue of the period is listed, invalid ones too (the figure counts only valid ones).
    expect(clueRows).toBe(own.clues.total + own.clues.byStatus.invalid);
    expect(clueRows).toBeGreaterThan(0);
    await page.locator('[data-testid="clue-row"]').first().click();
    await page.waitForURL(/clue=/);
    await page.waitForSelector('[data-testid="timeline-step"]');
    expect(await page.locator('[data-testid="timeline-step"]').count()).toBeGreaterThan(0);
    await shot('meeting-township-clues.png');
    await page.getByTestId('tab-cameras').click();
    await page.waitForSelector('[data-testid="outage-row"], [data-testid="outage-list"] [data-testid="list-empty"]');
    await page.getByTestId('tab-grid').click();
    await page.waitForSelector('[data-testid="worker-row"], [data-testid="grid-list"] [data-testid="list-empty"]');
    expect(await page.locator('[data-testid="worker-row"]').count()).toBe(own.grid.workers);
  });

  test('exports: the PDF with its Chinese title and the ranking CSV', async () => {
    await page.goto(`${server.url}/meeting/${COUNTY}?period=last_week`);
    await ready(COUNTY);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pdf').click()]);
    expect(pdf.suggestedFilename()).toMatch(/^栾城区综合指挥工作调度报告_\d{4}-\d{2}-\d{2}至\d{4}-\d{2}-\d{2}\.pdf$/);
    const pdfFile = path.join(out, 'report.pdf');
    await pdf.saveAs(pdfFile);
    expect(readFileSync(pdfFile).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    expect(text).toContain('栾城区综合指挥工作调度报告');
    expect(text).toContain('二、乡镇(街道)排名');
    if (SHOTS) {
      execFileSync('pdftoppm', ['-png', '-r', '80', pdfFile, path.join(out, 'page')]);
      for (const f of readdirSync(out).filter((x) => /^page-\d+\.png$/.test(x)))
        renameSync(path.join(out, f), path.join(ROOT, 'docs', `report-${f}`));
    }

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-ranking-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^栾城区_排名_.+\.csv$/);
    const csvFile = path.join(out, 'ranking.csv');
    await csv.saveAs(csvFile);
    const bytes = readFileSync(csvFile);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]!.startsWith('排名,区划代码,名称,运行率(时间加权)')).toBe(true);
    const rows = await page.locator('[data-testid="ranking-row"]').count();
    expect(lines).toHaveLength(rows + 2); // header, townships, total
    expect(lines.at(-1)!.startsWith('合计,130111,栾城区,')).toBe(true);

    const [clues] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-clues-csv').click()]);
    expect(clues.suggestedFilename()).toMatch(/^栾城区_线索清单_上周_.+\.csv$/);
    const cluesFile = path.join(out, 'clues.csv');
    await clues.saveAs(cluesFile);
    expect(readFileSync(cluesFile, 'utf8').split('\r\n')[0]).toBe(
      '\uFEFF编号,标题,类别,来源,区划代码,区域,状态,是否超期,上报时间,办理期限,办结时间,承办单位,调解结果,紧急',
    );
  });

  test('no console errors and nothing fetched from outside the machine', () => {
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  });
});

// Keeps the file a module for vitest even when every test is skipped.
export {};
void existsSync;
void writeFileSync;
