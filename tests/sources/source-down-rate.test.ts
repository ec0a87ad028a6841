// #11 "A dead source is not a dead camera": the machine's Mosquitto (TEST_MQTT_URL) reached through
// a TCP relay of the test's own, so the source's broker connection can be killed without touching
// the shared broker. While the source is down its channels are unknown (source_down) and left out
// of the township's 运行率 — in the summary API and on a subscribed wall, snapshot plus deltas and
// fresh — and out of counted time; n/N and the time parts are recomputed here from the rows.
import net from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyDelta, type CameraView, type RegionFigures, type RegionSnapshot } from '@zhihui/shared';
import { AUTH } from '../server/helpers.js';
import { collect, openSocket, subscribe, type WallSocket } from '../stream/helpers.js';
import { MOSQUITTO_PACKAGES, skipWithoutService } from '../support/services.js';
import { MQTT_URL, sourceView, sourcesApp, unique, waitFor, type SourcesApp } from './helpers.js';

const noBroker = await skipWithoutService('sources: source down and the rate', MQTT_URL, MOSQUITTO_PACKAGES);
const TOWN = '139900100';

/** A TCP relay to the broker whose connections can be cut and whose door can be shut and reopened. */
class Relay {
  #server: net.Server | null = null;
  readonly #open = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}
  async listen(): Promise<void> {
    this.#server = net.createServer((down) => {
      const up = net.connect(this.target);
      this.#open.add(down).add(up);
      const drop = () => {
        down.destroy();
        up.destroy();
        this.#open.delete(down);
        this.#open.delete(up);
      };
      down.on('error', drop).on('close', drop);
      up.on('error', drop).on('close', drop);
      down.pipe(up).pipe(down);
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    const a = this.#server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }
  /** Cuts every connection and refuses new ones: the source's broker is gone. */
  async kill(): Promise<void> {
    const s = this.#server;
    this.#server = null;
    for (const x of this.#open) x.destroy();
    this.#open.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** n and N of a township from the channel rows: source-down channels are in neither. */
function fromRows(rows: readonly CameraView[]) {
  const counted = rows.filter(
    (c) => c.inService && c.state !== 'maintenance' && !(c.status === 'unknown' && c.reason === 'source_down'),
  );
  const n = counted.filter((c) => c.status === 'online').length;
  const N = counted.length;
  return {
    n,
    N,
    sourceDown: rows.filter((c) => c.status === 'unknown' && c.reason === 'source_down').length,
    rate: N > 0 ? n / N : null,
  };
}

describe.skipIf(noBroker)('a source whose broker connection dies does not count against the township', () => {
  const p = unique('mqtt-rate');
  const broker = new URL(MQTT_URL);
  const relay = new Relay({ host: broker.hostname, port: Number(broker.port || 1883) });
  let s: SourcesApp;
  let pub: MqttClient;
  let url = '';
  let wall: WallSocket;
  let held: RegionSnapshot;
  let got: ReturnType<typeof collect>;
  const topic = (id: string) => `${p}/c/${id}`;

  beforeAll(async () => {
    await relay.listen();
    pub = await mqtt.connectAsync(MQTT_URL);
    // Six channels, three per township (odd ones in TOWN). The source feeds 1 and 3 in TOWN and 2
    // in the other; the REST API feeds the rest.
    s = await sourcesApp(
      [{ id: 'nvr', kind: 'mqtt', url: `mqtt://127.0.0.1:${relay.port}`, topic: `${p}/c/{id}`, downAfter: 1 }],
      6,
    );
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const a = s.app.server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    await waitFor(async () => (await sourceView(s.app, 'nvr')).state === 'up', 'source up');
    const [c1, c2, c3, c4, c5, c6] = s.ids as [string, string, string, string, string, string];
    await pub.publishAsync(topic(c1), 'online', { qos: 1, retain: true });
    await pub.publishAsync(topic(c3), 'offline', { qos: 1, retain: true });
    await pub.publishAsync(topic(c2), 'online', { qos: 1, retain: true });
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: {
        reports: [
          { cameraId: c5, status: 'online' },
          { cameraId: c4, status: 'offline', reason: 'power' },
          { cameraId: c6, status: 'online' },
        ],
      },
    });
    expect(res.json().accepted).toBe(3);
    await waitFor(async () => (await rows()).every((c) => c.status !== 'unknown'), 'every channel reported');
    wall = await openSocket(url);
    got = collect(wall);
    const ack = await subscribe(wall, { region: '139900' });
    if (!ack.ok) throw new Error('subscribe failed');
    held = ack.data;
  }, 60_000);
  afterAll(async () => {
    wall?.close();
    // Leave nothing retained on the shared broker.
    for (const id of s?.ids ?? []) await pub?.publishAsync(topic(id), '', { qos: 1, retain: true });
    await pub?.endAsync();
    await s?.close();
    await relay.kill();
  });

  const rows = async (region = TOWN): Promise<CameraView[]> =>
    (await s.app.inject({ method: 'GET', url: `/api/v1/regions/${region}/cameras?limit=1000` })).json().items;
  const summary = async (q = ''): Promise<{ cameras: RegionFigures['cameras']; children: RegionFigures[] }> =>
    (await s.app.inject({ method: 'GET', url: `/api/v1/regions/139900/summary${q}` })).json();
  /** The wall's figures for TOWN today: the held snapshot with the deltas received applied. */
  const wallTown = (): RegionFigures['cameras'] => {
    while (got.deltas.length > 0) {
      const r = applyDelta(held, got.deltas.shift()!);
      if (!r.ok) throw new Error('a delta did not apply');
      held = r.snapshot;
    }
    return held.childFigures[0]!.today.cameras;
  };
  const freshTown = async (): Promise<RegionFigures['cameras']> => {
    const w = await openSocket(url);
    try {
      const ack = await subscribe(w, { region: '139900' });
      if (!ack.ok) throw new Error('subscribe failed');
      expect(ack.data.childFigures[0]!.today.region.code).toBe(TOWN);
      return ack.data.childFigures[0]!.today.cameras;
    } finally {
      w.close();
    }
  };
  const expectTown = async (want: ReturnType<typeof fromRows>) => {
    const api = (await summary()).children.find((c) => c.region.code === TOWN)!.cameras;
    for (const f of [api, await freshTown()]) {
      expect(f).toMatchObject({ online: want.n, sourceDown: want.sourceDown, operationalRate: want.rate });
      expect(f.inService - f.maintenance - f.sourceDown).toBe(want.N);
    }
    await waitFor(() => {
      const w = wallTown();
      return w.sourceDown === want.sourceDown && w.operationalRate === want.rate;
    }, 'the wall (snapshot + deltas) shows the same');
  };

  test('down: the source-down channels leave N, the rate is n/N of the rest; back: they return', async () => {
    const t0 = Date.now();
    const before = fromRows(await rows());
    expect(before).toMatchObject({ n: 2, N: 3, sourceDown: 0 });
    await expectTown(before);

    await relay.kill();
    await waitFor(
      async () => (await rows()).filter((c) => c.reason === 'source_down').length === 2,
      'the source’s channels unknown (source_down)',
    );
    const tDown = Date.now();
    const down = fromRows(await rows());
    // Channel 5 (REST, online) is all that counts: 1/1, not 1/3 as if the unknown were failures.
    expect(down).toMatchObject({ n: 1, N: 1, sourceDown: 2, rate: 1 });
    await expectTown(down);
    // The county rolls its townships up the same way: the other township's source channel is out too.
    const county = (await summary()).cameras;
    const all = fromRows([...(await rows(TOWN)), ...(await rows('139900200'))]);
    expect(county).toMatchObject({ sourceDown: 3, online: all.n, operationalRate: all.rate });
    await new Promise((r) => setTimeout(r, 1000));
    const t1 = Date.now();

    await relay.listen();
    await waitFor(async () => (await sourceView(s.app, 'nvr')).state === 'up', 'source up again', 40_000);
    await waitFor(
      async () => JSON.stringify(fromRows(await rows())) === JSON.stringify(before),
      'the retained states restored by one resync',
    );
    const back = fromRows(await rows());
    expect(back.sourceDown).toBe(0);
    await expectTown(back);

    // Time while the source was down is not counted time: the period [t0, t1) read back from the
    // history rows, every channel's spells walked here.
    const q = `?from=${encodeURIComponent(new Date(t0).toISOString())}&to=${encodeURIComponent(new Date(t1).toISOString())}`;
    const api = (await summary(q)).children.find((c) => c.region.code === TOWN)!.cameras;
    const events = await s.app.store.statusEvents({
      from: new Date(t0 - 86_400_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      cameraIds: (await rows()).map((c) => c.id),
    });
    let onlineMs = 0;
    let countedMs = 0;
    for (const c of await rows()) {
      const mine = events.filter((e) => e.cameraId === c.id);
      let state = { to: 'unknown', reason: null as string | null };
      let t = t0;
      for (const e of mine) {
        const at = Date.parse(e.at);
        if (at <= t0) {
          state = e;
          continue;
        }
        if (at >= t1) break;
        if (!(state.to === 'unknown' && state.reason === 'source_down')) countedMs += at - t;
        if (state.to === 'online') onlineMs += at - t;
        [t, state] = [at, e];
      }
      if (!(state.to === 'unknown' && state.reason === 'source_down')) countedMs += t1 - t;
      if (state.to === 'online') onlineMs += t1 - t;
    }
    expect({ onlineMs: api.onlineMs, countedMs: api.countedMs }).toEqual({ onlineMs, countedMs });
    // The two source channels were down at least from tDown to t1: not counted time.
    expect(countedMs).toBeLessThanOrEqual(3 * (t1 - t0) - 2 * (t1 - tDown));
  }, 90_000);
});
