// MQTT sources against real Mosquitto brokers: the machine's (shared, unique topic prefixes) and,
// where a broker must die mid-run, one of the test's own.
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SourceHealthEvent } from '../../server/src/bus.js';
import { startMosquitto, type Child } from '../support/processes.js';
import { MOSQUITTO_PACKAGES, missingCommand, skipBecause, skipWithoutService } from '../support/services.js';
import { MQTT_URL, camera, history, sourceView, sourcesApp, unique, waitFor, type SourcesApp } from './helpers.js';

// The machine's broker, and the mosquitto program for the brokers the tests start themselves.
const noBroker =
  (await skipWithoutService('sources: MQTT', MQTT_URL, MOSQUITTO_PACKAGES)) ||
  skipBecause('sources: MQTT', missingCommand('mosquitto'), MOSQUITTO_PACKAGES);

let pub: MqttClient;
beforeAll(async () => {
  if (!noBroker) pub = await mqtt.connectAsync(MQTT_URL);
});
afterAll(async () => {
  await pub?.endAsync();
});

const send = (topic: string, payload: string, retain = false) => pub.publishAsync(topic, payload, { qos: 1, retain });

describe.skipIf(noBroker)('MQTT: the minimal config of the issue, payload mapping, repeats, bad input', () => {
  const p = unique('mqtt');
  let s: SourcesApp;
  const started = new Date(Date.now() - 1000).toISOString();
  beforeAll(async () => {
    s = await sourcesApp([
      // As the issue writes it, under a prefix of this run.
      { id: 'demo-mqtt', kind: 'mqtt', url: MQTT_URL, topic: `${p}/cameras/{id}/status` },
      {
        id: 'json-bridge',
        kind: 'mqtt',
        url: MQTT_URL,
        topic: `${p}/gw/{id}`,
        ids: { prefix: '' },
        payload: {
          json: { status: 'state', reason: 'why', at: 'ts' },
          online: ['up'],
          offline: ['down'],
          reasons: { pwr: 'power' },
        },
      },
    ]);
    await waitFor(
      async () =>
        (await sourceView(s.app, 'demo-mqtt')).state === 'up' &&
        (await sourceView(s.app, 'json-bridge')).state === 'up',
      'both sources up',
    );
  });
  afterAll(() => s.close());

  test('offline then online move the channel, recorded with the source as actor', async () => {
    const id = s.ids[0]!;
    await send(`${p}/cameras/${id}/status`, 'offline');
    await waitFor(async () => (await camera(s.app, id)).status === 'offline', 'offline');
    await send(`${p}/cameras/${id}/status`, 'ON');
    await waitFor(async () => (await camera(s.app, id)).status === 'online', 'online');
    expect(await history(s.app, id, started)).toEqual([
      ['offline', null, 'source:demo-mqtt'],
      ['online', null, 'source:demo-mqtt'],
    ]);
    const v = await sourceView(s.app, 'demo-mqtt');
    expect(v.messages).toBe(2);
    expect(v.channels).toBe(1);
    expect(v.heartbeat).toBeNull();
  });

  test('a repeat is dropped, not stored again', async () => {
    const id = s.ids[0]!;
    const before = (await sourceView(s.app, 'demo-mqtt')).repeatsDropped as number;
    await send(`${p}/cameras/${id}/status`, 'online');
    await send(`${p}/cameras/${id}/status`, '1');
    await waitFor(
      async () => ((await sourceView(s.app, 'demo-mqtt')).repeatsDropped as number) === before + 2,
      'two repeats dropped',
    );
    expect((await history(s.app, id, started)).length).toBe(2);
  });

  test("a burst of QoS 1 messages well past the broker's in-flight window is acknowledged and read in full", async () => {
    // Mosquitto sends a subscriber at most 20 unacknowledged QoS 1 messages (its default): the
    // burst arrives only if the source acknowledges them (batched per socket read, see mqtt.ts).
    const id = s.ids[0]!;
    const before = (await sourceView(s.app, 'demo-mqtt')).messages as number;
    await Promise.all(Array.from({ length: 400 }, () => send(`${p}/cameras/${id}/status`, 'online')));
    await waitFor(
      async () => ((await sourceView(s.app, 'demo-mqtt')).messages as number) === before + 400,
      'all 400 messages read',
    );
    expect((await history(s.app, id, started)).length).toBe(2);
  });

  test('JSON payloads: status, reason and time by path', async () => {
    const id = s.ids[1]!;
    const at = new Date(Date.now() - 5000).toISOString();
    await send(`${p}/gw/${id}`, JSON.stringify({ state: 'down', why: 'pwr', ts: Date.parse(at) / 1000 }));
    await waitFor(async () => (await camera(s.app, id)).status === 'offline', 'offline by JSON');
    const c = await camera(s.app, id);
    expect(c.reason).toBe('power');
    expect(Date.parse(c.since)).toBe(Date.parse(at));
  });

  test('every bad-input kind is counted per kind and changes nothing', async () => {
    const id = s.ids[0]!;
    const before = await camera(s.app, id);
    await send(`${p}/cameras/${id}/status`, 'maybe'); // bad_payload
    await send(`${p}/cameras/13990000001329999999/status`, 'offline'); // unknown_id (not in the inventory)
    await send(`${p}/cameras/bad id!/status`, 'offline'); // a name that is no channel id
    await send(`${p}/gw/${s.ids[1]}`, '{"state": '); // bad_payload: not JSON
    await send(`${p}/gw/${s.ids[1]}`, JSON.stringify({ other: 1 })); // bad_payload: no status at the path
    await send(`${p}/gw/${s.ids[1]}`, JSON.stringify({ state: 'down', ts: 'yesterday' })); // bad_payload: time
    await send(`${p}/gw/${s.ids[1]}`, JSON.stringify({ state: 'up', ts: Date.now() / 1000 + 86_400 })); // bad_report: in the future
    await waitFor(async () => {
      const a = await sourceView(s.app, 'demo-mqtt');
      const b = await sourceView(s.app, 'json-bridge');
      return (
        a.rejects.bad_payload === 1 &&
        a.rejects.unknown_id === 2 &&
        b.rejects.bad_payload === 3 &&
        b.rejects.bad_report === 1
      );
    }, 'rejects counted per kind');
    expect(await camera(s.app, id)).toEqual(before);
    expect((await camera(s.app, s.ids[1]!)).status).toBe('offline');
    const metrics = (await s.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/zhihui_source_rejects\{kind="mqtt",reject="unknown_id",source="demo-mqtt"\} 2/);
    expect(metrics).toMatch(/zhihui_source_up\{kind="mqtt",source="json-bridge"\} 1/);
    expect((await sourceView(s.app, 'demo-mqtt')).rejectsPerMinute).toBeGreaterThanOrEqual(3);
  });

  test('GET /api/v1/sources is admin only and never shows a secret', async () => {
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/sources' })).statusCode).toBe(401);
    const res = await s.app.inject({ method: 'GET', url: '/api/v1/sources', headers: { authorization: 'Bearer adm' } });
    expect(res.json().sources.map((x: { id: string }) => x.id)).toEqual(['demo-mqtt', 'json-bridge']);
  });
});

