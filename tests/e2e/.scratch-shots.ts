// scratch (helper) — removed at end
import { launchBrowser, openPage, startServer, waitForWall } from './harness.js';
const shots = process.argv.slice(2).map((s) => { const [region, w, h, q] = s.split(':'); return { region, width: +w, height: +h, q: q ?? '' }; });
const server = await startServer({ simulator: false });
const browser = await launchBrowser();
try {
  for (const s of shots) {
    const w = await openPage(browser, `${server.url}/wall/${s.region}${s.q ? '?' + s.q : ''}`, { width: s.width, height: s.height });
    await waitForWall(w.page);
    await w.page.waitForTimeout(1500);
    const file = `/tmp/wallpol/${s.region}-${s.width}x${s.height}${s.q ? '-' + s.q.replace(/[^a-z0-9]/gi, '') : ''}.png`;
    await w.page.screenshot({ path: file });
    const report = await w.page.evaluate(() => {
      const out: string[] = [];
      const roots = document.querySelectorAll<HTMLElement>('.panel__body, .alerts, .wall-header');
      for (const root of roots) {
        const rr = root.getBoundingClientRect();
        const name = root.closest('[data-testid]')?.getAttribute('data-testid') ?? root.className;
        for (const el of [root, ...root.querySelectorAll<HTMLElement>('*')]) {
          if (el.closest('.maplibregl-map, .chart, .alerts__track')) continue;
          const r = el.getBoundingClientRect();
          if (r.width === 0) continue;
          const desc = `${name} .${String(el.className).split(' ')[0]} "${(el.textContent ?? '').slice(0, 30)}"`;
          if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) out.push(`clip-x ${desc} ${el.scrollWidth}>${el.clientWidth} title=${el.title}`);
          if (el.scrollHeight > el.clientHeight + 1 && el.clientHeight > 0) out.push(`clip-y ${desc} ${el.scrollHeight}>${el.clientHeight}`);
          if (r.right > rr.right + 1 || r.left < rr.left - 1 || r.bottom > rr.bottom + 1 || r.top < rr.top - 1) out.push(`out ${desc}`);
        }
      }
      return out;
    });
    console.log(file, '\n  ' + report.join('\n  '), w.errors);
    await w.close();
  }
} finally {
  await browser.close();
  await server.dispose();
}
