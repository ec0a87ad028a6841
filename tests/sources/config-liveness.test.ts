// The sources section of the config file (errors name the bad key), and liveness per source:
// change-only sources and unfed channels do not decay, the REST API keeps its heartbeat timeout.
import { describe, expect, test } from 'vitest';
import { parseConfigText } from '../../server/src/config/file.js';
import { isoAt } from '../../server/src/domain/time.js';
import { AUTH, cam } from '../server/helpers.js';
import { MQTT_URL, camera, sourcesApp } from './helpers.js';

const bad = (yaml: string) => () => parseConfigText(yaml, 'x.yaml');

describe('sources: config schema per kind', () => {
  test('the minimal config of the issue is read as written', () => {
    const c = parseConfigText(
      'sources:\n  - id: demo-mqtt\n    kind: mqtt\n    url: mqtt://127.0.0.1:1883\n    topic: cameras/{id}/status   # payload: online | offline\n',
      'x.yaml',
    );
    expect(c.sources?.[0]).toEqual({
      id: 'demo-mqtt',
      kind: 'mqtt',
      url: 'mqtt://127.0.0.1:1883',
      topic: 'cameras/{id}/status',
    });
  });

  test("every config of the README's 'Connecting your video platform' is valid as printed", async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## 接入视频平台'), readme.indexOf('## Feeding it: the API'));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBe(6);
    // Elided secrets (…) stand for the operator's own.
    const yaml = `sources:\n${blocks.slice(1).join('')}`.replace(/…/g, 'x');
    const c = parseConfigText(yaml, 'readme.yaml');
    expect(c.sources?.map((x) => x.kind)).toEqual(['wvp', 'zlm', 'mqtt', 'mqtt', 'rtsp']);
    expect(parseConfigText(blocks[0]!, 'min.yaml').sources?.[0]?.id).toBe('demo-mqtt');
  });

  test('each kind names its own bad or missing key', () => {
    expect(bad('sources:\n  - id: a\n    kind: mqtt\n    url: mqtt://h\n    topik: x/{id}\n')).toThrow(
      /sources\/0\/topik: unknown key/,
    );
    expect(bad('sources:\n  - id: a\n    kind: mqtt\n    topic: x/{id}\n')).toThrow(/sources\/0\/url: is required/);
    expect(bad('sources:\n  - id: a\n    kind: mqtt\n    url: mqtt://h\n')).toThrow(/sources\/0\/topic: is required/);
    expect(bad('sources:\n  - id: a\n    kind: mqtt\n    url: mqtt://h\n    topic: cameras/status\n')).toThrow(
      /sources\/0\/topic: needs exactly one \{id\}/,
    );
    expect(bad('sources:\n  - id: w\n    kind: wvp\n    redis: {}\n')).toThrow(/sources\/0\/redis\/url: is required/);
    expect(
      bad(
        'sources:\n  - id: w\n    kind: wvp\n    redis: { url: "redis://h" }\n    api: { url: "http://h", username: u }\n',
      ),
    ).toThrow(/sources\/0\/api\/password: is required/);
    expect(bad('sources:\n  - id: z\n    kind: zlm\n')).toThrow(/sources\/0\/secret: is required/);
    expect(
      bad('sources:\n  - id: z\n    kind: zlm\n    secret: s\n    streams: [{ match: "(", id: "{0}" }]\n'),
    ).toThrow(/sources\/0\/streams\/0\/match: not a valid regular expression/);
    expect(bad('sources:\n  - id: r\n    kind: rtsp\n    cameras: [{ id: "1", url: "http://x" }]\n')).toThrow(
      /sources\/0\/cameras\/0\/url/,
    );
    expect(bad('sources:\n  - id: r\n    kind: rtsp\n    cameras: []\n')).toThrow(/sources\/0\/cameras/);
    expect(bad('sources:\n  - { id: a, kind: rest }\n  - { id: a, kind: zlm, secret: s }\n')).toThrow(
      /sources\/1\/id: 'a' is already the id of sources\/0/,
    );
    expect(bad('sources:\n  - { id: a, kind: rest, heartbeat: soon }\n')).toThrow(/sources\/0\/heartbeat/);
  });
});

describe('liveness belongs to the source (issue 18 item 8)', () => {
  test('with nothing feeding them, seeded or inventoried channels do not decay; REST-fed ones do, on the REST timeout', async () => {
    const s = await sourcesApp([], 0, { heartbeatTimeoutSec: 60 });
    try {
      const rows = [cam(1), cam(2)];
      await s.app.inject({ method: 'PUT', url: '/api/v1/cameras', headers: AUTH, payload: { cameras: rows } });
      const t0 = Date.now() - 3600_000;
      // cam 1 is fed through the REST API (actor test); cam 2 is only in the inventory.
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/cameras/status',
        headers: AUTH,
        payload: { reports: [{ cameraId: rows[0]!.id, status: 'online', at: isoAt(t0) }] },
      });
      expect(await s.app.ingest.markSilent(t0 + 61_000)).toBe(1);
      expect((await camera(s.app, rows[0]!.id)).status).toBe('unknown');
      await s.app.ingest.markSilent(t0 + 200_000);
      expect((await camera(s.app, rows[0]!.id)).status).toBe('offline');
      // Never heard from: unknown it was, unknown it stays (no false offline).
      expect((await camera(s.app, rows[1]!.id)).status).toBe('unknown');
    } finally {
      await s.close();
    }
  });

  test('a change-only source proves liveness for its channels: silence does not decay them; rest: heartbeat off stops REST decay', async () => {
    const s = await sourcesApp(
      [
        { id: 'quiet', kind: 'mqtt', url: MQTT_URL, topic: 'zt-never/{id}' },
        { id: 'rest', kind: 'rest', heartbeat: 'off' },
      ],
      2,
      { heartbeatTimeoutSec: 60 },
    );
    try {
      const t0 = Date.now() - 3600_000;
      // One channel fed by the MQTT source (change-only), one through REST with heartbeat off.
      await s.app.ingest.statusBatch([{ cameraId: s.ids[0], status: 'online', at: isoAt(t0) }], 'source:quiet');
      await s.app.ingest.statusBatch([{ cameraId: s.ids[1], status: 'online', at: isoAt(t0) }], 'test');
      expect(await s.app.ingest.markSilent(Date.now())).toBe(0);
      expect((await camera(s.app, s.ids[0]!)).status).toBe('online');
      expect((await camera(s.app, s.ids[1]!)).status).toBe('online');
    } finally {
      await s.close();
    }
  });

  test('who feeds which channel survives a restart (saved beside the data)', async () => {
    const { Liveness } = await import('../../server/src/sources/liveness.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'zt-live-')), 'owners.json');
    const a = new Liveness({ restHeartbeatSec: 300, file });
    a.seen([
      { cameraId: 'c1', status: 'online', reason: null, at: isoAt(Date.now()), actor: 'source:wvp' },
      { cameraId: 'c2', status: 'online', reason: null, at: isoAt(Date.now()), actor: 'key-a' },
    ]);
    await a.save();
    const b = new Liveness({ restHeartbeatSec: 300, file });
    await b.load(new Set(['wvp', 'rest']));
    expect([b.ownerOf('c1'), b.ownerOf('c2')]).toEqual(['wvp', 'rest']);
    const c = new Liveness({ restHeartbeatSec: 300, file });
    await c.load(new Set(['rest']));
    expect(c.ownerOf('c1')).toBeUndefined();
  });
});