describe.skipIf(noBroker)('MQTT: retained state, a broker killed mid-run, a flapping channel', () => {
  const p = unique('mqtt-kill');
  let broker: Child;
  let s: SourcesApp;
  let local: MqttClient;
  const events: SourceHealthEvent[] = [];
  const started = new Date(Date.now() - 1000).toISOString();
  const topic = (id: string) => `${p}/c/${id}`;

  beforeAll(async () => {
    broker = await startMosquitto();
    local = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
    // State retained before Zhihui connects counts as the current state.
    const ids = ['13990000001320000001', '13990000001320000002', '13990000001320000003'];
    await local.publishAsync(topic(ids[0]!), 'online', { qos: 1, retain: true });
    await local.publishAsync(topic(ids[1]!), 'online', { qos: 1, retain: true });
    await local.publishAsync(topic(ids[2]!), 'offline', { qos: 1, retain: true });
    s = await sourcesApp([
      {
        id: 'nvr',
        kind: 'mqtt',
        url: `mqtt://127.0.0.1:${broker.port}`,
        topic: `${p}/c/{id}`,
        downAfter: 1,
        flapping: { changes: 2, minutes: 10 },
      },
    ]);
    s.app.bus.on('source', (e) => events.push(e));
    // The inventory came after the connection: the broker is asked again by reconnecting.
    await local.endAsync();
  });
  afterAll(async () => {
    await s.close();
    await broker.stop();
  });

  test('retained messages at (re)connect are the current state', async () => {
    // Retained messages were delivered before the channels existed; a broker restart makes the source resubscribe.
    await broker.stop();
    await waitFor(async () => (await sourceView(s.app, 'nvr')).state === 'down', 'source down');
    broker = await startMosquitto(broker.port);
    local = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
    await local.publishAsync(topic(s.ids[0]!), 'online', { qos: 1, retain: true });
    await local.publishAsync(topic(s.ids[1]!), 'online', { qos: 1, retain: true });
    await local.publishAsync(topic(s.ids[2]!), 'offline', { qos: 1, retain: true });
    await waitFor(
      async () =>
        (await camera(s.app, s.ids[2]!)).status === 'offline' && (await camera(s.app, s.ids[0]!)).status === 'online',
      'retained state applied',
    );
    expect((await sourceView(s.app, 'nvr')).state).toBe('up');
  });

  test('the broker dies: its channels go unknown (source_down), never offline, and are not failures; one resync restores them', async () => {
    const summary = async () =>
      (await s.app.inject({ method: 'GET', url: '/api/v1/regions/139900/summary' })).json().cameras;
    const before = await summary();
    events.length = 0;
    await local.endAsync();
    await broker.stop();
    await waitFor(
      async () => (await camera(s.app, s.ids[0]!)).reason === 'source_down',
      'channels unknown (source_down)',
    );
    for (const id of s.ids) expect(await camera(s.app, id)).toMatchObject({ status: 'unknown', reason: 'source_down' });
    const down = await summary();
    expect(down.offline).toBe(before.offline - 1);
    expect(down.unknown).toBe(before.unknown + 3);
    expect(down.newlyFailed).toBe(before.newlyFailed);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'nvr', kind: 'mqtt', up: false });
    expect([...events[0]!.cameraIds].sort()).toEqual([...s.ids].sort());
    expect((await sourceView(s.app, 'nvr')).lastError).toBeTruthy();

    // Back, with one channel's state changed while we could not see, one not republished.
    broker = await startMosquitto(broker.port);
    local = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
    await local.publishAsync(topic(s.ids[0]!), 'online', { qos: 1, retain: true });
    await local.publishAsync(topic(s.ids[1]!), 'offline', { qos: 1, retain: true });
    await waitFor(
      async () =>
        (await camera(s.app, s.ids[2]!)).reason === null && (await camera(s.app, s.ids[1]!)).status === 'offline',
      'resync done',
    );
    expect(await camera(s.app, s.ids[0]!)).toMatchObject({ status: 'online' });
    // Nobody said anything about the third: it stays unknown, no longer blamed on the source.
    expect(await camera(s.app, s.ids[2]!)).toMatchObject({ status: 'unknown', reason: null });
    const after = await summary();
    expect(after.repaired).toBe(before.repaired);
    expect(after.newlyFailed).toBe(before.newlyFailed);
    expect(events.map((e) => e.up)).toEqual([false, true]);
  });

  test('a flapping channel is held in its last state, marked, and counted once', async () => {
    const id = s.ids[0]!;
    const from = new Date().toISOString();
    for (const v of ['offline', 'online', 'offline', 'online', 'offline', 'online', 'offline'])
      await local.publishAsync(topic(id), v, { qos: 1 });
    await waitFor(async () => (await sourceView(s.app, 'nvr')).flapping === 1, 'flapping');
    // Two changes pass (the limit), the third starts the episode: held at online.
    expect((await history(s.app, id, from)).map((h) => h[0])).toEqual(['offline', 'online']);
    expect((await camera(s.app, id)).status).toBe('online');
    const v = await sourceView(s.app, 'nvr');
    expect(v.flappingEpisodes).toBe(1);
    // The source's claim follows every message, the last one included; the feed stores its reports
    // in batches over a few turns of the event loop, so wait for the seventh to have been taken.
    const claim = async () =>
      (
        await s.app.inject({
          method: 'GET',
          url: `/api/v1/sources/channels/${id}`,
          headers: { authorization: 'Bearer adm' },
        })
      ).json().claims[0] as { status: string };
    await waitFor(async () => (await claim()).status === 'offline', 'the last message claimed', 5_000).catch(() => {});
    expect(await claim()).toMatchObject({ source: 'nvr', status: 'offline', flapping: true });
  });
  void started;
});

