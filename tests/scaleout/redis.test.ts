import { afterEach, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Bus, type BusEvents } from '../../server/src/bus.js';
import { loadConfig } from '../../server/src/config/env.js';
import { bridgeBus } from '../../server/src/scaleout/redisBus.js';
import { acquireLeadership, type Leadership } from '../../server/src/scaleout/leader.js';
import type { ScaleLog } from '../../server/src/scaleout/redis.js';
import type { CameraRecord } from '../../server/src/store/types.js';
import { TEST_REDIS_URL } from '../store/pgSchema.js';

const quiet: ScaleLog = { info: () => {}, warn: () => {}, error: () => {} };
const config = loadConfig({ REDIS_URL: TEST_REDIS_URL, API_KEYS: 't:k' });

async function until(cond: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const camera = (id: string, since: string, status: CameraRecord['status']): CameraRecord => ({
  id,
  name: id,
  region: '130111100',
  lon: 114.6,
  lat: 37.9,
  inService: true,
  status,
  reason: null,
  since,
  lastSeen: since,
  maintenance: null,
});

if (!TEST_REDIS_URL)
  console.warn('tests/scaleout/redis: TEST_REDIS_URL is not set, Redis bridge and leadership tests are skipped');
(TEST_REDIS_URL ? describe : describe.skip)('scale-out over Redis, in one test process', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c().catch(() => {})));
  });

  test('without REDIS_URL nothing is bridged and the process leads', async () => {
    const none = loadConfig({ API_KEYS: 't:k' });
    const lead = await acquireLeadership(none, 'x');
    expect(lead.isLeader()).toBe(true);
    const bus = new Bus();
    const close = await bridgeBus(bus, none);
    await close();
  });

  test('the bus bridge delivers each event to the other processes once, never back to its sender', async () => {
    const channel = `zhihui:test:${randomUUID()}`;
    const buses = [new Bus(), new Bus(), new Bus()];
    const got = buses.map(() => [] as BusEvents['clues'][]);
    buses.forEach((b, i) => b.on('clues', (p) => got[i]!.push(p)));
    for (const b of buses) closers.push(await bridgeBus(b, config, { log: quiet, channel }));

    const payload = { clues: [{ id: 'C-1' } as BusEvents['clues']['clues'][number]] };
    buses[0]!.emit('clues', payload);
    await until(() => got[1]!.length === 1 && got[2]!.length === 1, 'delivery');
    // A second event proves ordering and that the receivers did not echo the first one.
    buses[1]!.emit('clues', { clues: [] });
    await until(() => got[0]!.length === 2 && got[2]!.length === 2, 'second delivery');
    await new Promise((r) => setTimeout(r, 200));
    expect(got[0]!.map((p) => p.clues.length)).toEqual([1, 0]);
    expect(got[1]!.map((p) => p.clues.length)).toEqual([1, 0]);
    expect(got[2]!.map((p) => p.clues.length)).toEqual([1, 0]);
    expect(got[1]![0]).toEqual(payload);
  });

  test('a camera record older than the one a process already has is not applied there', async () => {
    const channel = `zhihui:test:${randomUUID()}`;
    const a = new Bus();
    const b = new Bus();
    const onB: CameraRecord[] = [];
    b.on('cameras', (p) => onB.push(...p.cameras));
    closers.push(
      await bridgeBus(a, config, { log: quiet, channel }),
      await bridgeBus(b, config, { log: quiet, channel }),
    );
    // B committed the later change itself; A's earlier one arrives afterwards and must not win.
    b.emit('cameras', { cameras: [camera('c1', '2026-11-27T08:00:02+08:00', 'offline')], events: [] });
    a.emit('cameras', {
      cameras: [
        camera('c1', '2026-11-27T08:00:01+08:00', 'online'),
        camera('c2', '2026-11-27T08:00:01+08:00', 'online'),
      ],
      events: [],
    });
    await until(() => onB.length === 2, 'delivery to B');
    expect(onB.map((c) => [c.id, c.status])).toEqual([
      ['c1', 'offline'],
      ['c2', 'online'],
    ]);
  });

  test('exactly one of several processes leads; when it closes another takes over', async () => {
    const name = `test-${randomUUID()}`;
    const leads: Leadership[] = [];
    for (let i = 0; i < 3; i++) leads.push(await acquireLeadership(config, name, { log: quiet, ttlMs: 1500 }));
    closers.push(...leads.map((l) => () => l.close()));
    await until(() => leads.filter((l) => l.isLeader()).length === 1, 'one leader');
    const first = leads.findIndex((l) => l.isLeader());
    const flips: boolean[] = [];
    const others = leads.filter((_, i) => i !== first);
    others.forEach((l) => l.onChange((v) => flips.push(v)));
    await leads[first]!.close();
    expect(leads[first]!.isLeader()).toBe(false);
    await until(() => others.filter((l) => l.isLeader()).length === 1, 'a new leader');
    expect(flips).toEqual([true]);
    expect(others.filter((l) => l.isLeader())).toHaveLength(1);
  });
});
