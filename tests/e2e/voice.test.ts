// The wall speaks, in Chromium against the built server: an urgent clue posted through the API
// plays the chime and calls speechSynthesis with a zh-CN line; without a Chinese voice the chime
// plays alone; a new roll-up alert is announced too; where autoplay is blocked a one-time
// "点击开启声音" button unlocks sound. Headless Chromium on Linux has no speech engine, so a page
// script stands in for one with a zh-CN voice (named so below) and records what the wall asks it
// to say; the chime is counted at the Web Audio oscillators the real AudioContext creates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, missingBuild, openPage, startServer, type ServerHandle } from './harness.js';
import { RobotStandIn } from '../notify/robotStandIn.js';

const why = missingBuild('e2e: the wall speaks');
if (why) console.warn(`[e2e voice] skipped: ${why}`);
const SLOW = { timeout: 240_000 };

/** Counts oscillators (the chime) and, with `voice`, stands in for a speech engine with a zh-CN voice. */
const instrument = (voice: boolean) => `
  window.__voice = { oscillators: 0, spoken: [] };
  const orig = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { window.__voice.oscillators++; return orig.call(this); };
  // STAND-IN speech engine: ${voice ? 'one zh-CN voice' : 'no voices at all'}.
  speechSynthesis.getVoices = () => ${voice ? "[{ lang: 'zh-CN', name: 'stand-in 中文', voiceURI: 'stand-in', localService: true, default: true }]" : '[]'};
  speechSynthesis.speak = (u) => { if (u.text) window.__voice.spoken.push(u.text); };
`;

const voiceState = (page: Page) =>
  page.evaluate(() => (window as unknown as { __voice: { oscillators: number; spoken: string[] } }).__voice);

