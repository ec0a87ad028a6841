// End-to-end harness: the BUILT server (server/dist) as a child process and headless Chromium.
// It builds nothing: `npm test` builds first; a test calls `missingBuild()` and skips with the
// reason when the artefacts are not there.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS as SERVER_CHROMIUM_ARGS } from '../../server/src/domain/report/pdf.js';
import { CHROMIUM, skipWithoutBrowser } from '../support/browser.js';
import { freePort } from '../support/net.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_ENTRY = path.join(ROOT, 'server/dist/server.js');
export const CLIENT_INDEX = path.join(ROOT, 'client/dist/index.html');
export { CHROMIUM };
export const API_KEY = 'k';

/**
 * Why an e2e test cannot run here (a missing build or browser), or null when it can. `what` names
 * the tests in the one line printed when the browser is missing (under CI=true that throws).
 */
export function missingBuild(what: string, opts: { pdf?: boolean } = {}): string | null {
  if (!existsSync(SERVER_ENTRY))
    return `${path.relative(ROOT, SERVER_ENTRY)} is missing: run \`npx tsc -b server\` (npm test builds first)`;
  if (!existsSync(CLIENT_INDEX))
    return `${path.relative(ROOT, CLIENT_INDEX)} is missing: run \`npm run build -w client\``;
  if (skipWithoutBrowser(what, opts)) return `no browser at ${CHROMIUM}`;
  return null;
}

export interface ServerOptions {
  /** Run the simulator (default off: figures change only when the test changes them). */
  simulator?: boolean;
  port?: number;
  /** Reuse a data folder (a restart on the same data); a fresh temp folder by default. */
  dataDir?: string;
  /** Extra environment (REGION, SEED_ANCHOR, FLUSH_MS …). */
  env?: Record<string, string>;
}

export interface ServerHandle {
  url: string;
  port: number;
  dataDir: string;
  /** Output of the process so far (for failure messages). */
  log(): string;
  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  restart(): Promise<void>;
  /** Stops it and removes its data folder when the harness made it. */
  dispose(): Promise<void>;
  /** JSON from the server's API. */
  get<T>(p: string): Promise<T>;
  /** Authorised JSON write (Bearer API_KEY). */
  send<T>(method: 'POST' | 'PUT' | 'PATCH', p: string, body: unknown): Promise<{ status: number; body: T }>;
}

async function waitUp(url: string, proc: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/api/v1/ui-config`);
      if (res.status < 500) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not come up within ${timeoutMs} ms:\n${log()}`);
}

/** Starts `node server/dist/server.js` on 127.0.0.1 with its own data folder. */
export async function startServer(opts: ServerOptions = {}): Promise<ServerHandle> {
  const port = opts.port ?? (await freePort());
  const ownData = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'zhihui-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  let proc: ChildProcess | null = null;
  let out = '';
  const log = () => out.slice(-8000);

  const launch = async () => {
    out = '';
    proc = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        SIMULATOR: opts.simulator ? 'on' : 'off',
        API_KEYS: `test:${API_KEY}`,
        LOG_LEVEL: 'warn',
        DATABASE_URL: '',
        REDIS_URL: '',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await waitUp(url, proc, log);
  };

  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => p.kill('SIGKILL'), 10_000);
      p.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      p.kill('SIGTERM');
    });
  };

  await launch();
  return {
    url,
    port,
    dataDir,
    log,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      if (ownData) rmSync(dataDir, { recursive: true, force: true });
    },
    async get<T>(p: string): Promise<T> {
      const res = await fetch(url + p);
      if (!res.ok) throw new Error(`GET ${p} → ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    async send<T>(method: 'POST' | 'PUT' | 'PATCH', p: string, body: unknown) {
      const res = await fetch(url + p, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
  };
}

/** The server's own Chromium flags (root, no GPU, no background traffic), with a Chinese UI locale. */
export const CHROMIUM_ARGS = [...SERVER_CHROMIUM_ARGS, '--lang=zh-CN'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface PageWatch {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Requests to anywhere but the test server (data:/blob: URLs are local). */
  outside: string[];
  close(): Promise<void>;
}

/**
 * A page with a given viewport that records console errors and any request leaving the
 * machine. `deviceScaleFactor` 1: a 3840×2160 viewport is a 4K wall.
 */
export async function openPage(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
  /** Runs in the page before any of its own scripts (e.g. an observer that records what it shows). */
  initScript?: () => void,
): Promise<PageWatch> {
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  if (initScript) await page.addInitScript(initScript);
  const errors: string[] = [];
  const outside: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // The stack goes with the message: a minified library's error can read just "e".
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}${e.stack ? `\n${e.stack}` : ''}`));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.hostname !== '127.0.0.1') outside.push(r.url());
  });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { page, context, errors, outside, close: () => context.close() };
}

