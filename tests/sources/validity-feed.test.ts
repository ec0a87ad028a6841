// #18.2 for feeds: a source's report dated before the channel became valid is refused like any
// bad report — counted per source and kind, nothing written — on the machine's Mosquitto.
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AUTH, cam } from '../server/helpers.js';
import { MOSQUITTO_PACKAGES, skipWithoutService } from '../support/services.js';
import { MQTT_URL, camera, sourceView, sourcesApp, unique, waitFor, type SourcesApp } from './helpers.js';

const noBroker = await skipWithoutService('sources: validity', MQTT_URL, MOSQUITTO_PACKAGES);

describe.skipIf(noBroker)('a feed report from before the channel existed', () => {
  const p = unique('mqtt-valid');
  let s: SourcesApp;
  let pub: MqttClient;
  const id = cam(7).id;
  beforeAll(async () => {
    pub = await mqtt.connectAsync(MQTT_URL);
    s = await sourcesApp(
      [
        {
          id: 'gw',
          kind: 'mqtt',
          url: MQTT_URL,
          topic: `${p}/{id}`,
          ids: { prefix: '' },
          payload: { json: { status: 'state', at: 'ts' }, online: ['up'], offline: ['down'] },
        },
      ],
      0,
    );
    // Added now, with no validFrom: valid from now.
    const { validFrom: _long, ...row } = cam(7);
    const res = await s.app.inject({
      method: 'PUT',
      url: '/api/v1/cameras',
      headers: AUTH,
      payload: { cameras: [row] },
    });
    expect(res.json().upserted).toBe(1);
    await waitFor(async () => (await sourceView(s.app, 'gw')).state === 'up', 'source up');
  });
  afterAll(async () => {
    await pub?.endAsync();
    await s?.close();
  });

  test('is counted as a bad report of the source and changes nothing; one from now is taken', async () => {
    const before = await camera(s.app, id);
    await pub.publishAsync(`${p}/${id}`, JSON.stringify({ state: 'down', ts: (Date.now() - 86_400_000) / 1000 }), {
      qos: 1,
    });
    await waitFor(async () => (await sourceView(s.app, 'gw')).rejects.bad_report === 1, 'the report refused');
    expect(await camera(s.app, id)).toEqual(before);
    const events = await s.app.store.statusEvents({
      from: '2000-01-01T00:00:00Z',
      to: new Date(Date.now() + 60_000).toISOString(),
      cameraIds: [id],
    });
    expect(events).toEqual([]);
    await pub.publishAsync(`${p}/${id}`, JSON.stringify({ state: 'up', ts: Date.now() / 1000 }), { qos: 1 });
    await waitFor(async () => (await camera(s.app, id)).status === 'online', 'a report from now taken');
  });
});