(why ? describe.skip : describe)('the wall speaks (Chromium)', () => {
  let server: ServerHandle;
  let kiosk: Browser;
  let robot: RobotStandIn;
  let dir: string;

  beforeAll(async () => {
    robot = await new RobotStandIn().start();
    dir = mkdtempSync(path.join(tmpdir(), 'zhihui-voice-'));
    const file = path.join(dir, 'zhihui.yaml');
    writeFileSync(
      file,
      `notifications:
  evaluateEverySec: 1
  announce: { minIntervalSec: 0 }
  channels:
    - { id: duty, kind: wecom, url: "${robot.url}/cgi-bin/webhook/send?key=k" }
`,
    );
    server = await startServer({ env: { ZHIHUI_CONFIG: file, ADMIN_KEY: 'admin-key' } });
    // A kiosk as the README sets it up: autoplay without a gesture.
    kiosk = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'],
    });
  }, 180_000);
  afterAll(async () => {
    await kiosk?.close();
    await server?.dispose();
    await robot?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function wall(browser: Browser, voice: boolean, policy = '') {
    const w = await openPage(browser, 'about:blank', { width: 1920, height: 1080 });
    await w.page.addInitScript(policy + instrument(voice));
    await w.page.goto(`${server.url}/wall/130111?sound=on`, { waitUntil: 'domcontentloaded' });
    await w.page.waitForSelector('[data-testid="wall"][data-link="live"]', { timeout: 120_000 });
    await w.page.waitForSelector('[data-testid="wall-voice"]', { state: 'attached' });
    await w.page.waitForTimeout(500);
    return w;
  }

  test('an urgent clue posted through the API: chime, then speechSynthesis with the zh-CN line', SLOW, async () => {
    const w = await wall(kiosk, true);
    try {
      expect(await w.page.getAttribute('[data-testid="wall-voice"]', 'data-blocked')).toBe('false');
      const before = await voiceState(w.page);
      const res = await server.send('POST', '/api/v1/clues', {
        category: 'environment',
        source: 'hotline',
        region: '130111103',
        title: '河道旁有人焚烧垃圾',
        urgent: true,
      });
      expect(res.status).toBe(201);
      await w.page.waitForFunction(
        () => (window as unknown as { __voice: { spoken: string[] } }).__voice.spoken.length > 0,
        null,
        { timeout: 60_000 },
      );
      const after = await voiceState(w.page);
      expect(after.oscillators).toBeGreaterThan(before.oscillators);
      expect(after.spoken).toEqual(['紧急线索:冶河镇,河道旁有人焚烧垃圾']);
      // A clue that is not urgent says nothing.
      await server.send('POST', '/api/v1/clues', {
        category: 'environment',
        source: 'hotline',
        region: '130111103',
        title: '普通线索',
      });
      await w.page.waitForTimeout(1500);
      expect((await voiceState(w.page)).spoken).toHaveLength(1);
      expect(w.errors).toEqual([]);
      expect(w.outside).toEqual([]);
    } finally {
      await w.close();
    }
  });

  test('no Chinese voice on the machine: the chime alone; a new roll-up alert is announced as well', SLOW, async () => {
    const w = await wall(kiosk, false);
    try {
      const res = await server.send('POST', '/api/v1/clues', {
        category: 'hazard',
        source: 'grid',
        region: '130111104',
        title: '桥梁护栏断裂',
        urgent: true,
      });
      expect(res.status).toBe(201);
      await w.page.waitForFunction(
        () => Number(document.querySelector('[data-testid="wall-voice"]')!.getAttribute('data-chimes')) >= 1,
        null,
        { timeout: 60_000 },
      );
      const s = await voiceState(w.page);
      expect(s.oscillators).toBeGreaterThan(0);
      expect(s.spoken).toEqual([]);
      expect(await w.page.getAttribute('[data-testid="wall-voice"]', 'data-last')).toBe('紧急线索:窦妪镇,桥梁护栏断裂');
      // A roll-up rule that fires for 冶河镇 at once: the wall's next poll announces it.
      const put = await fetch(`${server.url}/api/v1/admin/notifications/rules/yehe-down`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: 'Bearer admin-key' },
        body: JSON.stringify({
          kind: 'channels_down',
          region: '130111103',
          channels: ['duty'],
          minDown: 1,
          minutes: 0,
        }),
      });
      expect(put.status).toBe(200);
      await w.page.waitForFunction(
        () =>
          /冶河镇 \d+路视频离线/.test(
            document.querySelector('[data-testid="wall-voice"]')!.getAttribute('data-last') ?? '',
          ),
        null,
        { timeout: 90_000 },
      );
    } finally {
      await w.close();
    }
  });

  test(
    'the meeting view has the delivery log as a tab: the roll-up alert, its channel and its result',
    SLOW,
    async () => {
      const w = await openPage(kiosk, `${server.url}/meeting/130111?period=today&tab=notifications`, {
        width: 1920,
        height: 1080,
      });
      try {
        await w.page.waitForSelector('[data-testid="delivery-row"]', { timeout: 60_000 });
        const rows = await w.page.$$eval('[data-testid="delivery-row"]', (trs) =>
          trs.map((tr) => ({ status: tr.getAttribute('data-status'), text: tr.textContent ?? '' })),
        );
        const api = (
          await server.get<{ items: { status: string; message: { headline: string } }[] }>(
            '/api/v1/notifications/deliveries?region=130111&limit=300',
          )
        ).items;
        expect(rows).toHaveLength(api.length);
        expect(rows[0]!.status).toBe(api[0]!.status);
        expect(rows.some((r) => /冶河镇 \d+路视频离线/.test(r.text) && r.text.includes('duty'))).toBe(true);
        expect(w.errors).toEqual([]);
      } finally {
        await w.close();
      }
    },
  );

  test(
    'autoplay blocked (a desktop browser\'s policy): a one-time "点击开启声音" button unlocks sound',
    SLOW,
    async () => {
      // Headless Chromium lets every page play whatever --autoplay-policy says, so a page script
      // STANDS IN for a desktop browser's policy: audio stays suspended until a real user gesture
      // (a real pointer event, as the click below sends; Playwright's pages count as activated from
      // the start, so navigator.userActivation cannot tell).
      const plain = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      try {
        const w = await wall(
          plain,
          true,
          `
        let gesture = false;
        window.addEventListener('pointerdown', () => { gesture = true; }, true);
        const Real = AudioContext;
        window.AudioContext = class extends Real {
          constructor(...a) { super(...a); if (!gesture) void super.suspend(); }
          resume() { return gesture ? super.resume() : Promise.resolve(); }
        };`,
        );
        const button = w.page.getByTestId('sound-unlock');
        await button.waitFor({ timeout: 10_000 });
        expect(await button.textContent()).toContain('点击开启声音');
        await button.click();
        await button.waitFor({ state: 'detached', timeout: 10_000 });
        expect(await w.page.getAttribute('[data-testid="wall-voice"]', 'data-blocked')).toBe('false');
        await w.close();
      } finally {
        await plain.close();
      }
    },
  );
});
