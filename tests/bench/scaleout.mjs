// Scale-out benchmark: status ingest into PostgreSQL vs SQLite through the stores' applyStatus
// (batches of 5,000), and delta fan-out latency across two server processes sharing PostgreSQL
// and Redis (walls on B, posts on A) next to the single-process case (walls and posts on A).
// Prints a table of medians and percentiles and writes bench/results/scaleout.json.
//
//   npx tsc -b shared server && node tests/bench/scaleout.mjs
//   env: BENCH_DATABASE_URL (else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test),
//        BENCH_REDIS_URL (else TEST_REDIS_URL, else redis://127.0.0.1:6379), BENCH_QUICK=1 for a short run.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { io as connect } from 'socket.io-client';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { createSqliteStore } = await import(path.join(root, 'server/dist/store/sqlite/index.js'));
const { createPostgresStore } = await import(path.join(root, 'server/dist/store/postgres/index.js'));

const DB = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.BENCH_REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = QUICK ? 3 : 5;
const BATCHES = QUICK ? 3 : 6;
const BATCH = 5000;
const FANOUT_SAMPLES = QUICK ? 40 : 150;
const WALLS = 10;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

async function freshSchema() {
  const schema = `zh_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: DB });
  await c.connect();
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.end();
  const u = new URL(DB);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: DB });
      await d.connect();
      await d.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await d.end();
    },
  };
}

// ── ingest ─────────────────────────────────────────────────────────────────

const camIds = Array.from({ length: BATCH }, (_, i) => `1301110000132${String(i).padStart(7, '0')}`);
const inventory = camIds.map((id, i) => ({ id, name: `c${i}`, region: '130111100', lon: 114.6, lat: 37.9 }));
const base = Date.parse('2026-11-27T00:00:00+08:00');

/** Reports per second for each batch: even batches flip every channel (changes), odd ones repeat it (heartbeats). */
async function ingestRun(store) {
  await store.migrate();
  await store.upsertCameras(inventory, 'bench', new Date(base).toISOString());
  const changes = [];
  const heartbeats = [];
  for (let b = 0; b < BATCHES * 2; b++) {
    const round = Math.floor(b / 2);
    const status = round % 2 === 0 ? 'offline' : 'online';
    const at = new Date(base + (b + 1) * 60_000).toISOString();
    const reports = camIds.map((cameraId) => ({
      cameraId,
      status,
      reason: status === 'offline' ? 'power' : null,
      at,
      actor: 'bench',
    }));
    const t0 = performance.now();
    const r = await store.applyStatus(reports);
    const rate = BATCH / ((performance.now() - t0) / 1000);
    if (b % 2 === 0) {
      if (r.changed.length !== BATCH) throw new Error(`expected ${BATCH} changes, got ${r.changed.length}`);
      changes.push(rate);
    } else heartbeats.push(rate);
  }
  return { changes, heartbeats };
}

async function ingest() {
  const out = { sqlite: { changes: [], heartbeats: [] }, postgres: { changes: [], heartbeats: [] } };
  for (let run = 0; run < RUNS; run++) {
    // Interleaved runs, so a noisy neighbour on the shared machine hits both alike.
    const dir = mkdtempSync(path.join(tmpdir(), 'zh-bench-'));
    const lite = createSqliteStore(path.join(dir, 'zhihui.db'));
    try {
      const r = await ingestRun(lite);
      out.sqlite.changes.push(median(r.changes));
      out.sqlite.heartbeats.push(median(r.heartbeats));
    } finally {
      await lite.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const db = await freshSchema();
    const pgs = await createPostgresStore(db.url);
    try {
      const r = await ingestRun(pgs);
      out.postgres.changes.push(median(r.changes));
      out.postgres.heartbeats.push(median(r.heartbeats));
    } finally {
      await pgs.close();
      await db.drop();
    }
  }
  return out;
}

// ── fan-out ────────────────────────────────────────────────────────────────

function startServer(name, dbUrl, dataDir) {
  const child = spawn(process.execPath, ['server/dist/server.js'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl,
      REDIS_URL: REDIS,
      SIMULATOR: 'off',
      API_KEYS: 'bench:k',
      DATA_DIR: path.join(dataDir, name),
      HEARTBEAT_GRACE: '3600',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    let up = false;
    const look = (d) => {
      if (up) return; // keep draining the pipe, stop keeping the text
      buf = (buf + d.toString()).slice(-20_000);
      const m = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(buf);
      if (m) {
        up = true;
        resolve({ child, url: `http://127.0.0.1:${m[1]}` });
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}):\n${buf.slice(-3000)}`)));
  });
}

function subscribe(s, region) {
  return new Promise((resolve, reject) =>
    s
      .timeout(30_000)
      .emit('subscribe', { region }, (err, res) =>
        err ? reject(err) : res.ok ? resolve(res.data) : reject(new Error(JSON.stringify(res.error))),
      ),
  );
}

/** Latency from sending a one-report batch to A until every wall has the delta for it, ms. */
async function fanout(postTo, wallsOn, flushMs) {
  const walls = [];
  for (let i = 0; i < WALLS; i++) {
    const s = connect(wallsOn.url, { transports: ['websocket'], reconnection: false });
    walls.push({ s, snap: await subscribe(s, '130111') });
  }
  const snap = walls[0].snap;
  const ids = snap.cameras.id;
  const states = snap.cameras.state;
  const onlineIdx = 0;
  const rows = ids
    .map((_, i) => i)
    .filter((i) => states[i] === onlineIdx)
    .slice(0, FANOUT_SAMPLES);
  const samples = [];
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    const waits = walls.map(
      ({ s }) =>
        new Promise((resolve) => {
          const on = (d) => {
            if (d.cams && d.cams.i.includes(row)) {
              s.off('delta', on);
              resolve(performance.now());
            }
          };
          s.on('delta', on);
        }),
    );
    // Spread the posts over the flush period so its phase does not bias the percentiles.
    await new Promise((r) => setTimeout(r, (k * 37) % flushMs));
    const t0 = performance.now();
    const res = await fetch(`${postTo.url}/api/v1/cameras/status`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ reports: [{ cameraId: ids[row], status: 'offline', reason: 'power' }] }),
    });
    if (res.status !== 200) throw new Error(`POST answered ${res.status}`);
    const got = await Promise.all(waits);
    samples.push(Math.max(...got) - t0);
  }
  for (const { s } of walls) s.disconnect();
  return samples;
}

async function fanoutBench() {
  const db = await freshSchema();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'zh-bench-fan-'));
  const procs = [];
  try {
    const a = await startServer('a', db.url, dataDir);
    procs.push(a.child);
    const b = await startServer('b', db.url, dataDir);
    procs.push(b.child);
    const flushMs = Number(process.env.FLUSH_MS || 150);
    const local = await fanout(a, a, flushMs);
    const cross = await fanout(a, b, flushMs);
    return { flushMs, local, cross };
  } finally {
    for (const c of procs) c.kill('SIGKILL');
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ── report ─────────────────────────────────────────────────────────────────

const ing = await ingest();
const fan = await fanoutBench();

const r0 = (x) => Math.round(x);
const r1 = (x) => Math.round(x * 10) / 10;
const ingestRows = ['changes', 'heartbeats'].map((kind) => {
  const lite = median(ing.sqlite[kind]);
  const pgm = median(ing.postgres[kind]);
  return { kind, sqlite: r0(lite), postgres: r0(pgm), ratio: Math.round((pgm / lite) * 100) / 100 };
});
const fanRows = [
  ['same process (walls on A, posts on A)', fan.local],
  ['across processes (walls on B, posts on A)', fan.cross],
].map(([label, xs]) => ({
  label,
  p50: r1(pct(xs, 50)),
  p95: r1(pct(xs, 95)),
  p99: r1(pct(xs, 99)),
  samples: xs.length,
}));

console.log(`\nStatus ingest, reports/s (median of ${RUNS} runs, batches of ${BATCH}; ratio = PostgreSQL ÷ SQLite)`);
console.table(
  Object.fromEntries(ingestRows.map((r) => [r.kind, { sqlite: r.sqlite, postgres: r.postgres, ratio: r.ratio }])),
);
console.log(`\nDelta fan-out latency, ms from POST to the delta on all ${WALLS} walls (FLUSH_MS=${fan.flushMs})`);
console.table(
  Object.fromEntries(fanRows.map((r) => [r.label, { p50: r.p50, p95: r.p95, p99: r.p99, samples: r.samples }])),
);

const result = {
  at: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  batch: BATCH,
  ingest: { unit: 'reports/s', rows: ingestRows, raw: ing },
  fanout: { unit: 'ms', walls: WALLS, flushMs: fan.flushMs, rows: fanRows },
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/scaleout.json'), JSON.stringify(result, null, 2) + '\n');
console.log('\nwritten bench/results/scaleout.json');
process.exit(0);
