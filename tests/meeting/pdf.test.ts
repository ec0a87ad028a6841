import { describe, expect, test } from 'vitest';
import { PdfRenderer } from '../../server/src/domain/report/pdf.js';
import { CHROMIUM } from '../support/browser.js';

describe('PdfRenderer', () => {
  test('without Chromium: a clear 503 PDF_UNAVAILABLE, not a 500', async () => {
    const r = new PdfRenderer({ executablePath: '/nonexistent/chromium' });
    await expect(r.render('<p>x</p>')).rejects.toMatchObject({
      statusCode: 503,
      code: 'PDF_UNAVAILABLE',
      message: expect.stringContaining('/nonexistent/chromium'),
    });
    await r.close();
  });
  test('after close: refuses instead of launching a browser during shutdown', async () => {
    const r = new PdfRenderer({ executablePath: CHROMIUM });
    await r.close();
    await expect(r.render('<p>x</p>')).rejects.toMatchObject({ statusCode: 503 });
  });
});
