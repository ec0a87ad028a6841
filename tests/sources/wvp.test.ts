// wvp-GB28181-pro: its Redis pub/sub channel on the real Redis (a channel name unique to this run),
// its REST API as a STAND-IN following wvp's documented shapes (tests/support/wvpStandIn.ts).
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startWvpStandIn, type StandInDevice, type WvpStandIn } from '../support/wvpStandIn.js';
import { REDIS_PACKAGES, skipWithoutService } from '../support/services.js';
import {
  ADMIN,
  REDIS_URL,
  camera,
  history,
  sourceView,
  sourcesApp,
  unique,
  waitFor,
  type SourcesApp,
} from './helpers.js';

const DEV_A = '13990000001110000001';
const DEV_B = '13990000001110000002';
// The ids of tests/server/helpers `cam(1..4)`.
const CH = ['13990000001320000001', '13990000001320000002', '13990000001320000003', '13990000001320000004'];

function devices(now: number): StandInDevice[] {
  return [
    {
      deviceId: DEV_A,
      name: 'NVR 甲镇',
      onLine: true,
      keepaliveTimeStamp: now,
      heartBeatInterval: 60,
      heartBeatCount: 3,
      channels: [
        {
          deviceId: CH[0]!,
          name: '甲镇·路口1',
          civilCode: '139900100',
          status: 'ON',
          longitude: 114.51,
          latitude: 37.91,
        },
        {
          deviceId: CH[1]!,
          name: '甲镇·路口2',
          civilCode: '139900100',
          status: 'OFF',
          longitude: 114.52,
          latitude: 37.92,
        },
      ],
    },
    {
      deviceId: DEV_B,
      name: 'NVR 乙乡',
      onLine: true,
      keepaliveTimeStamp: now,
      heartBeatInterval: 60,
      heartBeatCount: 3,
      channels: [
        { deviceId: CH[2]!, name: '乙乡·村口', civilCode: '139900200', status: 'ON', longitude: null, latitude: null },
        {
          deviceId: CH[3]!,
          name: '乙乡·学校',
          civilCode: '139900200',
          status: 'ON',
          longitude: 114.61,
          latitude: 37.81,
        },
      ],
    },
  ];
}

/** wvp's Redis pub/sub channel runs on a real Redis: the machine's. */
const noRedis = await skipWithoutService('sources: wvp', REDIS_URL, REDIS_PACKAGES);

