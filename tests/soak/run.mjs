#!/usr/bin/env node
// Soak: the built server with the simulator at 10× speed and one wall in headless Chromium for a
// while, sampling the page's memory through CDP after a forced GC. A wall runs for weeks, so
// what matters is the trend: the least-squares slope per hour of each figure.
//
//   npm run soak -- --minutes 30 [--interval 15] [--region 130111] [--speed 10] [--tiles 4] [--key-sec 10]
//
// The wall plays `--tiles` key-channel tiles (the built-in demo stream), moving on every
// `--key-sec` seconds, so every player is created and destroyed hundreds of times.
//
// Writes bench/results/soak.json and prints a table.
/* global document -- page.evaluate callbacks run in Chromium, not in Node */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const { CHROMIUM_ARGS: ARGS } = await import(path.join(ROOT, 'server/dist/domain/report/pdf.js'));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
function argStr(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

const minutes = arg('minutes', 5);
const intervalSec = arg('interval', Math.min(30, Math.max(5, Math.round((minutes * 60) / 40))));
const speed = arg('speed', 10);
const region = argStr('region', '130111');
const tiles = arg('tiles', 4);
const keySec = arg('key-sec', 10);
const out = path.resolve(ROOT, argStr('out', 'bench/results/soak.json'));

for (const [file, hint] of [
  [path.join(ROOT, 'server/dist/server.js'), 'npx tsc -b server'],
  [path.join(ROOT, 'client/dist/index.html'), 'npm run build -w client'],
  [CHROMIUM, 'apt-get install -y chromium fonts-noto-cjk'],
]) {
  if (!existsSync(file)) {
    console.error(`soak: ${path.relative(ROOT, file) || file} is missing (${hint})`);
    process.exit(2);
  }
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Least-squares slope of y over x. */
function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return null;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

const rssOf = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
};

const port = await freePort();
const dataDir = mkdtempSync(path.join(tmpdir(), 'zhihui-soak-'));
const url = `http://127.0.0.1:${port}`;
const configFile = path.join(dataDir, 'soak.yaml');
writeFileSync(configFile, `video:\n  keySec: ${keySec}\n  maxTiles: ${Math.max(4, tiles)}\n`);
const server = spawn(process.execPath, [path.join(ROOT, 'server/dist/server.js')], {
  cwd: ROOT,
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SIMULATOR: 'on',
    SIMULATOR_SPEED: String(speed),
    API_KEYS: 'soak:k',
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    REDIS_URL: '',
    ZHIHUI_CONFIG: configFile,
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
let browser = null;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  if (server.exitCode === null) server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
};
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

try {
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    if (i > 600) throw new Error('server did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const context = await browser.newContext({
    viewport: { width: 1920, height: 1080 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${url}/wall/${region}?keyTiles=${tiles}`);
  await page.waitForSelector('[data-testid="wall"][data-link="live"]', { timeout: 60_000 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');

  console.log(
    `soak: ${minutes} min, a sample every ${intervalSec} s, simulator ×${speed}, wall /wall/${region} with ${tiles} key tiles moving every ${keySec} s, server pid ${server.pid}`,
  );
  const cols = [
    'min',
    'heapMB',
    'nodes',
    'listeners',
    'domNodes',
    'domListeners',
    'documents',
    'serverRssMB',
    'link',
    'videos',
    'tilesLive',
  ];
  console.log(cols.map((c) => c.padStart(12)).join(''));
  const samples = [];
  const t0 = Date.now();
  const end = t0 + minutes * 60_000;
  for (;;) {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const dom = await cdp.send('Memory.getDOMCounters');
    const link = await page.getByTestId('wall').getAttribute('data-link');
    // The function runs in the page (Chromium), where `document` is a global.
    const video = await page.evaluate(() => ({
      videos: document.querySelectorAll('video').length,
      tilesLive: document.querySelectorAll('[data-testid="key-tile"][data-state="live"]').length,
    }));
    const s = {
      t: (Date.now() - t0) / 1000,
      jsHeapUsed: m.JSHeapUsedSize,
      nodes: m.Nodes,
      jsEventListeners: m.JSEventListeners,
      domNodes: dom.nodes,
      domJsEventListeners: dom.jsEventListeners,
      documents: dom.documents,
      serverRss: rssOf(server.pid),
      link,
      ...video,
    };
    samples.push(s);
    const row = [
      (s.t / 60).toFixed(1),
      (s.jsHeapUsed / 1048576).toFixed(2),
      s.nodes,
      s.jsEventListeners,
      s.domNodes,
      s.domJsEventListeners,
      s.documents,
      s.serverRss === null ? '-' : (s.serverRss / 1048576).toFixed(1),
      link,
      s.videos,
      s.tilesLive,
    ];
    console.log(row.map((c) => String(c).padStart(12)).join(''));
    if (Date.now() + intervalSec * 1000 > end + 500) break;
    await new Promise((r) => setTimeout(r, intervalSec * 1000));
  }

  const keys = [
    ['jsHeapUsed', 'bytes'],
    ['nodes', 'count'],
    ['jsEventListeners', 'count'],
    ['domNodes', 'count'],
    ['domJsEventListeners', 'count'],
    ['documents', 'count'],
    ['serverRss', 'bytes'],
  ];
  const hours = samples.map((s) => s.t / 3600);
  // The first samples include start-up (fonts, tiles of the map, first snapshot): also report the trend without them.
  const skip = Math.floor(samples.length / 4);
  const trends = {};
  console.log('\nleast-squares slope per hour (all samples | after the first quarter), first → last');
  for (const [k, unit] of keys) {
    const ys = samples.map((s) => s[k]);
    if (ys.some((y) => y === null || y === undefined)) continue;
    const all = slope(hours, ys);
    const late = slope(hours.slice(skip), ys.slice(skip));
    trends[k] = {
      unit,
      perHour: all,
      perHourAfterWarmup: late,
      first: ys[0],
      last: ys[ys.length - 1],
      min: Math.min(...ys),
      max: Math.max(...ys),
    };
    const f = (v) => (v === null ? '-' : unit === 'bytes' ? `${(v / 1048576).toFixed(2)} MB/h` : `${v.toFixed(1)}/h`);
    const g = (v) => (unit === 'bytes' ? `${(v / 1048576).toFixed(2)} MB` : String(v));
    console.log(
      `${k.padEnd(22)}${f(all).padStart(14)} |${f(late).padStart(14)}   ${g(ys[0])} → ${g(ys[ys.length - 1])}`,
    );
  }
  const result = {
    date: new Date().toISOString(),
    minutes,
    intervalSec,
    simulatorSpeed: speed,
    region,
    tiles,
    keySec,
    samples,
    trends,
    linkNotLive: samples.filter((s) => s.link !== 'live').length,
    pageErrors,
    machine: { node: process.version, platform: process.platform },
  };
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(
    `\nsamples not live: ${result.linkNotLive}; page errors: ${pageErrors.length}\nwrote ${path.relative(ROOT, out)}`,
  );
} finally {
  await cleanup();
}
