// The one place tests ask whether this machine has a browser (Debian's Chromium, CJK fonts, and
// poppler's pdftotext for the PDF report). Locally a test that needs one skips with one line
// naming the Debian packages to install; under CI=true a missing browser fails the file instead,
// so a CI machine without it cannot go green by skipping.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';

/** Chromium as the tests and the server's PDF renderer use it (`CHROMIUM_PATH` overrides). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** What `apt-get install` needs for every browser test. */
export const BROWSER_PACKAGES = 'chromium fonts-noto-cjk poppler-utils';

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, cmd)));
}

/** Why the browser tests cannot run here, or null when they can. `pdf`: the test also reads PDFs. */
export function missingBrowser(opts: { pdf?: boolean } = {}): string | null {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  if (opts.pdf && !onPath('pdftotext')) return 'no pdftotext on PATH';
  return null;
}

const told = new Set<string>();

/**
 * For `describe.skipIf(...)` / `test.skipIf(...)`: true when the browser is missing and the test
 * should skip (printing one line, once per `what`); throws under CI=true, where a missing browser
 * is a failure. `what` names the tests, e.g. 'e2e: the wall'.
 */
export function skipWithoutBrowser(what: string, opts: { pdf?: boolean } = {}): boolean {
  const why = missingBrowser(opts);
  if (why === null) return false;
  const line = `${what} needs a browser (${why}): apt-get install ${BROWSER_PACKAGES}`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${line}`);
  if (!told.has(what)) {
    told.add(what);
    console.warn(`[skipped] ${line}`);
  }
  return true;
}

/** `describe` that runs only where the browser is (see `skipWithoutBrowser`). */
export function describeWithBrowser(name: string, fn: () => void, opts: { pdf?: boolean } = {}): void {
  describe.skipIf(skipWithoutBrowser(name, opts))(name, fn);
}
