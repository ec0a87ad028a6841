// Durability under SIGKILL: thousands of records posted concurrently while the built server is
// killed and restarted on the same data. Every acknowledged record must be stored, and nothing
// twice (clients retry what was not acknowledged, as real senders do).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { missingServerBuild, spawnServer, type ServerProc } from './proc.js';

const skip = missingServerBuild();
if (skip) console.warn(`[kill.test] skipped: ${skip}`);

const STATUS_WORKERS = 4;
const CAMERAS_PER_WORKER = 25;
const ROUNDS = 36; // 4 × 25 × 36 = 3600 status reports
const CLUE_WORKERS = 3;
const CLUES_PER_WORKER = 160; // 480 clues
const KILLS = 3;

const HEADERS = { authorization: 'Bearer k', 'content-type': 'application/json' };

describe.skipIf(skip !== null)('SIGKILL while writing', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'zhihui-kill-'));
  let server: ServerProc | null = null;
  afterAll(async () => {
    await server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every acknowledged status report and clue survives, none twice', async () => {
    const env = {
      SEED_ANCHOR: 'fixture',
      HEARTBEAT_GRACE: '86400',
      RATE_LIMIT_WRITES: '0',
      RATE_LIMIT_AUTH_FAILURES: '0',
    };
    server = await spawnServer({ dataDir, env });
    const srv = server;
    const page = (await (await fetch(`${srv.url}/api/v1/regions/130111/cameras?limit=1000`)).json()) as {
      items: { id: string; status: string }[];
    };
    const ids = page.items.map((c) => c.id);
    // Each report is a real change (so it leaves exactly one status event): alternate away from the current state.
    const startsOnline = new Map(page.items.map((c) => [c.id, c.status === 'online']));
    expect(ids.length).toBeGreaterThanOrEqual(STATUS_WORKERS * CAMERAS_PER_WORKER);

    let acked = 0;
    let killing: Promise<void> | null = null;
    let kills = 0;
    const killAt = Array.from({ length: KILLS }, (_, i) =>
      Math.round(((i + 1) * (STATUS_WORKERS * ROUNDS + CLUE_WORKERS * CLUES_PER_WORKER)) / (KILLS + 1)),
    );
    let uncertain = 0;

    /** Posts until acknowledged: a dead server (connection refused or reset) is waited for and retried. */
    async function post(url: string, body: unknown, method = 'POST'): Promise<Response> {
      for (;;) {
        if (killing) await killing;
        try {
          const res = await fetch(srv.url + url, { method, headers: HEADERS, body: JSON.stringify(body) });
          if (res.status >= 500) throw new Error(`server error ${res.status}: ${await res.text()}`);
          acked++;
          if (kills < KILLS && acked >= killAt[kills]! && !killing) {
            kills++;
            killing = (async () => {
              await srv.kill('SIGKILL');
              await srv.start();
              killing = null;
            })();
          }
          return res;
        } catch (err) {
          if (err instanceof Error && err.message.startsWith('server error')) throw err;
          uncertain++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }

    // Fixture times: every channel's current state is older than these reports.
    const base = Date.now() - 30 * 60_000;
    const ackedReports: { cameraId: string; at: string }[] = [];
    const statusWorker = async (w: number) => {
      const mine = ids.slice(w * CAMERAS_PER_WORKER, (w + 1) * CAMERAS_PER_WORKER);
      for (let r = 0; r < ROUNDS; r++) {
        const at = new Date(base + r * 1000 + w).toISOString();
        const reports = mine.map((cameraId) => {
          const offline = (r % 2 === 0) === startsOnline.get(cameraId);
          return { cameraId, status: offline ? 'offline' : 'online', reason: offline ? 'power' : undefined, at };
        });
        const res = await post('/api/v1/cameras/status', { reports });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { accepted: number; rejected: unknown[] };
        expect(body).toEqual({ accepted: mine.length, rejected: [] });
        for (const cameraId of mine) ackedReports.push({ cameraId, at });
      }
    };
    const ackedClues: string[] = [];
    const clueWorker = async (w: number) => {
      for (let i = 0; i < CLUES_PER_WORKER; i++) {
        const id = `KILL-${w}-${i}`;
        const res = await post('/api/v1/clues', {
          id,
          category: 'hazard',
          source: 'hotline',
          region: '130111',
          title: `kill test ${w}/${i}`,
          reportedAt: new Date(base + i * 1000).toISOString(),
        });
        expect([200, 201]).toContain(res.status);
        ackedClues.push(id);
      }
    };
    await Promise.all([
      ...Array.from({ length: STATUS_WORKERS }, (_, w) => statusWorker(w)),
      ...Array.from({ length: CLUE_WORKERS }, (_, w) => clueWorker(w)),
    ]);
    if (killing) await killing;
    expect(kills).toBe(KILLS);
    console.log(
      `[kill.test] ${ackedReports.length} reports and ${ackedClues.length} clues acknowledged across ${kills} SIGKILLs; ${uncertain} requests cut off and retried`,
    );

    // The server comes back on the same data and serves what was acknowledged.
    const one = await fetch(`${srv.url}/api/v1/clues/${ackedClues.at(-1)}`);
    expect(one.status).toBe(200);
    expect((await srv.kill('SIGTERM')).code).toBe(0);

    const db = new Database(path.join(dataDir, 'zhihui.db'), { readonly: true });
    try {
      const count = db.prepare(
        "SELECT COUNT(*) AS n FROM status_history WHERE actor = 'test' AND camera_id = ? AND at = ?",
      );
      let missing = 0;
      for (const r of ackedReports) if ((count.get(r.cameraId, Date.parse(r.at)) as { n: number }).n !== 1) missing++;
      expect(missing, 'acknowledged status reports not stored exactly once').toBe(0);
      const dupEvents = db
        .prepare(
          "SELECT camera_id, at, COUNT(*) AS n FROM status_history WHERE actor = 'test' GROUP BY camera_id, at HAVING n > 1",
        )
        .all();
      expect(dupEvents).toEqual([]);
      expect(
        (db.prepare("SELECT COUNT(*) AS n FROM status_history WHERE actor = 'test'").get() as { n: number }).n,
      ).toBe(ackedReports.length);

      const clueRow = db.prepare('SELECT COUNT(*) AS n FROM clues WHERE id = ?');
      const created = db.prepare('SELECT COUNT(*) AS n FROM clue_events WHERE clue_id = ? AND from_status IS NULL');
      for (const id of ackedClues) {
        expect((clueRow.get(id) as { n: number }).n, id).toBe(1);
        expect((created.get(id) as { n: number }).n, id).toBe(1);
      }
      expect((db.prepare("SELECT COUNT(*) AS n FROM clues WHERE id LIKE 'KILL-%'").get() as { n: number }).n).toBe(
        ackedClues.length,
      );
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 180_000); // two server starts, a kill and a replay: ~17 s alone, over 60 s on a loaded 2-core machine
});
