// The duty desk in a real browser against the real (built) server: an operator signs in, reports
// a clue from a map click and dispatches it while a township wall shows it; a leader opens the
// meeting; a wrong password locks out; a cookie write without the CSRF token is refused; bad input
// is shown next to its field and stores nothing.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Clue } from '@zhihui/shared';
import {
  launchBrowser,
  missingBuild,
  openPage,
  ROOT,
  startServer,
  tempDir,
  waitForWall,
  type ServerHandle,
} from './harness.js';

const why = missingBuild('e2e: the duty desk');
if (why) console.warn(`[e2e desk] skipped: ${why}`);

const TOWN = '130111100';
const OTHER_TOWN = '130111103';
const PW = 'Duty-desk-2026!';
const SHUANGSHANZI = '130321103';
const SLOW = { timeout: 240_000 };

function addUser(dataDir: string, name: string, role: string, region: string | null): void {
  const args = [
    path.join(ROOT, 'server/dist/cli/user.js'),
    'add',
    name,
    '--role',
    role,
    ...(region ? ['--region', region] : []),
  ];
  execFileSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', ZHIHUI_PASSWORD: PW, LOGIN_MAX_FAILURES: '3' },
    stdio: 'pipe',
  });
}

/** Signs `name` in on the login page `p` shows, and waits for the desk to be live. */
async function signInToDesk(p: Page, name: string): Promise<void> {
  await p.fill('input[name=name]', name);
  await p.fill('input[name=password]', PW);
  await p.click('button[type=submit]');
  await p.waitForSelector('[data-testid=desk][data-link=live]', { timeout: 60_000 });
}