describe.skipIf(noRedis)(
  'wvp: Redis device channel, REST reconciliation, device OFF, a platform killed mid-run, bad input',
  () => {
    const channel = unique('device');
    const alarms = unique('alarm');
    let wvp: WvpStandIn;
    let s: SourcesApp;
    let redis: ReturnType<typeof createClient>;
    const started = new Date(Date.now() - 1000).toISOString();
    const publish = (msg: string, to = channel) => redis.publish(to, msg);

    beforeAll(async () => {
      wvp = await startWvpStandIn({ apiKey: 'wvp-key' });
      for (const d of devices(Date.now())) wvp.devices.set(d.deviceId, d);
      redis = createClient({ url: REDIS_URL });
      await redis.connect();
      s = await sourcesApp(
        [
          {
            id: 'wvp-luancheng',
            name: '栾城区视频平台',
            kind: 'wvp',
            redis: { url: REDIS_URL, channel, alarmChannel: alarms },
            api: { url: wvp.url, apiKey: 'wvp-key' },
            reconcile: 3600,
            downAfter: 1,
            alarm: { clues: true, category: 'security', reasons: { '1': 'video_lost' } },
          },
        ],
        4,
      );
      // The inventory was written after the first reconciliation: ask again.
      await waitFor(async () => (await sourceView(s.app, 'wvp-luancheng')).state === 'up', 'wvp up');
    });
    afterAll(async () => {
      await s.close();
      await redis.quit();
      await wvp.close();
    });

    test('the REST reconciliation reads devices and channels (api-key header) and reports them', async () => {
      await (s.app.sources.adapters.get('wvp-luancheng') as unknown as { reconcile(): Promise<void> }).reconcile();
      await waitFor(async () => (await camera(s.app, CH[1]!)).status === 'offline', 'channel 2 offline');
      expect((await camera(s.app, CH[0]!)).status).toBe('online');
      expect((await camera(s.app, CH[3]!)).status).toBe('online');
      expect(wvp.requests).toContain(`GET /api/device/query/devices/${DEV_A}/channels`);
      const v = await sourceView(s.app, 'wvp-luancheng');
      expect(v).toMatchObject({ kind: 'wvp', name: '栾城区视频平台', channels: 4, heartbeat: null });
      expect(JSON.stringify(v)).not.toContain('wvp-key');
    });

    test('channel messages move channels; a device OFF takes all its channels offline (device_offline)', async () => {
      await publish(`${DEV_A}:${CH[1]} ON`);
      await waitFor(async () => (await camera(s.app, CH[1]!)).status === 'online', 'channel 2 online');
      await publish(`${DEV_B} OFF`);
      await waitFor(async () => (await camera(s.app, CH[3]!)).reason === 'device_offline', 'device B offline');
      expect(await camera(s.app, CH[2]!)).toMatchObject({ status: 'offline', reason: 'device_offline' });
      expect((await camera(s.app, CH[0]!)).status).toBe('online');
      expect((await history(s.app, CH[2]!, started)).at(-1)).toEqual([
        'offline',
        'device_offline',
        'source:wvp-luancheng',
      ]);
    });

    test('garbage on the channel, unknown ids and bad alarms are counted per kind and change nothing', async () => {
      const before = await Promise.all(CH.map((id) => camera(s.app, id)));
      await publish('hello world');
      await publish(`${DEV_A}:${CH[0]} MAYBE`);
      await publish(`${DEV_A}:13990000001329999999 OFF`);
      await publish('not json', alarms);
      await publish(JSON.stringify({ alarmSn: 1 }), alarms);
      await waitFor(async () => {
        const r = (await sourceView(s.app, 'wvp-luancheng')).rejects;
        return r.bad_message === 2 && r.unknown_id === 1 && r.bad_alarm === 2;
      }, 'rejects counted');
      expect(await Promise.all(CH.map((id) => camera(s.app, id)))).toEqual(before);
    });

    test('an alarm becomes a clue in the channel’s region and, as configured, a channel reason', async () => {
      await publish(
        JSON.stringify({ gbId: CH[0], alarmSn: 7, alarmType: 1, alarmDescription: '视频丢失报警' }),
        alarms,
      );
      await waitFor(async () => (await camera(s.app, CH[0]!)).reason === 'video_lost', 'video_lost');
      const clue = await waitFor(
        async () => (await s.app.store.getClue(`wvp-wvp-luancheng-${CH[0]}-7`))?.clue,
        'clue stored',
      );
      expect(clue).toMatchObject({
        region: '139900100',
        source: 'video',
        category: 'security',
        createdBy: 'source:wvp-luancheng',
      });
      expect(clue.title).toContain('视频丢失报警');
    });

    test('the platform dies: channels unknown (source_down), one alert event; back, one reconciliation restores the truth', async () => {
      const summary = async () =>
        (await s.app.inject({ method: 'GET', url: '/api/v1/regions/139900/summary' })).json().cameras;
      const events: { up: boolean; cameraIds: string[]; name: string }[] = [];
      s.app.bus.on('source', (e) => events.push(e));
      const before = await summary();
      await wvp.close();
      await (s.app.sources.adapters.get('wvp-luancheng') as unknown as { reconcile(): Promise<void> }).reconcile();
      await waitFor(async () => (await camera(s.app, CH[0]!)).reason === 'source_down', 'source_down');
      for (const id of CH) expect(await camera(s.app, id)).toMatchObject({ status: 'unknown', reason: 'source_down' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ up: false, name: '栾城区视频平台' });
      expect(events[0]!.cameraIds).toHaveLength(4);
      expect((await sourceView(s.app, 'wvp-luancheng')).lastError).toMatch(/wvp REST/);
      const down = await summary();
      expect(down.newlyFailed).toBe(before.newlyFailed);
      expect(down.offline).toBe(0);

      // While it was away, device B came back and one channel went down.
      wvp.devices.get(DEV_A)!.channels[1]!.status = 'OFF';
      await wvp.reopen();
      await waitFor(async () => (await sourceView(s.app, 'wvp-luancheng')).state === 'up', 'up again');
      await waitFor(async () => (await camera(s.app, CH[3]!)).status === 'online', 'restored');
      expect((await camera(s.app, CH[1]!)).status).toBe('offline');
      expect((await camera(s.app, CH[0]!)).status).toBe('online');
      const after = await summary();
      expect(after.repaired).toBe(before.repaired);
      expect(after.newlyFailed).toBe(before.newlyFailed);
      expect(events.map((e) => e.up)).toEqual([false, true]);
    });

    test('a device wvp shows online but whose keepalive is older than interval × count counts as offline', async () => {
      wvp.devices.get(DEV_A)!.keepaliveTimeStamp = Date.now() - 60 * 3 * 1000 - 5 * 60_000;
      await (s.app.sources.adapters.get('wvp-luancheng') as unknown as { reconcile(): Promise<void> }).reconcile();
      await waitFor(async () => (await camera(s.app, CH[0]!)).reason === 'device_offline', 'stale device');
      expect(await camera(s.app, CH[1]!)).toMatchObject({ status: 'offline', reason: 'device_offline' });
    });

    test('wrong shapes from the REST API are bad input, not a crash', async () => {
      wvp.garble = true;
      await (s.app.sources.adapters.get('wvp-luancheng') as unknown as { reconcile(): Promise<void> }).reconcile();
      wvp.garble = false;
      expect((await sourceView(s.app, 'wvp-luancheng')).rejects.bad_response).toBe(1);
    });
  },
);