describe.skipIf(noBroker)('MQTT: Frigate preset (last will) and precedence between sources', () => {
  const p = unique('frigate');
  let s: SourcesApp;
  beforeAll(async () => {
    s = await sourcesApp(
      [
        {
          id: 'frigate',
          kind: 'mqtt',
          url: MQTT_URL,
          preset: 'frigate',
          topicPrefix: p,
          ids: { map: { front_door: '13990000001320000001', yard: '13990000001320000002' } },
          priority: 10,
          downAfter: 1,
        },
        { id: 'backup', kind: 'mqtt', url: MQTT_URL, topic: `${p}-backup/{id}`, priority: 0 },
      ],
      2,
    );
    await waitFor(
      async () =>
        (await sourceView(s.app, 'frigate')).state === 'up' && (await sourceView(s.app, 'backup')).state === 'up',
      'both up',
    );
  });
  afterAll(async () => {
    await send(`${p}/available`, '', true);
    await s.close();
  });

  test('Frigate camera names map to channels; disabled says nothing; an unmapped name is rejected', async () => {
    await send(`${p}/available`, 'online', true);
    await send(`${p}/front_door/status/detect`, 'offline');
    await waitFor(async () => (await camera(s.app, s.ids[0]!)).status === 'offline', 'front_door offline');
    await send(`${p}/front_door/status/detect`, 'disabled');
    await send(`${p}/garage/status/detect`, 'online');
    await waitFor(async () => (await sourceView(s.app, 'frigate')).rejects.unknown_id === 1, 'garage rejected');
    expect((await camera(s.app, s.ids[0]!)).status).toBe('offline');
  });

  test('the higher source wins while up; the lower one takes over while it is down; history names each', async () => {
    const id = s.ids[0]!;
    await send(`${p}/yard/status/detect`, 'online');
    await waitFor(async () => (await camera(s.app, s.ids[1]!)).status === 'online', 'yard online');
    const from = new Date().toISOString();
    await send(`${p}-backup/${id}`, 'online');
    await waitFor(async () => ((await sourceView(s.app, 'backup')).overridden as number) >= 1, 'backup held back');
    expect((await camera(s.app, id)).status).toBe('offline');
    // Frigate's last will: the bridge is gone. Its channels fall back to the backup's word.
    await send(`${p}/available`, 'offline', true);
    await waitFor(async () => (await camera(s.app, id)).status === 'online', 'backup in force');
    expect((await sourceView(s.app, 'frigate')).state).toBe('down');
    expect(await history(s.app, id, from)).toEqual([['online', null, 'source:backup']]);
    // The second channel only Frigate covered: unknown, blamed on the source.
    expect(await camera(s.app, s.ids[1]!)).toMatchObject({ status: 'unknown', reason: 'source_down' });
    await send(`${p}/available`, 'online', true);
    await send(`${p}/front_door/status/detect`, 'offline');
    await waitFor(async () => (await camera(s.app, id)).status === 'offline', 'frigate in force again');
    expect((await history(s.app, id, from)).map((h) => h[2])).toEqual(['source:backup', 'source:frigate']);
  });
});
