// Status storm through the sources: 100,000 channels change state within about a second, arriving
// (1) through MQTT (a real Mosquitto of the benchmark's own) and (2) through wvp's Redis `device`
// channel (the real Redis); the REST API in the same run is the reference. Measured: the time from
// the last message until every subscribed wall (socket.io clients on the province, cities and
// counties) shows the new figures. The server runs as its own process (the built server with a
// config file), the publishers and walls in this one. One run; prints JSON.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { createClient } from 'redis';
import { io } from 'socket.io-client';
import { dist, now, root, singleProcessEnv } from './lib.mjs';

const N_CITIES = 4;
const COUNTIES = 10; // per city
const TOWNS = 25; // per county
const PER_TOWN = Number(process.env.BENCH_PER_TOWN ?? 100); // 4 × 10 × 25 × 100 = 100,000 channels
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ── the inventory: a generated province of 100,000 channels ──
const regions = [{ code: '130000', name: '省', level: 'province', parent: null, center: [116, 39] }];
const cameras = [];
for (let c = 1; c <= N_CITIES; c++) {
  const city = `13${String(c).padStart(2, '0')}00`;
  regions.push({ code: city, name: `市${c}`, level: 'city', parent: '130000', center: [116, 39] });
  for (let k = 1; k <= COUNTIES; k++) {
    const county = `13${String(c).padStart(2, '0')}${String(k).padStart(2, '0')}`;
    regions.push({ code: county, name: `县${c}-${k}`, level: 'county', parent: city, center: [116, 39] });
    for (let t = 1; t <= TOWNS; t++) {
      const town = `${county}${String(100 + t)}`;
      regions.push({ code: town, name: `镇${c}-${k}-${t}`, level: 'township', parent: county, center: [116, 39] });
      for (let i = 0; i < PER_TOWN; i++)
        cameras.push({
          id: `${town}1310${String(i).padStart(7, '0')}`,
          name: `点位${i}`,
          region: town,
          lon: 116,
          lat: 39,
        });
    }
  }
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'zhihui-bench-sources-'));
{
  // The store, prepared before the server starts: regions, channels, all online.
  const { buildApp } = await import(dist('app.js'));
  const app = await buildApp({
    env: singleProcessEnv(),
    logger: false,
    config: {
      dataDir,
      simulator: false,
      seed: false,
      apiKeys: [{ name: 'bench', key: 'k' }],
      demoKey: false,
      heartbeatGraceSec: 86_400,
    },
  });
  await app.store.upsertRegions(regions);
  await app.reloadRegions();
  for (let i = 0; i < cameras.length; i += 20_000)
    await app.ingest.upsertCameras(cameras.slice(i, i + 20_000), 'bench');
  const at = new Date().toISOString();
  for (let i = 0; i < cameras.length; i += 5000)
    await app.ingest.statusBatch(
      cameras.slice(i, i + 5000).map((c) => ({ cameraId: c.id, status: 'online', at })),
      'bench',
    );
  await app.close();
}

console.error(`store prepared: ${cameras.length} channels`);
// ── a Mosquitto of our own, sized for a storm (the defaults queue 1,000 QoS 1 messages per client) ──
const brokerPort = await freePort();
const conf = path.join(dataDir, 'mosquitto.conf');
await writeFile(
  conf,
  `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\nmax_inflight_messages 0\n`,
);
const broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
await sleep(500);

const channel = `bench-device-${process.pid}`;
const configFile = path.join(dataDir, 'zhihui.yaml');
await writeFile(
  configFile,
  [
    'sources:',
    '  - id: storm-mqtt',
    '    kind: mqtt',
    `    url: mqtt://127.0.0.1:${brokerPort}`,
    '    topic: storm/{id}/status',
    '  - id: storm-wvp',
    '    kind: wvp',
    `    redis: { url: "${REDIS_URL}", channel: ${channel}, alarmChannel: ${channel}-alarm }`,
    '',
  ].join('\n'),
);

