import { launchBrowser, openPage, startServer } from './harness.ts';
const server = await startServer({ simulator: false });
const browser = await launchBrowser();
for (const code of ['131000', '130111103']) {
  const w = await openPage(browser, `${server.url}/wall/${code}`, { width: 1920, height: 1080 });
  w.page.on('websocket', (ws) => { ws.on('framereceived', (f) => { const s = String(f.payload); console.log('recv', s.length < 150 ? s : s.length); }); ws.on('framesent', (f) => console.log('sent', String(f.payload).slice(0, 100))); });
  for (let i = 0; i < 8; i++) {
    await w.page.waitForTimeout(2000);
    console.log(code, await w.page.getByTestId('wall').getAttribute('data-link'), await w.page.getByTestId('map').getAttribute('data-loaded').catch(() => 'nomap'), w.errors);
  }
  await w.close();
}
await browser.close(); await server.dispose();
