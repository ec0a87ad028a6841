import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { HttpError } from '../errors.js';

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
  timeoutMs?: number;
}

export const PDF_UNAVAILABLE = 'PDF_UNAVAILABLE';

/**
 * HTML → A4 PDF with one headless Chromium, launched on first use and reused; a crashed browser
 * is relaunched on the next request. Reports are self-contained HTML, so the page never touches
 * the network (and is kept from doing so).
 */
export class PdfRenderer {
  readonly #opts: Required<PdfRendererOptions>;
  #browser: Promise<Browser> | null = null;
  #active = 0;
  readonly #queue: (() => void)[] = [];
  #closed = false;

  constructor(opts: PdfRendererOptions) {
    this.#opts = { concurrency: 1, timeoutMs: 30_000, ...opts };
  }

  async render(html: string): Promise<Buffer> {
    if (this.#closed) throw new HttpError(503, PDF_UNAVAILABLE, 'the server is shutting down');
    if (!existsSync(this.#opts.executablePath)) {
      throw new HttpError(503, PDF_UNAVAILABLE, `PDF export needs Chromium at ${this.#opts.executablePath} (apt-get install chromium fonts-noto-cjk); report.html prints the same report from a browser`);
    }
    await this.#acquire();
    try {
      const browser = await this.#launch();
      const page = await browser.newPage();
      try {
        page.setDefaultTimeout(this.#opts.timeoutMs);
        await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
        await page.setContent(html, { waitUntil: 'load' });
        // Fonts are local (fonts-noto-cjk); wait until they are laid out before printing.
        await page.evaluate('document.fonts.ready.then(() => true)');
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        await page.close().catch(() => undefined);
      }
    } finally {
      this.#release();
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
        const browser = await chromium.launch({ executablePath: this.#opts.executablePath, args: CHROMIUM_ARGS, headless: true, timeout: this.#opts.timeoutMs });
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
      throw new HttpError(503, PDF_UNAVAILABLE, `Chromium could not start for the PDF export: ${(err as Error).message.split('\n')[0]}`);
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