const port = await freePort();
const server = spawn(process.execPath, [path.join(root, 'server/dist/server.js')], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SIMULATOR: 'off',
    SEED: 'off',
    API_KEYS: 'bench:k',
    ADMIN_KEY: 'adm',
    ZHIHUI_CONFIG: configFile,
    LOG_LEVEL: 'error',
    HEARTBEAT_GRACE: '86400',
    DATABASE_URL: '',
    REDIS_URL: '',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const url = `http://127.0.0.1:${port}`;
/**
 * CPU time the server process has used (user + system, ms), from /proc; null where there is none.
 * Less noisy than wall-clock time on a shared machine: what one storm costs the server.
 */
const serverCpuMs = () => {
  try {
    const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
};
const cpuSince = (before) => {
  const after = serverCpuMs();
  return before === null || after === null ? null : after - before;
};
// Whatever happens here, the server and the broker go with us.
process.on('exit', () => {
  server.kill('SIGKILL');
  broker.kill('SIGKILL');
});
for (;;) {
  try {
    const r = await fetch(`${url}/api/v1/sources`, { headers: { authorization: 'Bearer adm' } });
    if (r.ok && (await r.json()).sources.every((s) => s.state === 'up')) break;
  } catch {
    /* starting */
  }
  await sleep(200);
}

// ── walls: the province, every city, and four counties ──
const wallRegions = [
  '130000',
  ...regions.filter((r) => r.level === 'city').map((r) => r.code),
  '130101',
  '130202',
  '130303',
  '130410',
];
const prefixOf = (code) => (code === '130000' ? '13' : code.endsWith('00') ? code.slice(0, 4) : code);
const totals = new Map(
  wallRegions.map((code) => [code, cameras.filter((c) => c.region.startsWith(prefixOf(code))).length]),
);
const walls = await Promise.all(
  wallRegions.map(
    (region) =>
      new Promise((resolve, reject) => {
        const s = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
        const wall = { region, socket: s, online: -1, onChange: null };
        s.on('delta', (d) => {
          // Figures come as the sections that changed: the camera figures when a status moved.
          if (d.figures?.today?.cameras) {
            wall.online = d.figures.today.cameras.online;
            wall.onChange?.();
          }
        });
        s.on('connect', () =>
          s.emit('subscribe', { region }, (ack) => {
            if (!ack.ok) return reject(new Error(JSON.stringify(ack.error)));
            wall.online = ack.data.figures.today.cameras.online;
            resolve(wall);
          }),
        );
        s.on('connect_error', reject);
      }),
  ),
);

/** Resolves with the time at which every wall shows `online(region)` (rejects after two minutes). */
const converged = (online) =>
  new Promise((resolve, reject) => {
    const give = setTimeout(
      () =>
        reject(
          new Error(
            `walls did not converge: ${walls.map((w) => `${w.region}=${w.online}/${online(w.region)}`).join(' ')}`,
          ),
        ),
      120_000,
    );
    const check = () => {
      if (walls.every((w) => w.online === online(w.region))) {
        clearTimeout(give);
        for (const w of walls) w.onChange = null;
        resolve(now());
      }
    };
    for (const w of walls) w.onChange = check;
    check();
  });

console.error(`server up, ${walls.length} walls subscribed: ${walls.map((w) => `${w.region}=${w.online}`).join(' ')}`);
const sourcesNow = async () =>
  (await (await fetch(`${url}/api/v1/sources`, { headers: { authorization: 'Bearer adm' } })).json()).sources
    .map(
      (s) =>
        `${s.id}: ${s.state} messages ${s.messages} repeats ${s.repeatsDropped} overridden ${s.overridden} rejects ${JSON.stringify(s.rejects)}`,
    )
    .join('; ');
const ids = cameras.map((c) => c.id);
const results = {};

// 1. MQTT: every channel goes offline, QoS 1.
{
  // Four publishers (a bridge per district), QoS 1, at most 10,000 unacknowledged each: message ids are 16 bits.
  const pubs = await Promise.all([0, 1, 2, 3].map(() => mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`)));
  const done = converged(() => 0);
  const cpu0 = serverCpuMs();
  const t0 = now();
  await Promise.all(
    pubs.map(async (pub, k) => {
      const mine = ids.filter((_, i) => i % pubs.length === k);
      for (let i = 0; i < mine.length; i += 10_000)
        await Promise.all(
          mine.slice(i, i + 10_000).map((id) => pub.publishAsync(`storm/${id}/status`, 'offline', { qos: 1 })),
        );
    }),
  );
  const last = now();
  console.error(`mqtt: published in ${Math.round(last - t0)} ms`);
  const t = await done;
  console.error(`mqtt: converged ${Math.round(t - last)} ms after the last message; ${await sourcesNow()}`);
  results.mqttPublishMs = last - t0;
  results.mqttConvergeMs = t - last;
  results.mqttTotalMs = t - t0;
  results.mqttServerCpuMs = cpuSince(cpu0);
  await Promise.all(pubs.map((p) => p.endAsync()));
}

// 2. wvp's Redis channel: every channel comes back (`<deviceId>:<channelId> ON`).
{
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  const done = converged((r) => totals.get(r));
  const cpu0 = serverCpuMs();
  const t0 = now();
  // Issued in one go: node-redis pipelines commands sent in the same tick.
  await Promise.all(ids.map((id) => redis.publish(channel, `13000000001110000001:${id} ON`)));
  const last = now();
  console.error(`redis: published in ${Math.round(last - t0)} ms`);
  setTimeout(async () => console.error(`redis after 10 s: ${await sourcesNow()}`), 10_000).unref();
  const t = await done;
  results.redisPublishMs = last - t0;
  results.redisConvergeMs = t - last;
  results.redisTotalMs = t - t0;
  results.redisServerCpuMs = cpuSince(cpu0);
  await redis.quit();
}

// 3. The REST API as the reference: the same storm as 20 batches of 5,000, four at a time.
{
  const done = converged(() => 0);
  const cpu0 = serverCpuMs();
  const t0 = now();
  const batches = [];
  for (let i = 0; i < ids.length; i += 5000) batches.push(ids.slice(i, i + 5000));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const b = batches[next++];
      const res = await fetch(`${url}/api/v1/cameras/status`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
        body: JSON.stringify({ reports: b.map((cameraId) => ({ cameraId, status: 'offline', reason: 'network' })) }),
      });
      if (!res.ok) throw new Error(await res.text());
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const last = now();
  const t = await done;
  results.restPostMs = last - t0;
  results.restConvergeMs = t - last;
  results.restTotalMs = t - t0;
  results.restServerCpuMs = cpuSince(cpu0);
}

const health = (await (await fetch(`${url}/api/v1/sources`, { headers: { authorization: 'Bearer adm' } })).json())
  .sources;
for (const w of walls) w.socket.close();
server.kill('SIGTERM');
broker.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await rm(dataDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    channels: ids.length,
    walls: walls.length,
    ...results,
    // Whole storm, first message to every wall converged, against the REST path's.
    mqttToRestRatio: results.mqttTotalMs / results.restTotalMs,
    redisToRestRatio: results.redisTotalMs / results.restTotalMs,
    mqttRejects: Object.values(health.find((s) => s.id === 'storm-mqtt').rejects).reduce((a, b) => a + b, 0),
    redisRejects: Object.values(health.find((s) => s.id === 'storm-wvp').rejects).reduce((a, b) => a + b, 0),
  }),
);
process.exit(0);