/** Waits until the wall is live and its map has loaded its style. */
export async function waitForWall(page: Page, timeoutMs = 90_000): Promise<void> {
  try {
    await page.waitForSelector('[data-testid="wall"][data-link="live"]', { timeout: timeoutMs });
    await page.waitForSelector('[data-testid="map"][data-loaded="true"]', { timeout: timeoutMs });
  } catch (err) {
    const state = await page
      .evaluate(() => ({
        url: location.href,
        link: document.querySelector('[data-testid="wall"]')?.getAttribute('data-link'),
        seq: document.querySelector('[data-testid="wall"]')?.getAttribute('data-seq'),
        map: document.querySelector('[data-testid="map"]')?.getAttribute('data-loaded') ?? 'no map',
        splash: document.querySelector('[data-testid="splash"]')?.textContent ?? null,
      }))
      .catch((e: unknown) => String(e));
    throw new Error(`wall not ready: ${JSON.stringify(state)}: ${(err as Error).message}`, { cause: err });
  }
}

export function tempDir(prefix = 'zhihui-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Which pixels `countPixels` counts: those near a colour, or strongly coloured ones (max − min channel above `chroma`). */
export type PixelTest = { near: [number, number, number]; within: number } | { chroma: number };

/** The page's own PNG decoder (the suite needs no image library), installed once per page. */
type Decoded = { w: number; h: number; d: Uint8ClampedArray };
type WithDecoder = { __decodePng?: (b64: string) => Promise<Decoded> };

async function installDecoder(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as WithDecoder;
    w.__decodePng ??= async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return { w: c.width, h: c.height, d: g.getImageData(0, 0, c.width, c.height).data };
    };
  });
}

/**
 * Counts the pixels of a screenshot that pass `test`, the PNG decoded by the page itself: for
 * what a page cannot read back, such as a worker's canvas or a playing video.
 */
export async function countPixels(page: Page, png: Buffer, test: PixelTest): Promise<{ n: number; total: number }> {
  await installDecoder(page);
  return page.evaluate(
    async ([b64, t]) => {
      const { d } = await (window as unknown as Required<WithDecoder>).__decodePng(b64);
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        const [r, gr, b] = [d[i]!, d[i + 1]!, d[i + 2]!];
        const pass =
          'near' in t
            ? Math.abs(r - t.near[0]) < t.within &&
              Math.abs(gr - t.near[1]) < t.within &&
              Math.abs(b - t.near[2]) < t.within
            : Math.max(r, gr, b) - Math.min(r, gr, b) > t.chroma;
        if (pass) n++;
      }
      return { n, total: d.length / 4 };
    },
    [png.toString('base64'), test] as const,
  );
}

/**
 * Where two screenshots of the same element differ into a colour near `near` (within `within` per
 * channel): the centre of the densest such spot (a 24 px square's worth around the busiest 12 px
 * cell), in CSS px of the element at a device pixel ratio of 1, and how many pixels changed there.
 * For finding what a worker drew where, e.g. the point of a channel that just went down.
 */
export async function changedSpot(
  page: Page,
  before: Buffer,
  after: Buffer,
  near: [number, number, number],
  within: number,
): Promise<{ x: number; y: number; n: number } | null> {
  await installDecoder(page);
  return page.evaluate(
    async ([a64, b64, rgb, tol]) => {
      const decode = (window as unknown as Required<WithDecoder>).__decodePng;
      const [A, B] = [await decode(a64), await decode(b64)];
      const hits: [number, number][] = [];
      for (let i = 0; i < B.d.length; i += 4) {
        const into = [0, 1, 2].every((k) => Math.abs(B.d[i + k]! - rgb[k]!) < tol);
        const was = [0, 1, 2].every((k) => Math.abs(A.d[i + k]! - rgb[k]!) < tol);
        if (into && !was) hits.push([(i / 4) % B.w, Math.floor(i / 4 / B.w)]);
      }
      const cells = new Map<string, number>();
      for (const [x, y] of hits) {
        const k = `${Math.floor(x / 12)},${Math.floor(y / 12)}`;
        cells.set(k, (cells.get(k) ?? 0) + 1);
      }
      const top = [...cells].sort((p, q) => q[1] - p[1])[0];
      if (!top) return null;
      const [cx, cy] = top[0].split(',').map((v) => (Number(v) + 0.5) * 12);
      const spot = hits.filter(([x, y]) => Math.abs(x - cx!) <= 12 && Math.abs(y - cy!) <= 12);
      return {
        x: spot.reduce((s, [x]) => s + x, 0) / spot.length,
        y: spot.reduce((s, [, y]) => s + y, 0) / spot.length,
        n: spot.length,
      };
    },
    [before.toString('base64'), after.toString('base64'), near, within] as const,
  );
}

/**
 * Waits until the wall map's points are drawn as of the state the wall shows now: the overlay's
 * canvas names the seq it drew (`data-drawn-for`), the wall its own (`data-seq`).
 */
export async function waitMapDrawn(page: Page, timeout = 15_000): Promise<void> {
  const seq = Number(await page.getByTestId('wall').getAttribute('data-seq'));
  await page.waitForFunction(
    (s) => Number(document.querySelector('canvas.map-overlay')?.getAttribute('data-drawn-for')) >= s,
    seq,
    { timeout },
  );
}