describe.skipIf(why !== null)('the duty desk in Chromium', () => {
  let server: ServerHandle;
  let browser: Browser;
  beforeAll(async () => {
    const dataDir = tempDir('zhihui-desk-');
    // People are made before the server starts, as an installation would (the CLI seeds the store too).
    addUser(dataDir, '王值班', 'operator', TOWN);
    addUser(dataDir, '赵值班', 'operator', OTHER_TOWN);
    addUser(dataDir, '李主任', 'leader', '130111');
    addUser(dataDir, '锁定测试', 'operator', TOWN);
    addUser(dataDir, '刘值班', 'operator', SHUANGSHANZI);
    addUser(dataDir, '孙值班', 'operator', TOWN);
    server = await startServer({ dataDir, env: { LOGIN_MAX_FAILURES: '3', FLUSH_MS: '100' } });
    browser = await launchBrowser();
  }, SLOW.timeout);
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test(
    'an operator signs in, reports a clue from a map click, dispatches it; the township wall shows it (latency logged)',
    SLOW,
    async () => {
      const wall = await openPage(browser, `${server.url}/wall/${TOWN}`, { width: 1920, height: 1080 });
      const frames: { at: number; data: string }[] = [];
      wall.page.on('websocket', (ws) =>
        ws.on('framereceived', (f) => frames.push({ at: Date.now(), data: String(f.payload) })),
      );
      await wall.page.reload();
      await waitForWall(wall.page);
      const desk = await openPage(browser, `${server.url}/desk/${TOWN}`, { width: 1920, height: 1080 });
      const p = desk.page;
      await p.waitForURL(/\/login\?next=/);
      await p.fill('input[name=name]', '王值班');
      await p.fill('input[name=password]', PW);
      await p.click('button[type=submit]');
      await p.waitForURL(new RegExp(`/desk/${TOWN}$`));
      await p.waitForSelector('[data-testid=desk][data-link=live]', { timeout: 60_000 });
      await p.waitForSelector('[data-testid=desk-map] canvas');
      await p.waitForTimeout(1000);
      const box = (await p.locator('[data-testid=desk-map]').boundingBox())!;
      await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await p.waitForSelector('[data-testid=clue-form]');
      expect(await p.textContent('[data-testid=clue-location]')).toMatch(/\d+\.\d+, \d+\.\d+/);
      const title = `桥下积水 e2e ${Date.now() % 100000}`;
      await p.fill('input[name=title]', title);
      await p.selectOption('select[name=category]', 'hazard');
      // The wall notes, in its own clock, when the clue's row enters its list and the frame after
      // that (painted): what a person at the wall sees, not when a test's polling notices it.
      await wall.page.evaluate((t) => {
        const w = window as unknown as { __row?: number; __painted?: number };
        new MutationObserver((_, mo) => {
          if (!document.querySelector(`.cluelist__title[title="${t}"]`)) return;
          mo.disconnect();
          w.__row = Date.now();
          requestAnimationFrame(() => setTimeout(() => (w.__painted = Date.now()), 0));
        }).observe(document.body, { subtree: true, childList: true });
      }, title);
      let sentAt = 0;
      p.on('request', (r) => {
        if (r.url().endsWith('/api/v1/clues') && r.method() === 'POST') sentAt = Date.now();
      });
      const created = p.waitForResponse((r) => r.url().endsWith('/api/v1/clues') && r.request().method() === 'POST');
      await p.click('[data-testid=clue-form] button[type=submit]');
      const res = await created;
      const answeredAt = Date.now();
      expect(res.status()).toBe(201);
      const clue = (await res.json()) as Clue;
      await wall.page.waitForFunction(
        () => (window as unknown as { __painted?: number }).__painted !== undefined,
        null,
        {
          timeout: 20_000,
        },
      );
      const shown = await wall.page.evaluate(() => {
        const w = window as unknown as { __row: number; __painted: number };
        return { row: w.__row, painted: w.__painted };
      });
      const frameAt = frames.find((f) => f.data.includes(title))?.at ?? null;
      console.log(
        `[e2e desk] POST answered +${answeredAt - sentAt} ms; wall socket +${frameAt === null ? '?' : frameAt - sentAt} ms, row in the list +${shown.row - sentAt} ms, painted +${shown.painted - sentAt} ms`,
      );
      expect(frameAt).not.toBeNull();
      // Issue 14: "the wall shows it within a second" of the desk's action. Measured here on the
      // shared two-core machine (other sessions' tests running): painted 25–660 ms after the POST's
      // answer over seven runs (the slowest with five other test files running beside it; the row was
      // in the list at +25 ms there, the frame came late), so the margin to 1 s is about 340 ms at
      // worst seen; in one CI run beside the browser tests 1,120 ms, so this file runs alone after
      // the rest of the suite (vitest.config.ts). The 1.1–2.7 s this test
      // used to log was its own polling: a waitForSelector started after the answer and
      // bringToFront, polling on animation frames of a page whose software-GL map frames take
      // ~100 ms each; the row itself was in the wall's DOM 10–60 ms after the socket frame.
      expect(shown.painted - answeredAt).toBeLessThanOrEqual(1000);
      expect(clue).toMatchObject({ region: TOWN, createdBy: '王值班', status: 'reported' });
      expect(clue.lon).not.toBeNull();

      // Its nearest channels' video opens as a tile (the demo stream stands in for the platform here).
      await p.waitForSelector(`[data-testid=clue-detail][data-status=reported]`);
      await p.click('[data-testid=clue-video]');
      await p.waitForSelector('[data-testid=video-dock] [data-testid=dock-tile]', { timeout: 60_000 });
      // Verify, then dispatch with a unit and a due time.
      await p.keyboard.press('v');
      await p.fill('[data-testid=step-form] textarea[name=note]', '现场核实属实');
      await p.click('[data-testid=step-form] button[type=submit]');
      await p.waitForSelector(`[data-testid=clue-detail][data-status=verified]`);
      await p.click('button[data-step=dispatch]');
      await p.fill('input[name=assignee]', '栾城镇综治中心');
      await p.click('[data-testid=step-form] button[type=submit]');
      await p.waitForSelector(`[data-testid=clue-detail][data-status=dispatched]`);
      const stored = await server.get<Clue & { history: { to: string; actor: string; note: string | null }[] }>(
        `/api/v1/clues/${clue.id}`,
      );
      expect(stored).toMatchObject({ status: 'dispatched', assignee: '栾城镇综治中心' });
      expect(Date.parse(stored.dueAt!)).toBeGreaterThan(Date.now() + 2 * 86_400_000);
      expect(stored.history.map((h) => [h.to, h.actor])).toEqual([
        ['reported', '王值班'],
        ['verified', '王值班'],
        ['dispatched', '王值班'],
      ]);
      // A bad transition is named in the UI: the step form is open while another desk resolves and archives the clue.
      await p.click('button[data-step=feedback]');
      await p.fill('[data-testid=step-form] textarea[name=note]', '已清理');
      await p.evaluate(async (id) => {
        const s = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
        const patch = (status: string) =>
          fetch(`/api/v1/clues/${id}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
            body: JSON.stringify({ status }),
          });
        await patch('resolved');
        await patch('closed');
      }, clue.id);
      await p.waitForSelector(`[data-testid=clue-detail][data-status=closed]`);
      await p.click('[data-testid=step-form] button[type=submit]');
      await expect.poll(() => p.textContent('[data-testid=step-error]')).toMatch(/不能从“归档”转为“办结”/);
      expect(wall.errors.concat(desk.errors).filter((e) => !/\b(401|409)\b|Unauthorized|Conflict/.test(e))).toEqual([]);
      expect(desk.outside).toEqual([]);
      await wall.close();
      await desk.close();
    },
  );

  test(
    "a clue from a grid report: the picker lists the township's recent reports (not another's) and fills the form",
    SLOW,
    async () => {
      const workerIn = async (region: string) =>
        (await server.get<{ items: { id: string; region: string }[] }>(`/api/v1/grid/workers?region=${region}`))
          .items[0]!;
      const mine = await workerIn(TOWN);
      const theirs = await workerIn(OTHER_TOWN);
      const stamp = Date.now() % 100000;
      const text = `测试村宅基地边界纠纷 e2e${stamp}`;
      const made = await server.send<{ report: { id: string } }>('POST', '/api/v1/grid/reports', {
        workerId: mine.id,
        text,
      });
      expect(made.status).toBe(201);
      const reportId = made.body.report.id;
      const other = await server.send<{ report: { id: string } }>('POST', '/api/v1/grid/reports', {
        workerId: theirs.id,
        text: `别镇村路灯损坏 e2e${stamp}`,
      });
      expect(other.status).toBe(201);

      const desk = await openPage(browser, `${server.url}/login?next=/desk/${TOWN}`, { width: 1920, height: 1080 });
      const p = desk.page;
      await signInToDesk(p, '王值班');
      await p.keyboard.press('n');
      await p.waitForSelector(`select[name=gridReport] option[value="${reportId}"]`, { state: 'attached' });
      // Newest first: the report just filed heads the list; the other township's is not there.
      expect(await p.$eval('select[name=gridReport] option:nth-child(2)', (o) => (o as HTMLOptionElement).value)).toBe(
        reportId,
      );
      expect(await p.$(`select[name=gridReport] option[value="${other.body.report.id}"]`)).toBeNull();
      await p.selectOption('select[name=gridReport]', reportId);
      // The form is filled from the report: category from its words, region, worker, the township seat as the point.
      expect(await p.inputValue('select[name=category]')).toBe('dispute');
      expect(await p.inputValue('select[name=source]')).toBe('grid');
      expect(await p.inputValue('select[name=region]')).toBe(TOWN);
      expect(await p.inputValue('input[name=gridWorkerId]')).toBe(mine.id);
      expect(await p.inputValue('input[name=title]')).toBe(text);
      expect(await p.inputValue('textarea[name=description]')).toMatch(/^测试村 · 网格员.+上报:测试村宅基地边界纠纷/);
      const seat = (await server.get<{ region: { center: [number, number] } }>(`/api/v1/regions/${TOWN}`)).region
        .center;
      expect(await p.textContent('[data-testid=clue-location]')).toContain(seat[0].toFixed(5));
      if (process.env.DESK_SHOTS)
        await p.screenshot({ path: path.join(process.env.DESK_SHOTS, 'desk-grid-report.png') });
      const created = p.waitForResponse((r) => r.url().endsWith('/api/v1/clues') && r.request().method() === 'POST');
      await p.click('[data-testid=clue-form] button[type=submit]');
      const res = await created;
      expect(res.status()).toBe(201);
      const clue = (await res.json()) as Clue;
      expect(clue).toMatchObject({
        source: 'grid',
        category: 'dispute',
        region: TOWN,
        gridWorkerId: mine.id,
        title: text,
        lon: seat[0],
        lat: seat[1],
        createdBy: '王值班',
      });
      expect(clue.description).toContain(`[网格上报 ${reportId}]`);
      await p.waitForSelector(`[data-testid=clue-detail][data-status=reported]`);
      expect(desk.errors).toEqual([]);
      await desk.close();
    },
  );

  test(
    'bad input: each field of the report and dispatch forms gets a 4xx naming it, shown next to it; nothing is stored',
    SLOW,
    async () => {
      const desk = await openPage(browser, `${server.url}/login?next=/desk/${TOWN}`, { width: 1920, height: 1080 });
      const p = desk.page;
      await signInToDesk(p, '王值班');
      const before = (await server.get<{ items: Clue[] }>(`/api/v1/clues?region=${TOWN}&limit=500`)).items.length;
      await p.keyboard.press('n');
      await p.waitForSelector('[data-testid=clue-form]');
      // Empty title.
      await p.click('[data-testid=clue-form] button[type=submit]');
      await p.waitForSelector('.field-error[data-field=title]');
      // Too long a title, then too long a description.
      await p.fill('input[name=title]', '长'.repeat(250));
      await p.click('[data-testid=clue-form] button[type=submit]');
      await expect.poll(() => p.textContent('.field-error[data-field=title]')).toMatch(/200|more than/);
      await p.fill('input[name=title]', '正常标题');
      await p.fill('textarea[name=description]', '长'.repeat(4100));
      await p.click('[data-testid=clue-form] button[type=submit]');
      await p.waitForSelector('.field-error[data-field=description]');
      // A region outside the operator's township (the select offers none: tamper with it as a client could).
      await p.fill('textarea[name=description]', '');
      await p.evaluate((code) => {
        const s = document.querySelector<HTMLSelectElement>('select[name=region]')!;
        const o = document.createElement('option');
        o.value = code;
        o.textContent = code;
        s.appendChild(o);
      }, OTHER_TOWN);
      await p.selectOption('select[name=region]', OTHER_TOWN);
      await p.click('[data-testid=clue-form] button[type=submit]');
      await p.waitForSelector('.field-error[data-field=region]');
      const after = (await server.get<{ items: Clue[] }>(`/api/v1/clues?region=${TOWN}&limit=500`)).items.length;
      expect(after).toBe(before);
      expect(
        (await server.get<{ items: Clue[] }>(`/api/v1/clues?region=${OTHER_TOWN}&limit=500`)).items.some(
          (c) => c.title === '正常标题',
        ),
      ).toBe(false);
      await desk.close();
    },
  );

  test(
    'bad input in the sign-in and dispatch forms is named in the UI in Chinese and changes nothing; a 409 names both states',
    SLOW,
    async () => {
      const w = await openPage(browser, `${server.url}/login?next=/desk/${TOWN}`, { width: 1920, height: 1080 });
      const p = w.page;
      // Sign-in: an empty form names its fields; a wrong password says so in Chinese and signs nobody in.
      await p.click('button[type=submit]');
      await p.waitForSelector('.field-error[data-field=name]');
      expect(await p.textContent('.field-error[data-field=name]')).toMatch(/必填/);
      await p.fill('input[name=name]', '孙值班');
      await p.fill('input[name=password]', 'Not-the-password-1!');
      const refused = p.waitForResponse((r) => r.url().endsWith('/api/v1/session'));
      await p.click('button[type=submit]');
      expect((await refused).status()).toBe(401);
      await expect.poll(() => p.textContent('[data-testid=login-error]')).toBe('账号或密码错误');
      expect(p.url()).toMatch(/\/login\?next=/);
      expect(await p.inputValue('input[name=password]')).toBe('');
      expect(await p.evaluate(async () => (await fetch('/api/v1/session')).status)).toBe(401);
      // One failure locks nothing: the right password still signs in.
      await p.fill('input[name=password]', PW);
      await p.click('button[type=submit]');
      await p.waitForSelector('[data-testid=desk][data-link=live]', { timeout: 60_000 });

      // A verified clue of the township, made by another system, reaches the desk live.
      const id = `E2E-DISPATCH-${Date.now() % 100000}`;
      const made = await server.send('POST', '/api/v1/clues', {
        id,
        category: 'hazard',
        source: 'hotline',
        region: TOWN,
        title: '派发校验测试',
      });
      expect(made.status).toBe(201);
      expect((await server.send('PATCH', `/api/v1/clues/${id}`, { status: 'verified' })).status).toBe(200);
      await p.click(`[data-clue="${id}"]`);
      await p.waitForSelector('[data-testid=clue-detail][data-status=verified]');
      await p.click('button[data-step=dispatch]');
      // No unit to dispatch to: named next to the field.
      await p.click('[data-testid=step-form] button[type=submit]');
      await p.waitForSelector('[data-testid=step-form] .field-error[data-field=assignee]');
      expect(await p.textContent('.field-error[data-field=assignee]')).toMatch(/必填/);
      // A due time in the past: named next to the due time.
      await p.fill('input[name=assignee]', '栾城镇综治中心');
      await p.fill('input[name=dueAt]', '2020-01-06T18:00');
      await p.click('[data-testid=step-form] button[type=submit]');
      await p.waitForSelector('[data-testid=step-form] .field-error[data-field=dueAt]');
      expect(await p.textContent('.field-error[data-field=dueAt]')).toMatch(/须晚于当前时间/);
      expect(await p.$('[data-testid=step-form] .field-error[data-field=assignee]')).toBeNull();
      const stored = await server.get<Clue & { history: unknown[] }>(`/api/v1/clues/${id}`);
      expect(stored).toMatchObject({ status: 'verified', assignee: null });
      expect(stored.history).toHaveLength(2);
      // While the form is open, another desk declares the clue invalid: the dispatch is a 409 naming both states.
      expect((await server.send('PATCH', `/api/v1/clues/${id}`, { status: 'invalid' })).status).toBe(200);
      await p.fill('input[name=dueAt]', '2099-01-05T18:00');
      await p.click('[data-testid=step-form] button[type=submit]');
      await expect.poll(() => p.textContent('[data-testid=step-error]')).toMatch(/不能从“无效”转为“派发”/);
      await p.waitForSelector('[data-testid=clue-detail][data-status=invalid]');
      expect(await server.get<Clue>(`/api/v1/clues/${id}`)).toMatchObject({ status: 'invalid', assignee: null });
      if (process.env.DESK_SHOTS)
        await p.screenshot({ path: path.join(process.env.DESK_SHOTS, 'desk-dispatch-409.png') });
      await w.close();
    },
  );

  test(
    'a wrong password locks out after 3 tries, shown on the page; a leader opens the meeting; a cookie write without the CSRF token is refused',
    SLOW,
    async () => {
      const w = await openPage(browser, `${server.url}/login`, { width: 1920, height: 1080 });
      const p = w.page;
      const tries: number[] = [];
      for (let i = 0; i < 3; i++) {
        await p.fill('input[name=name]', '锁定测试');
        await p.fill('input[name=password]', `Wrong-pass-${i}!`);
        const r = p.waitForResponse((x) => x.url().endsWith('/api/v1/session'));
        await p.click('button[type=submit]');
        tries.push((await r).status());
        await p.waitForSelector('[data-testid=login-error]');
      }
      expect(tries).toEqual([401, 401, 423]);
      await p.fill('input[name=password]', PW);
      await p.click('button[type=submit]');
      await expect.poll(() => p.textContent('[data-testid=login-error]')).toMatch(/锁定/);
      expect(p.url()).toMatch(/\/login/);

      // The leader: signs in and opens the county's meeting view.
      await p.fill('input[name=name]', '李主任');
      await p.fill('input[name=password]', PW);
      await p.click('button[type=submit]');
      await p.waitForURL(/\/desk\/130111/);
      await p.goto(`${server.url}/meeting/130111`);
      await p.waitForSelector('[data-testid=meeting-page]', { timeout: 60_000 });
      expect(await p.$('[data-testid=meeting-error]')).toBeNull();

      // A cookie-authenticated write without the token: refused, nothing changed.
      const op = await openPage(browser, `${server.url}/login`, { width: 1280, height: 800 });
      await op.page.fill('input[name=name]', '王值班');
      await op.page.fill('input[name=password]', PW);
      await op.page.click('button[type=submit]');
      await op.page.waitForURL(/\/desk\//);
      const outcome = await op.page.evaluate(async () => {
        const r = await fetch('/api/v1/clues', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ category: 'hazard', source: 'hotline', region: '130111100', title: '无令牌写入' }),
        });
        return { status: r.status, body: (await r.json()) as { error: { code: string } } };
      });
      expect(outcome).toMatchObject({ status: 403, body: { error: { code: 'CSRF_REFUSED' } } });
      expect(
        (await server.get<{ items: Clue[] }>(`/api/v1/clues?region=${TOWN}&limit=500`)).items.some(
          (c) => c.title === '无令牌写入',
        ),
      ).toBe(false);
      // The other township's clue: not seen, not changed, from the same page.
      const other = (await server.get<{ items: Clue[] }>(`/api/v1/clues?region=${OTHER_TOWN}&open=true&limit=1`))
        .items[0];
      if (other) {
        const seen = await op.page.evaluate(async (id) => (await fetch(`/api/v1/clues/${id}`)).status, other.id);
        expect(seen).toBe(404);
      }
      await op.close();
      await w.close();
    },
  );
  test(
    '说事儿 at the desk: a bad appeal is refused next to its fields; an appeal is recorded, grouped into a topic, given an owner and an outcome',
    SLOW,
    async () => {
      const w = await openPage(
        browser,
        `${server.url}/login?next=${encodeURIComponent(`/desk/${SHUANGSHANZI}?view=appeals`)}`,
        { width: 1920, height: 1080 },
      );
      const p = w.page;
      await p.fill('input[name=name]', '刘值班');
      await p.fill('input[name=password]', PW);
      await p.click('button[type=submit]');
      await p.waitForSelector('[data-testid=appeals-view]', { timeout: 60_000 });
      const before = (await server.get<{ items: unknown[] }>(`/api/v1/appeals?region=${SHUANGSHANZI}`)).items.length;
      await p.click('[data-testid=appeal-form] button[type=submit]');
      await p.waitForSelector('[data-testid=appeal-form] .field-error[data-field=appellant]');
      expect(await p.$('[data-testid=appeal-form] .field-error[data-field=village]')).not.toBeNull();
      expect(await p.$('[data-testid=appeal-form] .field-error[data-field=text]')).not.toBeNull();
      expect((await server.get<{ items: unknown[] }>(`/api/v1/appeals?region=${SHUANGSHANZI}`)).items.length).toBe(
        before,
      );
      const made: string[] = [];
      for (const who of ['王大山', '王大山']) {
        await p.fill('input[name=appellant]', who);
        await p.fill('input[name=village]', '测试村');
        await p.fill('textarea[name=text]', '村口路灯不亮');
        const res = p.waitForResponse((r) => r.url().endsWith('/api/v1/appeals') && r.request().method() === 'POST');
        await p.click('[data-testid=appeal-form] button[type=submit]');
        const r = await res;
        expect(r.status()).toBe(201);
        made.push(((await r.json()) as { id: string }).id);
      }
      // An outcome without an owner is refused next to the owner field.
      await p.waitForSelector('[data-testid=work-form]');
      await p.selectOption('[data-testid=work-form] select[name=outcome]', 'resolved');
      await p.click('[data-testid=work-form] button[type=submit]');
      await p.waitForSelector('[data-testid=work-form] .field-error[data-field=owner]');
      await p.fill('[data-testid=work-form] input[name=owner]', '镇村建办');
      await p.click('[data-testid=work-form] button[type=submit]');
      await expect
        .poll(async () =>
          (
            (await server.get<
              | { outcome: string | null; owner: string | null }[]
              | { items: { id: string; outcome: string | null; owner: string | null }[] }
            >(`/api/v1/appeals?region=${SHUANGSHANZI}`)) as {
              items: { id: string; outcome: string | null; owner: string | null }[];
            }
          ).items.find((a) => a.id === made[1]),
        )
        .toMatchObject({ owner: '镇村建办', outcome: 'resolved' });
      // From the appeal, a clue on the wall (source 说事儿日), linked back.
      await p.click('[data-testid=appeal-to-clue]');
      await p.waitForSelector('[data-testid=appeal-clue]');
      const linked = (
        await server.get<{ items: { id: string; clueId: string | null }[] }>(`/api/v1/appeals?region=${SHUANGSHANZI}`)
      ).items.find((a) => a.id === made[1])!;
      expect(await server.get<{ source: string; createdBy: string }>(`/api/v1/clues/${linked.clueId}`)).toMatchObject({
        source: 'appeal_day',
        createdBy: '刘值班',
      });
      // 议事: both appeals become a topic.
      for (const id of made) await p.check(`[data-appeal="${id}"] >> xpath=.. >> input[type=checkbox]`);
      // A topic without a title is refused next to the title field, and groups nothing.
      await p.click('[data-testid=topic-form] button[type=submit]');
      await p.waitForSelector('[data-testid=topic-form] .field-error[data-field=title]');
      const grouped = async () =>
        (
          await server.get<{ items: { topicId: string | null; id: string }[] }>(
            `/api/v1/appeals?region=${SHUANGSHANZI}`,
          )
        ).items.filter((a) => made.includes(a.id) && a.topicId !== null).length;
      expect(await grouped()).toBe(0);
      await p.fill('[data-testid=topic-form] input[name=title]', '测试村路灯维修');
      await p.fill('[data-testid=topic-form] textarea[name=decision]', '镇村建办一周内修复');
      await p.click('[data-testid=topic-form] button[type=submit]');
      await expect
        .poll(
          async () =>
            (
              await server.get<{ items: { topicId: string | null; id: string }[] }>(
                `/api/v1/appeals?region=${SHUANGSHANZI}`,
              )
            ).items.filter((a) => made.includes(a.id) && a.topicId !== null).length,
        )
        .toBe(2);
      await w.close();
    },
  );
});
