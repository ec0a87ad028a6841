import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import {
  CAMERA_STATES,
  type ClientToServerEvents,
  type RegionDelta,
  type RegionSnapshot,
  type ServerToClientEvents,
} from '@zhihui/shared';
import { TEST_DATABASE_URL, TEST_REDIS_URL, freshSchema } from '../store/pgSchema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REGION = '130111';
const KEY = 'k';
type Wall = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Proc {
  child: ChildProcess;
  port: number;
  url: string;
  log: string[];
}

async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  limitMs = 60_000,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const skipReason = !TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : !TEST_REDIS_URL ? 'TEST_REDIS_URL' : null;
if (skipReason) console.warn(`tests/scaleout/two-process: ${skipReason} is not set, the two-process test is skipped`);

(skipReason ? describe.skip : describe)('two server processes sharing PostgreSQL and Redis', () => {
  const procs = new Set<Proc>();
  const sockets = new Set<Wall>();
  let db: Awaited<ReturnType<typeof freshSchema>>;
  let sql: pg.Client;
  let dataDir: string;

  function start(name: string, port = 0): Promise<Proc> {
    const child = spawn(process.execPath, ['server/dist/server.js'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        SIMULATOR: 'off',
        API_KEYS: `test:${KEY}`,
        DATA_DIR: path.join(dataDir, name),
        // No channel may turn unknown from silence while the test runs.
        HEARTBEAT_GRACE: '3600',
        FLUSH_MS: '50',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc: Proc = { child, port: 0, url: '', log: [] };
    procs.add(proc);
    return new Promise((resolve, reject) => {
      const onData = (buf: Buffer) => {
        const text = buf.toString();
        proc.log.push(text);
        const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
        if (m && !proc.url) {
          proc.port = Number(m[1]);
          proc.url = `http://127.0.0.1:${proc.port}`;
          resolve(proc);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (b: Buffer) => proc.log.push(b.toString()));
      child.on('exit', (code) => {
        procs.delete(proc);
        if (!proc.url)
          reject(new Error(`${name} exited (${code}) before listening:\n${proc.log.join('').slice(-4000)}`));
      });
    });
  }

  function kill(p: Proc, signal: NodeJS.Signals): Promise<void> {
    return new Promise((resolve) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
      p.child.once('exit', () => resolve());
      p.child.kill(signal);
    });
  }

  function wall(p: Proc, reconnection = false): Wall {
    const s: Wall = connect(p.url, {
      transports: ['websocket'],
      reconnection,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    sockets.add(s);
    return s;
  }

  function subscribe(s: Wall): Promise<RegionSnapshot> {
    return new Promise((resolve, reject) => {
      s.timeout(20_000).emit(
        'subscribe',
        { region: REGION },
        (err: Error | null, res: { ok: boolean; data?: RegionSnapshot; error?: unknown }) => {
          if (err) reject(err);
          else if (!res.ok || !res.data) reject(new Error(`subscribe failed: ${JSON.stringify(res.error)}`));
          else resolve(res.data);
        },
      );
    });
  }

  async function post(p: Proc, reports: object[]): Promise<{ accepted: number; rejected: unknown[] }> {
    const res = await fetch(`${p.url}/api/v1/cameras/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reports }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { accepted: number; rejected: unknown[] };
  }

  beforeAll(async () => {
    // The root `npm test` builds first; building here too keeps a lone run from testing stale output.
    try {
      execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'shared', 'server'], {
        cwd: root,
        stdio: 'pipe',
      });
    } catch (err) {
      // Type errors still emit JavaScript; the processes below show whether it runs.
      console.warn(`tsc -b reported errors:\n${String((err as { stdout?: Buffer }).stdout ?? err).slice(0, 2000)}`);
    }
    db = await freshSchema(TEST_DATABASE_URL, 'two');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    dataDir = mkdtempSync(path.join(tmpdir(), 'zh-two-'));
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([...procs].map((p) => kill(p, 'SIGKILL')));
    await sql?.end().catch(() => {});
    await db?.drop().catch(() => {});
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  let a: Proc;
  let b: Proc;

  test('both processes start at once on an empty database and seed it exactly once', async () => {
    [a, b] = await Promise.all([start('a'), start('b')]);
    const seededLines = [...a.log, ...b.log]
      .join('')
      .split('\n')
      .filter((l) => l.includes('seeded the store from fixtures'));
    expect(seededLines.length).toBeGreaterThanOrEqual(1);
    const expected = (JSON.parse(seededLines[0]!) as { statusEvents: number }).statusEvents;
    const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM status_events');
    expect(Number(rows[0]!.n)).toBe(expected);
    const leaders = await sql.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(leaders.rows[0]!.n)).toBeGreaterThan(0);
  });

  test('a wall socket on B receives the delta for a status batch posted to A', async () => {
    const onB = wall(b);
    const deltas: RegionDelta[] = [];
    onB.on('delta', (d) => deltas.push(d));
    const snap = await subscribe(onB);
    // A channel of this wall that is online now; it goes down on A.
    const row = snap.cameras.state.findIndex((s) => s === CAMERA_STATES.indexOf('online'));
    expect(row).toBeGreaterThanOrEqual(0);
    const id = snap.cameras.id[row]!;
    const result = await post(a, [{ cameraId: id, status: 'offline', reason: 'black_screen' }]);
    expect(result).toEqual({ accepted: 1, rejected: [] });

    const offline = CAMERA_STATES.indexOf('offline');
    const hit = await until(
      () => deltas.find((d) => d.cams?.i.some((i, k) => i === row && d.cams!.s[k] === offline)),
      'the delta on B',
    );
    // B's stream is B's own: consecutive seqs from the snapshot it gave.
    expect(deltas[0]!.seq).toBe(snap.seq + 1);
    deltas.forEach((d, k) => expect(d.seq).toBe(snap.seq + 1 + k));
    expect(hit.figures?.today.cameras.offline).toBe(snap.figures.today.cameras.offline + 1);
  });

  test('killing A right after acknowledged writes loses nothing; its walls resync after the restart', async () => {
    const onA = wall(a, true);
    const first = await subscribe(onA);
    let resynced: Promise<RegionSnapshot> | null = null;
    // What a wall does on every (re)connect: subscribe again and take the fresh snapshot.
    onA.io.on('reconnect', () => {
      resynced = subscribe(onA);
    });

    // Twenty acknowledged batches flipping channels of this wall, then SIGKILL with no grace.
    // Channels counted in the rate (not in maintenance or out of service), so their state is their status.
    const counted = new Set(
      ['online', 'offline', 'unknown'].map((x) => CAMERA_STATES.indexOf(x as (typeof CAMERA_STATES)[number])),
    );
    const ids = first.cameras.id.filter((_, i) => counted.has(first.cameras.state[i]!)).slice(0, 200);
    expect(ids).toHaveLength(200);
    const want = new Map<string, 'online' | 'offline'>();
    for (let round = 0; round < 20; round++) {
      const batch = ids.slice(round * 10, round * 10 + 10).map((cameraId, k) => {
        const status = (round + k) % 2 === 0 ? 'offline' : 'online';
        want.set(cameraId, status);
        return { cameraId, status, reason: status === 'offline' ? 'power' : undefined };
      });
      const r = await post(a, batch);
      expect(r.accepted).toBe(batch.length);
    }
    const port = a.port;
    await kill(a, 'SIGKILL');

    const { rows } = await sql.query<{ id: string; status: string }>(
      'SELECT id, status FROM cameras WHERE id = ANY($1)',
      [[...want.keys()]],
    );
    expect(rows).toHaveLength(want.size);
    for (const r of rows) expect(r.status).toBe(want.get(r.id));

    a = await start('a2', port);
    const fresh = await until(() => resynced ?? undefined, 'the wall on A to reconnect');
    const snapA = await fresh;
    // B, which lived through it all, and the restarted A show the same figures.
    const settle = async () => {
      const onB = wall(b);
      const snapB = await subscribe(onB);
      onB.disconnect();
      return snapB;
    };
    // Time-weighted rates run on to the instant of each snapshot; compare them to 3 decimals.
    const figures = (s: RegionSnapshot): unknown =>
      // Read at two instants: the time-weighted parts move with the clock, the rate barely.
      JSON.parse(JSON.stringify(s.figures), (k, v: unknown) =>
        k === 'onlineMs' || k === 'countedMs'
          ? undefined
          : k === 'timeWeightedRate' && typeof v === 'number'
            ? Math.round(v * 1000) / 1000
            : v,
      );
    let snapB = await settle();
    let snapA2 = snapA;
    for (let i = 0; i < 5 && JSON.stringify(figures(snapA2)) !== JSON.stringify(figures(snapB)); i++) {
      // A clock tick (a clue turning overdue) may fall between the two; ask both again.
      snapA2 = await subscribe(onA);
      snapB = await settle();
    }
    expect(figures(snapA2)).toEqual(figures(snapB));
    expect(snapA2.figures.today.cameras.total).toBeGreaterThan(0);
    const stateOf = (s: RegionSnapshot, id: string) => CAMERA_STATES[s.cameras.state[s.cameras.id.indexOf(id)]!];
    for (const [id, status] of want) {
      expect(stateOf(snapA2, id)).toBe(status);
      expect(stateOf(snapB, id)).toBe(status);
    }
  });
});