describe.skipIf(noRedis)('wvp catalog sync: dry run first, then applied', () => {
  let wvp: WvpStandIn;
  let s: SourcesApp;
  beforeAll(async () => {
    wvp = await startWvpStandIn({ username: 'admin', password: 'admin123' });
    const d = devices(Date.now());
    d[1]!.channels.push({
      deviceId: 'not-a-gb-id',
      name: 'x',
      civilCode: null,
      status: 'ON',
      longitude: null,
      latitude: null,
    });
    d[1]!.channels.push({
      deviceId: '44030000001320000009',
      name: '外省',
      civilCode: '440300',
      status: 'ON',
      longitude: 113.9,
      latitude: 22.5,
    });
    d[0]!.channels.push({
      deviceId: '13990000001320000010',
      name: '甲镇·映射',
      civilCode: '13990001',
      status: 'ON',
      longitude: 114.5,
      latitude: 37.9,
    });
    for (const x of d) wvp.devices.set(x.deviceId, x);
    s = await sourcesApp(
      [
        {
          id: 'wvp',
          kind: 'wvp',
          redis: { url: REDIS_URL, channel: unique('device'), alarmChannel: unique('alarm') },
          api: { url: wvp.url, username: 'admin', password: 'admin123' },
          catalog: { regions: { '13990001': '139900100' } },
        },
      ],
      1,
    );
  });
  afterAll(async () => {
    await s.close();
    await wvp.close();
  });

  test('the dry run lists what would change and changes nothing; apply writes it', async () => {
    const dry = await s.app.inject({
      method: 'POST',
      url: '/api/v1/sources/wvp/sync-catalog',
      headers: ADMIN,
      payload: {},
    });
    expect(dry.statusCode).toBe(200);
    const plan = dry.json();
    expect(plan).toMatchObject({ dryRun: true, devices: 2, channels: 7, unchanged: 0, applied: 0 });
    // cam(1) exists as 测试点1 in 甲镇: its name and position differ.
    expect(plan.update).toEqual([
      expect.objectContaining({ id: CH[0], name: '甲镇·路口1', region: '139900100', changes: ['name', 'position'] }),
    ]);
    expect(plan.add.map((r: { id: string }) => r.id).sort()).toEqual(
      [CH[1], CH[2], CH[3], '13990000001320000010'].sort(),
    );
    expect(plan.add.find((r: { id: string }) => r.id === CH[2])).toMatchObject({
      approximatePosition: true,
      lon: 114.6,
      lat: 37.8,
      region: '139900200',
      regionFrom: 'civil_code',
    });
    expect(plan.add.find((r: { id: string }) => r.id === '13990000001320000010')).toMatchObject({
      region: '139900100',
      regionFrom: 'mapping',
    });
    expect(plan.skipped.map((x: { id: string }) => x.id).sort()).toEqual(['44030000001320000009', 'not-a-gb-id']);
    expect((await s.app.store.getCameras([CH[1]!])).size).toBe(0);
    expect(wvp.requests).toContain('GET /api/user/login');

    const applied = (
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/sources/wvp/sync-catalog',
        headers: ADMIN,
        payload: { apply: true },
      })
    ).json();
    expect(applied).toMatchObject({ dryRun: false, applied: 5 });
    const stored = await s.app.store.getCameras([...CH, '13990000001320000010']);
    expect(stored.size).toBe(5);
    expect(stored.get(CH[0]!)).toMatchObject({ name: '甲镇·路口1', lon: 114.51, lat: 37.91 });
    const again = (
      await s.app.inject({ method: 'POST', url: '/api/v1/sources/wvp/sync-catalog', headers: ADMIN, payload: {} })
    ).json();
    expect(again).toMatchObject({ unchanged: 5, add: [], update: [] });
  });

  test('sync-catalog: unknown source 404, not a wvp source 409, no admin 401', async () => {
    expect(
      (await s.app.inject({ method: 'POST', url: '/api/v1/sources/nope/sync-catalog', headers: ADMIN, payload: {} }))
        .statusCode,
    ).toBe(404);
    expect(
      (await s.app.inject({ method: 'POST', url: '/api/v1/sources/wvp/sync-catalog', payload: {} })).statusCode,
    ).toBe(401);
    const bad = await s.app.inject({
      method: 'POST',
      url: '/api/v1/sources/wvp/sync-catalog',
      headers: ADMIN,
      payload: { apply: 'yes please' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
