// Issue 17 item 1: the subscribe flood. Each `subscribe` ack carries a whole snapshot (~160 KB
// for the demo county); sockets that pipeline thousands of them and never read used to take the
// heap past a gigabyte and end the process, and a client that did read froze /healthz for
// seconds. Here the attack runs against the BUILT server in its own process, as an attacker on
// the network would run it, while /healthz is probed and the heap is read from /metrics.
import { fork } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { io as connect } from 'socket.io-client';
import { ROOT, missingServerBuild, spawnServer, type ServerProc } from '../reliability/proc.js';
import { connectRaw, type RawSocketIo } from '../support/rawSocket.js';
import { subscribe, type WallSocket } from '../stream/helpers.js';

const skip = missingServerBuild();
const REGION = '130111';
const NON_READERS = 7;
const PIPELINED = 2000;
/** The bound for /healthz during the attack. */
const HEALTHZ_MS = 100;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`${url}: no answer in 10 s`)));
  });
}

function gauge(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text);
  if (!m) throw new Error(`no ${name} in /metrics`);
  return Number(m[1]);
}

const subscribes = (n: number) => Array.from({ length: n }, (_, i) => `42${i + 1}["subscribe",{"region":"${REGION}"}]`);

describe.skipIf(skip !== null)('subscribe flood against a real server process', () => {
  let server: ServerProc;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'zhihui-flood-'));
    // A heap limit of the kind a container gives: the attack that used to need 1.2 GB per socket
    // would end this process within seconds.
    server = await spawnServer({ dataDir, env: { NODE_OPTIONS: '--max-old-space-size=512', FLUSH_MS: '150' } });
  });
  afterAll(async () => {
    await server?.kill('SIGTERM');
    agent.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  test(`${NON_READERS} sockets pipelining ${PIPELINED} subscribes without reading, and one reading client with 1000: the server stays up, its heap bounded, /healthz under ${HEALTHZ_MS} ms`, async () => {
    const metrics = async () => {
      const r = await get(`${server.url}/metrics`);
      return {
        heap: gauge(r.body, 'zhihui_process_heap_used_bytes'),
        sockets: gauge(r.body, 'zhihui_sockets_connected'),
      };
    };
    // A wall subscribes first, as in a real centre: it must keep its link through the attack.
    const wall: WallSocket = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => wall.once('connect', () => resolve()).once('connect_error', reject));
    expect((await subscribe(wall, { region: REGION })).ok).toBe(true);
    let wallDeltas = 0;
    wall.on('delta', () => wallDeltas++);
    const before = await metrics();

    // /healthz is probed from a process of its own: the attack this process generates must not delay the measurement.
    const prober = fork(path.join(ROOT, 'tests/support/prober.mjs'), [`${server.url}/healthz`, '20'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise((resolve) => prober.once('message', resolve));
    const heaps: number[] = [before.heap];
    let attacking = true;
    const sampler = (async () => {
      while (attacking) {
        heaps.push((await metrics()).heap);
        await new Promise((res) => setTimeout(res, 250));
      }
    })();

    const attackers: RawSocketIo[] = [];
    for (let i = 0; i < NON_READERS; i++) attackers.push(await connectRaw(server.port));
    for (const a of attackers) {
      a.stopReading();
      a.send(subscribes(PIPELINED));
    }
    // A client that does read, pipelining 1000 subscribes on one connection.
    const reader: WallSocket = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => reader.once('connect', () => resolve()).once('connect_error', reject));
    const acks = { ok: 0, limited: 0 };
    const readerGone = new Promise<string>((resolve) => reader.once('disconnect', (reason) => resolve(reason)));
    for (let i = 0; i < 1000; i++) {
      reader.emit('subscribe', { region: REGION }, (a) => {
        if (a.ok) acks.ok++;
        else if (a.error.code === 'RATE_LIMITED') acks.limited++;
      });
    }

    // The attack runs until the server has cut every attacking connection (or 20 s pass).
    const until = Date.now() + 20_000;
    let now = await metrics();
    while (Date.now() < until && now.sockets > 1) {
      await new Promise((res) => setTimeout(res, 250));
      now = await metrics();
    }
    // … and the server keeps answering for a while after.
    await new Promise((res) => setTimeout(res, 1500));
    attacking = false;
    const probed = new Promise<{ results: { ms: number; status: number }[] }>((resolve) =>
      prober.once('message', resolve as (m: unknown) => void),
    );
    prober.send('stop');
    const probes = (await probed).results;
    await sampler;

    const worst = Math.max(...probes.map((p) => p.ms));
    console.log(
      `[flood] ${probes.length} /healthz probes, worst ${worst.toFixed(1)} ms; heap ${Math.round(before.heap / 1e6)} → max ${Math.round(Math.max(...heaps) / 1e6)} MB; reader acks ${JSON.stringify(acks)}`,
    );
    expect(server.running, server.log()).toBe(true);
    expect(now.sockets, 'attacking connections still open').toBe(1);
    // The reader was cut after a few snapshots and refusals (what it had not read yet is dropped
    // with the connection): never a thousand snapshots.
    expect(await readerGone).toMatch(/transport close|io server disconnect/);
    expect(acks.ok).toBeLessThanOrEqual(4);

    expect(probes.length).toBeGreaterThan(20);
    expect(probes.every((p) => p.status === 200)).toBe(true);
    expect(
      worst,
      `worst /healthz during the attack (ms); all: ${probes.map((p) => p.ms.toFixed(0)).join(' ')}`,
    ).toBeLessThan(HEALTHZ_MS);
    // Bounded: a few snapshots per connection at most, far from the gigabyte the attack used to take.
    expect(Math.max(...heaps) - before.heap).toBeLessThan(96 * 1024 * 1024);

    // The wall that was there before is still served: subscribed, and it can subscribe again.
    expect(wall.connected).toBe(true);
    expect((await subscribe(wall, { region: REGION })).ok).toBe(true);
    void wallDeltas;
    wall.close();
    for (const a of attackers) a.destroy();
  });
});
