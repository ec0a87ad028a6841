import { launchBrowser, openPage, startServer, waitForWall } from './harness.ts';
const server = await startServer({ simulator: true });
const browser = await launchBrowser();
const w = await openPage(browser, `${server.url}/wall/131000`, { width: 1920, height: 1080 });
await waitForWall(w.page, 120_000);
for (let i = 0; i < 6; i++) {
  await w.page.waitForTimeout(2000);
  console.log(await w.page.evaluate(() => [...document.querySelectorAll('.cluelist__row')].map((li) => {
    const cs = getComputedStyle(li);
    return `${li.className.replace('cluelist__row', '')} op=${cs.opacity} tr=${cs.transform} anims=${li.getAnimations().map((a) => a.playState + ':' + a.currentTime).join(',')}`;
  }).join('\n')));
  console.log('--', await w.page.getByTestId('map').getAttribute('data-zoom'));
}
await browser.close(); await server.dispose();
