// The duty desk's grid-report picker (GET /api/v1/grid/reports) on a province's three months of
// reports: one page (20, and the row that says another follows) read by the store along its time
// and region indexes (Store.gridReportsPage, what the route does since round sixteen), against the
// whole window read and sorted in memory (what it did before: store.gridReports, then filter,
// sort, slice, rewritten here). Pages of the whole province, of one county, and the third page of
// one township. SQLite file, WAL, as the server runs it. One run; prints JSON.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { dist, median } from './lib.mjs';

const { createSqliteStore } = await import(dist('store/sqlite/index.js'));

const DAYS = 92;
const REPORTS = Number(process.env.BENCH_GRID_REPORTS ?? 200_000);
const LIMIT = 20;
const ROUNDS = 15;
const DAY_MS = 86_400_000;

// 11 cities × 10 counties × 10 townships: 1,100 townships (a province's order of magnitude).
const towns = [];
for (let c = 1; c <= 11; c++)
  for (let k = 1; k <= 10; k++)
    for (let t = 1; t <= 10; t++)
      towns.push(`13${String(c).padStart(2, '0')}${String(k).padStart(2, '0')}${String(100 + t)}`);
const county = (town) => town.slice(0, 6);

const dir = await mkdtemp(path.join(tmpdir(), 'zhihui-bench-gridpage-'));
const file = path.join(dir, 'zhihui.db');
const now = Date.now();
{
  const s = createSqliteStore(file);
  await s.migrate();
  await s.close();
  // Written in one transaction straight into the file: a thousand fsyncs would only slow the setup.
  const db = new Database(file);
  const ins = db.prepare(
    'INSERT INTO grid_reports (id, worker_id, region, at, text, clue_id) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let i = 0; i < REPORTS; i++) {
      const town = towns[(i * 7919) % towns.length];
      const at = now - Math.floor(((i * 104_729) % (DAYS * 1000)) * (DAY_MS / 1000));
      ins.run(`R${i}`, `W${i % 5000}`, town, at, '日常巡查,未发现异常', i % 10 === 0 ? `C-${i}` : null);
    }
  })();
  db.close();
}

const store = createSqliteStore(file);
await store.migrate();
const from = new Date(now - DAYS * DAY_MS).toISOString();
const to = new Date(now + 1).toISOString();

/** The route's read before: every report of the window, filtered, sorted newest first, sliced. */
async function inMemoryPage(regions, after) {
  const all = await store.gridReports({ from, to, regions });
  const isAfter = (r) => {
    const t = Date.parse(r.at);
    return t < after.at || (t === after.at && r.id < after.id);
  };
  return all
    .filter((r) => after === null || isAfter(r))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, LIMIT + 1);
}

/** The route's read now. */
const storePage = (regions, after) =>
  store.gridReportsPage({
    from,
    to,
    regions,
    after: after && { at: new Date(after.at).toISOString(), id: after.id },
    limit: LIMIT + 1,
  });

/** Median ms of `read`, after checking both reads give the same page. */
async function timed(regions, after) {
  const a = (await storePage(regions, after)).map((r) => r.id);
  const b = (await inMemoryPage(regions, after)).map((r) => r.id);
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`pages differ: ${a} vs ${b}`);
  const out = {};
  for (const [name, read] of [
    ['store', storePage],
    ['inMemory', inMemoryPage],
  ]) {
    const ms = [];
    for (let k = 0; k < ROUNDS; k++) {
      const t0 = performance.now();
      await read(regions, after);
      ms.push(performance.now() - t0);
    }
    out[name] = median(ms);
  }
  return out;
}

const oneCounty = towns.filter((t) => county(t) === '130101');
const oneTown = [towns[0]];
// The third page of one township: the cursor after its first two pages.
const endOfFirst = (await storePage(oneTown, null))[LIMIT - 1];
const endOfSecond = (await storePage(oneTown, { at: Date.parse(endOfFirst.at), id: endOfFirst.id }))[LIMIT - 1];

const province = await timed(undefined, null);
const countyPage = await timed(oneCounty, null);
const townPage3 = await timed(oneTown, { at: Date.parse(endOfSecond.at), id: endOfSecond.id });
await store.close();
await rm(dir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    reports: REPORTS,
    provincePageMs: province.store,
    provincePageInMemoryMs: province.inMemory,
    countyPageMs: countyPage.store,
    countyPageInMemoryMs: countyPage.inMemory,
    townThirdPageMs: townPage3.store,
    townThirdPageInMemoryMs: townPage3.inMemory,
    provinceSpeedup: province.inMemory / province.store,
  }),
);
