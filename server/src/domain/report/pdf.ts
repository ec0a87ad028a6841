import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { HttpError } from '../errors.js';
import { ErrorCode } from '@zhihui/shared';

/** Launch flags that work as root and without a GPU (see TOOLING.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface PdfRendererOptions {
  executablePath: string;
  /** Pages rendered at once; more wait their turn (Chromium is heavy on a 2-core box). */
  concurrency?: number;
  /** Reports that may wait for their turn; past that a request is refused with 503 and retry-after. */
  maxQueue?: number;
  /** How long a rendered report is handed out again for the same request, and how many are kept. */
  cacheMs?: number;
  cacheEntries?: number;
  timeoutMs?: number;
}

/**
 * HTML → A4 PDF with one headless Chromium, launched on first use and reused; a crashed browser
 * is relaunched on the next request. Reports are self-contained HTML: the page never touches the
 * network (and is kept from doing so) and runs no JavaScript (reports need none, so nothing in
 * one could act).
 *
 * Reports are expensive (figures over the period, then Chromium), so `renderReport` bounds the
 * work: identical requests share one rendering and its result for a while, and past a short
 * queue a request is refused with 503 and retry-after rather than stalling everything else.
 */
export class PdfRenderer {
  readonly #opts: Required<PdfRendererOptions>;
  #browser: Promise<Browser> | null = null;
  #active = 0;
  readonly #queue: (() => void)[] = [];
  #closed = false;
  readonly #done = new Map<string, { at: number; pdf: Buffer }>();
  readonly #inFlight = new Map<string, Promise<Buffer>>();

  constructor(opts: PdfRendererOptions) {
    this.#opts = { concurrency: 1, maxQueue: 3, cacheMs: 60_000, cacheEntries: 16, timeoutMs: 30_000, ...opts };
  }

  /**
   * The PDF of the report named by `key` (everything that makes it differ: region, period, sort):
   * from the cache, from a rendering of it already under way, or built now with `html` in a
   * rendering slot. 503 with retry-after when the queue is full.
   */
  async renderReport(key: string, html: () => Promise<string>): Promise<Buffer> {
    const now = Date.now();
    for (const [k, v] of this.#done) if (now - v.at > this.#opts.cacheMs) this.#done.delete(k);
    const cached = this.#done.get(key);
    if (cached) return cached.pdf;
    const running = this.#inFlight.get(key);
    if (running) return running;
    this.#check();
    if (this.#active + this.#queue.length >= this.#opts.concurrency + this.#opts.maxQueue) {
      const busy = new HttpError(
        503,
        ErrorCode.pdfUnavailable,
        `the report renderer is busy (${this.#opts.maxQueue} reports waiting); retry shortly`,
      );
      busy.retryAfterSec = 5 * (1 + this.#queue.length);
      throw busy;
    }
    const job = this.#slot(async () => this.#print(await html()));
    this.#inFlight.set(key, job);
    try {
      const pdf = await job;
      this.#done.set(key, { at: Date.now(), pdf });
      while (this.#done.size > this.#opts.cacheEntries) this.#done.delete(this.#done.keys().next().value!);
      return pdf;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  async render(html: string): Promise<Buffer> {
    this.#check();
    return this.#slot(() => this.#print(html));
  }

  #check(): void {
    if (this.#closed) throw new HttpError(503, ErrorCode.pdfUnavailable, 'the server is shutting down');
    if (!existsSync(this.#opts.executablePath)) {
      throw new HttpError(
        503,
        ErrorCode.pdfUnavailable,
        `PDF export needs Chromium at ${this.#opts.executablePath} (apt-get install chromium fonts-noto-cjk); report.html prints the same report from a browser`,
      );
    }
  }

  async #slot<T>(f: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await f();
    } finally {
      this.#release();
    }
  }

  async #print(html: string): Promise<Buffer> {
    const browser = await this.#launch();
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(this.#opts.timeoutMs);
      await page.route('**/*', (route) =>
        route.request().url().startsWith('data:') ? route.continue() : route.abort(),
      );
      await page.setContent(html, { waitUntil: 'load' });
      // Fonts are local (fonts-noto-cjk); wait until they are laid out before printing. This runs
      // from the driver, not the page: the page's own scripts stay off.
      await page.evaluate('document.fonts.ready.then(() => true)');
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const b = this.#browser;
    this.#browser = null;
    if (b) await b.then((x) => x.close()).catch(() => undefined);
  }

  #launch(): Promise<Browser> {
    if (!this.#browser) {
      const launching = (async () => {
        const { chromium } = await import('playwright-core');
        const browser = await chromium.launch({
          executablePath: this.#opts.executablePath,
          args: CHROMIUM_ARGS,
          headless: true,
          timeout: this.#opts.timeoutMs,
        });
        browser.on('disconnected', () => {
          if (this.#browser === launching) this.#browser = null;
        });
        return browser;
      })();
      this.#browser = launching;
      launching.catch(() => {
        if (this.#browser === launching) this.#browser = null;
      });
    }
    return this.#browser.catch((err: unknown) => {
      throw new HttpError(
        503,
        ErrorCode.pdfUnavailable,
        `Chromium could not start for the PDF export: ${(err as Error).message.split('\n')[0]}`,
      );
    });
  }

  #acquire(): Promise<void> {
    if (this.#active < this.#opts.concurrency) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(() => resolve()));
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#active--;
  }
}
