import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  buildRegionTree,
  type Appeal,
  type Topic,
  type CameraInput,
  type Clue,
  type ClueEvent,
  type GridReport,
  type GridWorkerView,
  type Region,
} from '@zhihui/shared';
import { computeSummary } from '../../server/src/domain/summary.js';
import type {
  AuditEntry,
  CredentialRecord,
  DeliveryRecord,
  SessionRecord,
  Store,
  StatusInput,
  UserRecord,
} from '../../server/src/store/types.js';

/** A store under test, opened fresh for each test; `reopen` closes it and opens the same data again. */
export interface StoreHandle {
  store: Store;
  reopen(): Promise<Store>;
  destroy(): Promise<void>;
}

// Every time below is Asia/Shanghai ISO, the form both stores hand back.
const T = (hhmm: string, day = '27'): string => `2026-11-${day}T${hhmm}:00+08:00`;

const regions: Region[] = [
  { code: '130111', name: '栾城区', level: 'county', parent: null, center: [114.65, 37.9] },
  { code: '130111100', name: '栾城镇', level: 'township', parent: '130111', center: [114.64, 37.89] },
  { code: '130111101', name: '冶河镇', level: 'township', parent: '130111', center: [114.7, 37.85] },
];
const A = '130111100';
const B = '130111101';

const cam = (n: number, region = A, extra: Partial<CameraInput> = {}): CameraInput => ({
  id: `1301110000132000${String(n).padStart(4, '0')}`,
  name: `探头 ${n}`,
  region,
  lon: 114.6 + n / 1000,
  lat: 37.9,
  ...extra,
});

const report = (
  cameraId: string,
  status: StatusInput['status'],
  at: string,
  extra: Partial<StatusInput> = {},
): StatusInput => ({
  cameraId,
  status,
  reason: status === 'offline' ? 'power' : null,
  at,
  actor: 'test',
  ...extra,
});

function clue(id: string, reportedAt: string, extra: Partial<Clue> = {}): Clue {
  return {
    id,
    category: 'environment',
    source: 'video',
    region: A,
    title: `线索 ${id}`,
    description: null,
    lon: 114.6,
    lat: 37.9,
    reportedAt,
    dueAt: null,
    status: 'reported',
    assignee: null,
    outcome: null,
    urgent: false,
    gridWorkerId: null,
    resolvedAt: null,
    updatedAt: reportedAt,
    createdBy: 'test',
    ...extra,
  };
}
const firstEvent = (c: Clue): ClueEvent => ({
  from: null,
  to: 'reported',
  at: c.reportedAt,
  actor: c.createdBy,
  note: null,
});

const worker = (id: string, region = A, extra: Partial<GridWorkerView> = {}): GridWorkerView => ({
  id,
  name: `网格员 ${id}`,
  region,
  phone: null,
  onDuty: true,
  lastReportAt: null,
  ...extra,
});

const byCode = (a: Region, b: Region) => (a.code < b.code ? -1 : 1);

const credential = (id: string, createdAt: string, extra: Partial<CredentialRecord> = {}): CredentialRecord => ({
  id,
  kind: 'key',
  name: `key ${id}`,
  scopes: ['status', 'inventory'],
  region: null,
  hash: id.repeat(4),
  createdAt,
  createdBy: 'admin',
  revokedAt: null,
  revokedBy: null,
  ...extra,
});

const audit = (action: string, at: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  at,
  actor: 'admin',
  actorId: 'env:admin',
  action,
  target: null,
  details: null,
  ...extra,
});

const delivery = (id: string, createdAt: string, extra: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  id,
  channel: 'county-duty',
  rule: 'urgent-130111',
  region: A,
  kind: 'alert',
  title: `紧急线索 ${id}`,
  status: 'queued',
  attempts: 0,
  error: null,
  mergedInto: null,
  createdAt,
  updatedAt: createdAt,
  sentAt: null,
  message: { title: `紧急线索 ${id}`, lines: ['冶河镇', '河道有垃圾焚烧'], urgent: true },
  ...extra,
});

/**
 * The Store contract, written once: every implementation must pass it unchanged.
 * `open` gives a fresh, empty store each time.
 */
export function storeContract(name: string, open: () => Promise<StoreHandle>): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHandle;
    let s: Store;
    beforeEach(async () => {
      h = await open();
      s = h.store;
      await s.migrate();
    });
    afterEach(async () => {
      await h.destroy();
    });

    async function seedCameras(n: number, region = A): Promise<string[]> {
      const rows = Array.from({ length: n }, (_, i) => cam(i + 1, region));
      await s.upsertCameras(rows, 'test', T('00:00'));
      return rows.map((r) => r.id);
    }

    test('migrate is idempotent and an empty store says so', async () => {
      await s.migrate();
      expect(await s.isEmpty()).toBe(true);
      await s.upsertRegions(regions);
      await s.migrate();
      expect(await s.isEmpty()).toBe(false);
    });

    test('a store with cameras but no regions is not empty', async () => {
      await seedCameras(1);
      expect(await s.isEmpty()).toBe(false);
    });

    test('regions: upsert, list, update by code', async () => {
      await s.upsertRegions(regions);
      await s.upsertRegions([{ ...regions[1]!, name: '栾城镇(新)' }]);
      const got = (await s.listRegions()).sort(byCode);
      expect(got.map((r) => r.code)).toEqual(['130111', A, B]);
      expect(got[1]).toMatchObject({
        code: A,
        name: '栾城镇(新)',
        level: 'township',
        parent: '130111',
        center: [114.64, 37.89],
      });
      expect(got[0]!.parent).toBeNull();
    });

    test('cameras: new channels start unknown since now; upsert keeps their state', async () => {
      const created = await s.upsertCameras([cam(1), cam(2, B, { inService: false })], 'test', T('08:00'));
      expect(created).toHaveLength(2);
      const c1 = created.find((c) => c.id === cam(1).id)!;
      expect(c1).toMatchObject({
        status: 'unknown',
        reason: null,
        since: T('08:00'),
        lastSeen: null,
        inService: true,
        maintenance: null,
        region: A,
      });
      expect(created.find((c) => c.id === cam(2).id)!.inService).toBe(false);

      await s.applyStatus([report(cam(1).id, 'online', T('08:05'))]);
      const updated = await s.upsertCameras([cam(1, A, { name: '改名', lon: 114.7 })], 'test', T('09:00'));
      expect(updated[0]).toMatchObject({
        id: cam(1).id,
        name: '改名',
        lon: 114.7,
        status: 'online',
        since: T('08:05'),
      });

      const map = await s.getCameras([cam(1).id, cam(2).id, 'nope']);
      expect([...map.keys()].sort()).toEqual([cam(1).id, cam(2).id].sort());
      expect(map.get(cam(2).id)!.region).toBe(B);
      // What the status ingest reads of each report's channel: the same region and validity.
      const places = await s.placeCameras([cam(2).id, cam(1).id, 'nope', cam(2).id]);
      expect([...places.keys()].sort()).toEqual([cam(1).id, cam(2).id].sort());
      for (const [id, rec] of map)
        expect(places.get(id)).toEqual({ region: rec.region, validFromMs: Date.parse(rec.validFrom!) });
      expect((await s.allCameras()).map((c) => c.id)).toEqual([cam(1).id, cam(2).id]);
    });

    test('listCameras: id order, region and status filters, cursor pages cover everything once', async () => {
      const a = await seedCameras(7, A);
      const b = Array.from({ length: 3 }, (_, i) => cam(100 + i, B));
      await s.upsertCameras(b, 'test', T('00:00'));
      await s.applyStatus([report(a[0]!, 'online', T('01:00')), report(a[3]!, 'online', T('01:00'))]);

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await s.listCameras({ regions: [A], cursor, limit: 3 });
        seen.push(...page.items.map((c) => c.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual([...a].sort());
      const online = await s.listCameras({ status: 'online', limit: 100 });
      expect(online.items.map((c) => c.id)).toEqual([a[0], a[3]]);
      expect(online.nextCursor).toBeNull();
      const inB = await s.listCameras({ regions: [B], limit: 100 });
      expect(inB.items).toHaveLength(3);
      await expect(s.listCameras({ cursor: '!!not-a-cursor!!', limit: 3 })).rejects.toMatchObject({
        code: 'BAD_CURSOR',
      });
    });

    test('applyStatus: changes vs heartbeats, reason changes while down, events appended', async () => {
      const [c1, c2] = await seedCameras(2);
      const r1 = await s.applyStatus([report(c1!, 'online', T('08:00')), report(c2!, 'online', T('08:00'))]);
      expect(r1.changed.map((c) => c.id).sort()).toEqual([c1, c2].sort());
      expect(r1.events).toHaveLength(2);
      expect(r1.events[0]).toMatchObject({
        from: 'unknown',
        to: 'online',
        reason: null,
        at: T('08:00'),
        actor: 'test',
      });

      // A repeat of the current state is a heartbeat: only last-seen moves.
      const r2 = await s.applyStatus([report(c1!, 'online', T('08:10'))]);
      expect(r2.changed).toEqual([]);
      expect(r2.events).toEqual([]);
      const after = (await s.getCameras([c1!])).get(c1!)!;
      expect(after).toMatchObject({ status: 'online', since: T('08:00'), lastSeen: T('08:10') });

      // Down, then down for another reason, then down again for the same reason (a heartbeat).
      const r3 = await s.applyStatus([
        report(c1!, 'offline', T('09:00'), { reason: 'power' }),
        report(c1!, 'offline', T('09:01'), { reason: 'network' }),
        report(c1!, 'offline', T('09:02'), { reason: 'network' }),
      ]);
      expect(r3.changed).toHaveLength(1);
      expect(r3.changed[0]).toMatchObject({
        id: c1,
        status: 'offline',
        reason: 'network',
        since: T('09:01'),
        lastSeen: T('09:02'),
      });
      expect(r3.events.map((e) => [e.from, e.to, e.reason])).toEqual([
        ['online', 'offline', 'power'],
        ['offline', 'offline', 'network'],
      ]);

      const back = await s.applyStatus([report(c1!, 'online', T('10:00'))]);
      expect(back.changed[0]).toMatchObject({ status: 'online', reason: null, since: T('10:00') });
    });

    test('applyStatus: a report older than the current since changes nothing now', async () => {
      const [c1] = await seedCameras(1);
      await s.applyStatus([report(c1!, 'online', T('10:00'))]);
      const r = await s.applyStatus([report(c1!, 'offline', T('09:00'))]);
      expect(r.changed).toEqual([]);
      const now = (await s.getCameras([c1!])).get(c1!)!;
      expect(now).toMatchObject({ status: 'online', since: T('10:00'), lastSeen: T('10:00') });
      // The history learns what was true back then, measured against what it already knew: before
      // 10:00 the channel was unknown, and the 10:00 change now starts from what 09:00 taught.
      expect((await s.statusEvents({ from: T('00:00'), to: T('23:00') })).map((e) => [e.at, e.from, e.to])).toEqual([
        [T('09:00'), 'unknown', 'offline'],
        [T('10:00'), 'offline', 'online'],
      ]);
      // Back online at 09:30 leaves the 10:00 change with nothing to change: it goes.
      await s.applyStatus([report(c1!, 'online', T('09:30')), report(c1!, 'offline', T('09:10'))]);
      const hist = await s.statusEvents({ from: T('00:00'), to: T('23:00') });
      expect(hist.map((e) => [e.at, e.from, e.to])).toEqual([
        [T('09:00'), 'unknown', 'offline'],
        [T('09:30'), 'offline', 'online'],
      ]);
      // The current state comes from the rows: online since 09:30, the change that now starts it.
      expect((await s.getCameras([c1!])).get(c1!)).toMatchObject({ status: 'online', since: T('09:30') });
    });

    test('applyStatus: a late report that now starts the current state moves `since` back, and says what it took back (#18.1)', async () => {
      const [c1] = await seedCameras(1);
      await s.applyStatus([report(c1!, 'online', T('08:00', '26'))]);
      await s.applyStatus([report(c1!, 'offline', T('04:22'), { reason: 'power' })]);
      // Yesterday 12:00 "offline, power": the channel was already down for the same reason then.
      const late = await s.applyStatus([report(c1!, 'offline', T('12:00', '26'), { reason: 'power' })]);
      expect(late.changed.map((c) => [c.id, c.status, c.since])).toEqual([[c1, 'offline', T('12:00', '26')]]);
      expect(late.events.map((e) => [e.at, e.from, e.to])).toEqual([[T('12:00', '26'), 'online', 'offline']]);
      expect(late.retracted.map((e) => [e.at, e.from, e.to])).toEqual([[T('04:22'), 'online', 'offline']]);
      const hist = await s.statusEvents({ from: T('00:00', '26'), to: T('23:00'), cameraIds: [c1!] });
      expect(hist.map((e) => [e.at, e.from, e.to])).toEqual([
        [T('08:00', '26'), 'unknown', 'online'],
        [T('12:00', '26'), 'online', 'offline'],
      ]);
      // `since` is the time of the last change in the rows.
      expect((await s.getCameras([c1!])).get(c1!)).toMatchObject({
        status: 'offline',
        reason: 'power',
        since: hist[hist.length - 1]!.at,
      });

      // A re-chained change is retracted in its old form and comes back in its new one.
      const [, c2] = await seedCameras(2);
      await s.applyStatus([report(c2!, 'online', T('10:00'))]);
      const r2 = await s.applyStatus([report(c2!, 'offline', T('06:00'), { reason: 'network' })]);
      expect(r2.retracted.map((e) => [e.at, e.from, e.to])).toEqual([[T('10:00'), 'unknown', 'online']]);
      expect(r2.events.map((e) => [e.at, e.from, e.to])).toEqual([
        [T('06:00'), 'unknown', 'offline'],
        [T('10:00'), 'offline', 'online'],
      ]);
    });

    test('applyStatus: the current state comes from the latest observation, not from a late report between (#18.2)', async () => {
      const [c1] = await seedCameras(1);
      await s.applyStatus([report(c1!, 'online', T('09:00'))]);
      await s.applyStatus([report(c1!, 'online', T('09:50'))]); // heard at 09:50 (a heartbeat)
      const late = await s.applyStatus([report(c1!, 'offline', T('09:40'), { reason: 'network' })]);
      // Offline at 09:40, heard online at 09:50: online since 09:50, never "offline since 09:40".
      expect(late.changed.map((c) => [c.status, c.since, c.lastSeen])).toEqual([['online', T('09:50'), T('09:50')]]);
      const hist = await s.statusEvents({ from: T('00:00'), to: T('23:00'), cameraIds: [c1!] });
      expect(hist.map((e) => [e.at, e.from, e.to, e.reason])).toEqual([
        [T('09:00'), 'unknown', 'online', null],
        [T('09:40'), 'online', 'offline', 'network'],
        [T('09:50'), 'offline', 'online', null],
      ]);
      expect(late.events.map((e) => [e.at, e.from, e.to])).toEqual(hist.slice(1).map((e) => [e.at, e.from, e.to]));
      expect((await s.getCameras([c1!])).get(c1!)).toMatchObject({
        status: 'online',
        since: T('09:50'),
        lastSeen: T('09:50'),
      });
      // Heard online at 09:45 as well: the return is earlier, and `since` follows the rows.
      const back = await s.applyStatus([report(c1!, 'online', T('09:45'))]);
      expect(back.retracted.map((e) => [e.at, e.from, e.to])).toEqual([[T('09:50'), 'offline', 'online']]);
      const h2 = await s.statusEvents({ from: T('00:00'), to: T('23:00'), cameraIds: [c1!] });
      expect(h2.map((e) => [e.at, e.from, e.to])).toEqual([
        [T('09:00'), 'unknown', 'online'],
        [T('09:40'), 'online', 'offline'],
        [T('09:45'), 'offline', 'online'],
      ]);
      expect((await s.getCameras([c1!])).get(c1!)).toMatchObject({
        status: 'online',
        since: T('09:45'),
        lastSeen: T('09:50'),
      });
    });

    test('applyStatus: a channel never heard from takes any report as current; late reports see the batch before them', async () => {
      // Inventory time 00:00 is not an observation: a report from the night before still counts.
      const [c1, c2] = await seedCameras(2);
      const r = await s.applyStatus([report(c1!, 'online', T('23:00', '26'))]);
      expect(r.changed[0]).toMatchObject({ id: c1, status: 'online', since: T('23:00', '26') });

      await s.applyStatus([report(c2!, 'online', T('10:00'))]);
      const late = await s.applyStatus([
        report(c2!, 'offline', T('08:00'), { reason: 'power' }),
        // In force at 09:00 is what the batch just taught the history: offline, so this is a change.
        report(c2!, 'online', T('09:00')),
      ]);
      // The 10:00 change (unknown → online) has nothing left to change: online since 09:00.
      expect(late.changed.map((c) => [c.id, c.since])).toEqual([[c2, T('09:00')]]);
      expect(late.events.map((e) => [e.at, e.from, e.to])).toEqual([
        [T('08:00'), 'unknown', 'offline'],
        [T('09:00'), 'offline', 'online'],
      ]);
      expect(late.retracted.map((e) => [e.at, e.from, e.to])).toEqual([[T('10:00'), 'unknown', 'online']]);
      expect(
        (await s.statusEvents({ from: T('00:00'), to: T('23:00'), cameraIds: [c2!] })).map((e) => [e.at, e.from, e.to]),
      ).toEqual([
        [T('08:00'), 'unknown', 'offline'],
        [T('09:00'), 'offline', 'online'],
      ]);
    });

    test('applyStatus: a never-heard channel marked down by its source takes an older report as history, not as current', async () => {
      // 10:00 its source went down (heard: false, as the feeds mark it); then a report from 09:00
      // arrives (a replayed, older message). The down mark is the newest thing known: it stands,
      // and the history learns 09:00. Taking 09:00 as current would leave the 10:00 change after
      // the channel's since, and the history no longer a chain.
      const [c1, c2] = await seedCameras(2);
      const down = (id: string) => report(id, 'unknown', T('10:00'), { reason: 'source_down', heard: false });
      await s.applyStatus([down(c1!)]);
      const r1 = await s.applyStatus([report(c1!, 'online', T('09:00'))]);
      // The same in one batch: the down mark is this batch's own, not stored yet.
      const r2 = await s.applyStatus([down(c2!), report(c2!, 'online', T('09:00'))]);
      const chain = [
        [T('09:00'), 'unknown', 'online', null],
        [T('10:00'), 'online', 'unknown', 'source_down'],
      ];
      for (const id of [c1!, c2!]) {
        const h = await s.statusEvents({ from: T('00:00'), to: T('23:00'), cameraIds: [id] });
        expect(h.map((e) => [e.at, e.from, e.to, e.reason])).toEqual(chain);
        expect((await s.getCameras([id])).get(id)).toMatchObject({
          status: 'unknown',
          reason: 'source_down',
          since: T('10:00'),
          lastSeen: T('09:00'),
        });
      }
      expect(r1.changed).toEqual([]);
      expect(r1.events.map((e) => [e.at, e.from, e.to, e.reason])).toEqual(chain);
      expect(r1.retracted.map((e) => [e.at, e.from, e.to, e.reason])).toEqual([
        [T('10:00'), 'unknown', 'unknown', 'source_down'],
      ]);
      // Net effect: the batch's own down mark, re-chained, is one event; nothing stored was taken back.
      const sorted = (es: typeof r2.events) => es.map((e) => [e.at, e.from, e.to, e.reason]).sort();
      expect(sorted(r2.events)).toEqual(chain);
      expect(r2.retracted).toEqual([]);
      expect(r2.changed.map((c) => [c.id, c.status, c.since])).toEqual([[c2, 'unknown', T('10:00')]]);
    });

    test('applyStatus: several late reports in one batch each take their `from` from the ones before them', async () => {
      // Online since 12:00 (now), with no history before that; then one batch tells the morning.
      const c1 = cam(1);
      await s.importSeed({
        regions,
        cameras: [
          {
            ...c1,
            inService: true,
            status: 'online',
            reason: null,
            since: T('12:00'),
            lastSeen: T('12:00'),
            maintenance: null,
            // In the inventory since midnight: the morning's reports are its history (#18.2).
            validFrom: T('00:00'),
          },
        ],
        statusEvents: [],
        maintenance: [],
        clues: [],
        workers: [],
        reports: [],
      });
      const late = await s.applyStatus([
        report(c1.id, 'offline', T('06:00')),
        report(c1.id, 'online', T('09:00')),
        report(c1.id, 'offline', T('10:00')),
        report(c1.id, 'online', T('11:00')),
      ]);
      expect(late.changed).toEqual([]);
      const told = [
        [T('06:00'), 'online', 'offline'],
        [T('09:00'), 'offline', 'online'],
        [T('10:00'), 'online', 'offline'],
        [T('11:00'), 'offline', 'online'],
      ];
      expect(late.events.map((e) => [e.at, e.from, e.to])).toEqual(told);
      const hist = await s.statusEvents({ from: T('00:00'), to: T('23:00'), cameraIds: [c1.id] });
      expect(hist.map((e) => [e.at, e.from, e.to])).toEqual(told);
      expect((await s.getCameras([c1.id])).get(c1.id)).toMatchObject({ status: 'online', since: T('12:00') });

      // What the summary makes of it: two repairs and two failures in the window, online at its end.
      const sum = await computeSummary(
        s,
        buildRegionTree(regions),
        A,
        { from: T('05:00'), to: T('12:30') },
        Date.parse(T('12:30')),
      );
      expect(sum.cameras).toMatchObject({ repaired: 2, newlyFailed: 2, online: 1, offline: 0 });
      // Online 05:00–06:00, 09:00–10:00 and 11:00–12:30, of 7.5 h.
      expect(sum.cameras.timeWeightedRate).toBeCloseTo(3.5 / 7.5, 6);
      // Counted at 10:30 it was offline.
      const mid = await computeSummary(
        s,
        buildRegionTree(regions),
        A,
        { from: T('05:00'), to: T('10:30') },
        Date.parse(T('12:30')),
      );
      expect(mid.cameras).toMatchObject({ repaired: 1, newlyFailed: 2, online: 0, offline: 1 });
    });

    test('applyStatus: late reports keep the history a chain (each change starts where the one before ended)', async () => {
      // Heard from first at 12:00: before that the history knows nothing (unknown).
      const [c1, c2] = await seedCameras(2);
      await s.applyStatus([report(c1!, 'online', T('12:00')), report(c2!, 'online', T('12:00'))]);
      const late = await s.applyStatus([
        report(c1!, 'offline', T('06:00')),
        report(c1!, 'online', T('09:00')),
        report(c1!, 'offline', T('10:00')),
        report(c1!, 'online', T('11:00')),
      ]);
      expect(late.events.map((e) => [e.at, e.from, e.to])).toEqual([
        [T('06:00'), 'unknown', 'offline'],
        [T('09:00'), 'offline', 'online'],
        [T('10:00'), 'online', 'offline'],
        [T('11:00'), 'offline', 'online'],
      ]);
      // The 12:00 change (unknown → online) would now be online → online: nothing, so it is gone.
      const hist = await s.statusEvents({ from: T('00:00'), to: T('23:00'), cameraIds: [c1!] });
      expect(hist.map((e) => [e.at, e.from, e.to])).toEqual(late.events.map((e) => [e.at, e.from, e.to]));

      // The same news in separate batches, later news first.
      await s.applyStatus([report(c2!, 'offline', T('10:00'), { reason: 'network' })]);
      await s.applyStatus([report(c2!, 'offline', T('06:00'), { reason: 'power' })]);
      await s.applyStatus([report(c2!, 'online', T('09:00'))]);
      const h2 = await s.statusEvents({ from: T('00:00'), to: T('23:00'), cameraIds: [c2!] });
      expect(h2.map((e) => [e.at, e.from, e.to, e.reason])).toEqual([
        [T('06:00'), 'unknown', 'offline', 'power'],
        [T('09:00'), 'offline', 'online', null],
        [T('10:00'), 'online', 'offline', 'network'],
        [T('12:00'), 'offline', 'online', null],
      ]);
      // A late report the history already agrees with adds nothing, nor does one that only names
      // another reason for a stretch already down (late reports are weighed by status).
      expect((await s.applyStatus([report(c2!, 'offline', T('10:30'), { reason: 'network' })])).events).toEqual([]);
      await s.applyStatus([report(c2!, 'offline', T('07:00'), { reason: 'network' })]);
      const h3 = await s.statusEvents({ from: T('00:00'), to: T('23:00'), cameraIds: [c2!] });
      expect(h3.map((e) => [e.at, e.from, e.to])).toEqual(h2.map((e) => [e.at, e.from, e.to]));
      expect((await s.getCameras([c2!])).get(c2!)).toMatchObject({ status: 'online', since: T('12:00') });
    });

    test('summary reads a history whose later change still has a stale `from` as a chain', async () => {
      // As a store wrote it before late reports re-chained the change after them.
      const c1 = cam(1);
      await s.importSeed({
        regions,
        cameras: [
          {
            ...c1,
            inService: true,
            status: 'online',
            reason: null,
            since: T('12:00'),
            lastSeen: T('12:00'),
            maintenance: null,
            // In the inventory since midnight: the morning's reports are its history (#18.2).
            validFrom: T('00:00'),
          },
        ],
        statusEvents: [
          { cameraId: c1.id, from: 'online', to: 'offline', reason: 'power', at: T('06:00'), actor: 'test' },
          { cameraId: c1.id, from: 'unknown', to: 'online', reason: null, at: T('12:00'), actor: 'test' },
        ],
        maintenance: [],
        clues: [],
        workers: [],
        reports: [],
      });
      const tree = buildRegionTree(regions);
      const day = await computeSummary(s, tree, A, { from: T('00:00'), to: T('13:00') }, Date.parse(T('13:00')));
      expect(day.cameras).toMatchObject({ repaired: 1, newlyFailed: 1, online: 1 });
      expect(day.cameras.timeWeightedRate).toBeCloseTo(7 / 13, 6);
      // (Only a change inside the period can witness: one before it is not read.)
      const morning = await computeSummary(s, tree, A, { from: T('05:00'), to: T('08:00') }, Date.parse(T('13:00')));
      expect(morning.cameras).toMatchObject({ offline: 1, unknown: 0, online: 0 });
    });

    test('applyStatus: a verdict of silence (heard: false) never moves last-seen and yields to newer news', async () => {
      const [c1, c2] = await seedCameras(2);
      await s.applyStatus([report(c1!, 'online', T('08:00')), report(c2!, 'online', T('08:00'))]);
      const r = await s.applyStatus([
        report(c1!, 'unknown', T('08:30'), { heard: false, actor: 'heartbeat', reason: null }),
        // c2 was heard from at 08:00, so a verdict about 07:59 is stale.
        report(c2!, 'unknown', T('07:59'), { heard: false, actor: 'heartbeat', reason: null }),
      ]);
      expect(r.changed.map((c) => c.id)).toEqual([c1]);
      expect(r.changed[0]).toMatchObject({ status: 'unknown', since: T('08:30'), lastSeen: T('08:00') });
      expect((await s.getCameras([c2!])).get(c2!)!.status).toBe('online');
    });

    // Reports sharing a few instants (PostgreSQL writes the channels grouped by state), and each
    // at its own second (written row by row: COPY).
    test.each([
      ['sharing a few instants', (i: number) => T(`09:0${i % 7}`)],
      [
        'each at its own instant',
        (i: number) =>
          `2026-11-27T09:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+08:00`,
      ],
    ])(
      'applyStatus: a batch of hundreds %s (the bulk write paths) lands every change, heartbeat and history row, durably',
      async (_, when) => {
        const ids = await seedCameras(700);
        await s.applyStatus(ids.map((id) => report(id, 'online', T('08:00'))));
        // Odd actor text crosses any bulk format intact (tab, newline, backslash).
        const actor = 'bulk\tkey\\x\nend';
        const batch: StatusInput[] = ids.map((id, i) =>
          i % 3 === 0
            ? report(id, 'online', i % 2 ? when(i) : T('09:00'), { actor })
            : report(id, 'offline', when(i), { reason: i % 2 ? 'network' : 'power', actor }),
        );
        const r = await s.applyStatus(batch);
        const down = batch.filter((x) => x.status === 'offline');
        expect(r.changed).toHaveLength(down.length);
        expect(r.events).toHaveLength(down.length);
        s = await h.reopen();
        const now = await s.getCameras(ids);
        for (const x of batch) {
          const c = now.get(x.cameraId)!;
          if (x.status === 'online')
            expect(c).toMatchObject({ status: 'online', reason: null, since: T('08:00'), lastSeen: x.at });
          else expect(c).toMatchObject({ status: 'offline', reason: x.reason, since: x.at, lastSeen: x.at });
        }
        const history = await s.statusEvents({ from: T('08:30'), to: T('23:00') });
        expect(history).toHaveLength(down.length);
        const want = new Map(down.map((x) => [x.cameraId, x]));
        for (const e of history) {
          const x = want.get(e.cameraId)!;
          expect(e).toEqual({ cameraId: x.cameraId, from: 'online', to: 'offline', reason: x.reason, at: x.at, actor });
        }
      },
    );

    test('applyStatus: reports for channels not in the inventory are ignored, the rest applied', async () => {
      const [c1] = await seedCameras(1);
      const r = await s.applyStatus([
        report('99999999999999999999', 'online', T('08:00')),
        report(c1!, 'online', T('08:00')),
      ]);
      expect(r.changed.map((c) => c.id)).toEqual([c1]);
    });

    test('statusEvents: [from, to), channel filter, time order', async () => {
      const [c1, c2] = await seedCameras(2);
      await s.applyStatus([report(c1!, 'online', T('08:00'))]);
      await s.applyStatus([report(c2!, 'online', T('07:00'))]);
      await s.applyStatus([report(c1!, 'offline', T('09:00')), report(c2!, 'offline', T('10:00'))]);
      const all = await s.statusEvents({ from: T('07:00'), to: T('10:00') });
      expect(all.map((e) => [e.cameraId, e.at])).toEqual([
        [c2, T('07:00')],
        [c1, T('08:00')],
        [c1, T('09:00')],
      ]);
      const one = await s.statusEvents({ from: T('00:00'), to: T('23:00'), cameraIds: [c2!] });
      expect(one.map((e) => e.to)).toEqual(['online', 'offline']);
      expect(await s.statusEvents({ from: T('10:00', '28'), to: T('11:00', '28') })).toEqual([]);
    });

    test('maintenance: set, history overlap, clearing keeps the past', async () => {
      const [c1, c2] = await seedCameras(2);
      const win = { reason: '线路改造', from: T('08:00'), to: T('18:00') };
      const set = await s.setMaintenance([c1!], win, 'test');
      expect(set).toHaveLength(1);
      expect(set[0]!.maintenance).toEqual(win);
      expect((await s.getCameras([c2!])).get(c2!)!.maintenance).toBeNull();
      const hist = await s.maintenanceHistory({ from: T('00:00'), to: T('23:59') });
      expect(hist).toEqual([{ cameraId: c1, reason: '线路改造', from: T('08:00'), to: T('18:00') }]);
      expect(await s.maintenanceHistory({ from: T('18:00'), to: T('20:00') })).toEqual([]);
      expect(await s.maintenanceHistory({ from: T('00:00'), to: T('23:59'), cameraIds: [c2!] })).toEqual([]);

      const cleared = await s.setMaintenance([c1!], null, 'test');
      expect(cleared[0]!.maintenance).toBeNull();
    });

    test('maintenance: clearing a window in force cuts it at the call, one not yet begun is forgotten', async () => {
      const [c1, c2] = await seedCameras(2);
      const hour = 3600_000;
      const iso = (ms: number) => new Date(ms).toISOString();
      const t0 = Date.now();
      await s.setMaintenance([c1!], { reason: '进行中', from: iso(t0 - 2 * hour), to: iso(t0 + 2 * hour) }, 'test');
      await s.setMaintenance([c2!], { reason: '未开始', from: iso(t0 + hour), to: iso(t0 + 3 * hour) }, 'test');
      await s.setMaintenance([c1!, c2!, 'not-a-camera'], null, 'test');
      const t1 = Date.now();
      const hist = await s.maintenanceHistory({ from: iso(t0 - 5 * hour), to: iso(t0 + 5 * hour) });
      expect(hist.map((m) => m.cameraId)).toEqual([c1]);
      expect(Date.parse(hist[0]!.from)).toBe(t0 - 2 * hour);
      const cut = Date.parse(hist[0]!.to);
      expect(cut).toBeGreaterThanOrEqual(t0);
      expect(cut).toBeLessThanOrEqual(t1);
    });

    test('clues: create is idempotent by id, update appends history, getClue returns it in order', async () => {
      const c = clue('C-1', T('08:00'), { description: '河道有垃圾', urgent: true, dueAt: T('20:00') });
      const first = await s.createClue(c, firstEvent(c));
      expect(first.created).toBe(true);
      expect(first.clue).toEqual(c);

      const again = await s.createClue({ ...c, title: '别的标题' }, firstEvent(c));
      expect(again.created).toBe(false);
      expect(again.clue.title).toBe(c.title);

      const verified: Clue = { ...c, status: 'verified', assignee: '环保所', updatedAt: T('09:00') };
      await s.updateClue(verified, { from: 'reported', to: 'verified', at: T('09:00'), actor: 'ops', note: '已核实' });
      const resolved: Clue = { ...verified, status: 'resolved', resolvedAt: T('11:00'), updatedAt: T('11:00') };
      await s.updateClue(resolved, { from: 'verified', to: 'resolved', at: T('11:00'), actor: 'ops', note: null });

      const got = await s.getClue('C-1');
      expect(got!.clue).toEqual(resolved);
      expect(got!.history.map((e) => [e.from, e.to, e.note])).toEqual([
        [null, 'reported', null],
        ['reported', 'verified', '已核实'],
        ['verified', 'resolved', null],
      ]);
      expect(await s.getClue('nope')).toBeNull();
    });

    test('listClues: filters, newest first, cursor pages with ties cover everything once', async () => {
      const rows: Clue[] = [];
      for (let i = 0; i < 12; i++) {
        // Pairs share a report time so the cursor has ties to get right.
        const at = T(`0${Math.floor(i / 2)}:30`);
        rows.push(
          clue(`K-${String(i).padStart(2, '0')}`, at, {
            region: i % 3 === 0 ? B : A,
            category: i % 2 === 0 ? 'dispute' : 'hazard',
            status: i < 4 ? 'resolved' : 'reported',
          }),
        );
      }
      for (const c of rows) await s.createClue(c, firstEvent(c));

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await s.listClues({ cursor, limit: 5 });
        seen.push(...page.items.map((c) => c.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const expected = [...rows]
        .sort((a, b) => Date.parse(b.reportedAt) - Date.parse(a.reportedAt) || (a.id < b.id ? -1 : 1))
        .map((c) => c.id);
      expect(seen).toEqual(expected);

      const inB = await s.listClues({ regions: [B], limit: 100 });
      expect(inB.items.map((c) => c.id).sort()).toEqual(rows.filter((c) => c.region === B).map((c) => c.id));
      const disputes = await s.listClues({ category: ['dispute'], status: ['reported'], limit: 100 });
      expect(disputes.items.every((c) => c.category === 'dispute' && c.status === 'reported')).toBe(true);
      expect(disputes.items).toHaveLength(4);
      const window = await s.listClues({ from: T('01:30'), to: T('03:30'), limit: 100 });
      expect(window.items.map((c) => c.id).sort()).toEqual(['K-02', 'K-03', 'K-04', 'K-05']);
      const open = await s.listClues({ openOnly: true, limit: 100 });
      expect(open.items).toHaveLength(8);
      await expect(s.listClues({ cursor: 'garbage', limit: 5 })).rejects.toMatchObject({ code: 'BAD_CURSOR' });
    });

    test('cluesForWall: reported since, plus every clue still open', async () => {
      const old = clue('W-old-open', T('08:00', '01'));
      const oldDone = clue('W-old-done', T('08:00', '01'), { status: 'closed' });
      const fresh = clue('W-new-done', T('08:00'), { status: 'resolved' });
      for (const c of [old, oldDone, fresh]) await s.createClue(c, firstEvent(c));
      const got = await s.cluesForWall(T('00:00'));
      expect(got.map((c) => c.id).sort()).toEqual(['W-new-done', 'W-old-open']);
    });

    test('grid: workers upsert and list, reports idempotent, last report moves forward', async () => {
      await s.upsertGridWorkers([worker('G1'), worker('G2', B, { phone: '13800000000', onDuty: false })]);
      await s.upsertGridWorkers([worker('G1', A, { name: '张三' })]);
      const all = await s.allGridWorkers();
      expect(all.map((w) => w.id)).toEqual(['G1', 'G2']);
      expect(all[0]).toMatchObject({ name: '张三', onDuty: true, lastReportAt: null });
      expect(all[1]).toMatchObject({ phone: '13800000000', onDuty: false, region: B });

      const r1: GridReport = { id: 'R1', workerId: 'G1', region: A, at: T('09:00'), text: '巡查正常', clueId: null };
      expect(await s.addGridReport(r1)).toEqual({ created: true });
      expect(await s.addGridReport(r1)).toEqual({ created: false });
      await s.addGridReport({ id: 'R2', workerId: 'G2', region: B, at: T('10:00'), text: '发现隐患', clueId: 'C-9' });
      // The worker's last-report time is the ingest's to set, by upserting the worker.
      await s.upsertGridWorkers([worker('G1', A, { name: '张三', lastReportAt: T('09:00') })]);
      expect((await s.allGridWorkers()).find((w) => w.id === 'G1')!.lastReportAt).toBe(T('09:00'));

      expect((await s.gridReports({ from: T('00:00'), to: T('23:00') })).map((r) => r.id)).toEqual(['R1', 'R2']);
      expect(await s.gridReports({ from: T('00:00'), to: T('23:00'), regions: [B] })).toEqual([
        { id: 'R2', workerId: 'G2', region: B, at: T('10:00'), text: '发现隐患', clueId: 'C-9' },
      ]);
      expect(await s.gridReports({ from: T('09:30'), to: T('10:00') })).toEqual([]);
    });

    test('grid: a page of reports, newest first, ties by id as code units, filters and cursor in the store', async () => {
      // Four at 09:00: 'Ra' and 'R-b' order one way as code units ('-' < 'a') and the other way
      // in a language collation, which skips the hyphen.
      const sent: GridReport[] = [
        ['Ra', A, '09:00', null],
        ['R-b', A, '09:00', null],
        ['R_c', B, '09:00', 'C-1'],
        ['RZ', A, '09:00', null],
        ['R1', A, '08:00', 'C-2'],
        ['R2', B, '10:00', null],
        ['R3', A, '11:00', null],
        ['R4', A, '23:00', null],
      ].map(([id, region, hm, clueId]) => ({
        id: id!,
        workerId: 'G1',
        region: region!,
        at: T(hm!),
        text: '巡查',
        clueId,
      }));
      for (const r of sent) await s.addGridReport(r);
      /** The listing recomputed from the rows sent. */
      const expected = (q: { regions?: string[]; withoutClue?: boolean }) =>
        sent
          .filter((r) => Date.parse(r.at) < Date.parse(T('23:00')))
          .filter((r) => (!q.regions || q.regions.includes(r.region)) && (!q.withoutClue || r.clueId === null))
          .sort((x, y) => Date.parse(y.at) - Date.parse(x.at) || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0))
          .map((r) => r.id);
      for (const q of [{}, { regions: [A] }, { withoutClue: true }, { regions: [B], withoutClue: true }]) {
        for (const limit of [1, 2, 3, 100]) {
          const got: string[] = [];
          let after: { at: string; id: string } | null = null;
          for (let page = 0; page < 20; page++) {
            const rows = await s.gridReportsPage({ from: T('00:00'), to: T('23:00'), ...q, after, limit });
            expect(rows.length).toBeLessThanOrEqual(limit);
            got.push(...rows.map((r) => r.id));
            if (rows.length < limit) break;
            const last = rows[rows.length - 1]!;
            after = { at: last.at, id: last.id };
          }
          expect(got, JSON.stringify({ q, limit })).toEqual(expected(q));
        }
      }
      // Rows come whole, as gridReports gives them.
      expect(await s.gridReportsPage({ from: T('09:30'), to: T('10:30'), limit: 5 })).toEqual([sent[5]]);
    });

    test('credentials: create, list oldest first, revoke once (with its audit line), unknown id', async () => {
      const k1 = credential('00000000000000a1', T('08:00'));
      // A viewer token bound to a township keeps its region; the key reaches the whole tree (null).
      const v1 = credential('00000000000000b2', T('09:00'), {
        kind: 'viewer',
        name: '指挥中心大屏',
        scopes: [],
        region: '130111103',
      });
      await s.createCredential(
        v1,
        audit('viewer.create', T('09:00'), { target: v1.id, details: { name: v1.name, scopes: [] } }),
      );
      await s.createCredential(
        k1,
        audit('key.create', T('08:00'), { target: k1.id, details: { name: k1.name, scopes: k1.scopes } }),
      );
      expect(await s.listCredentials()).toEqual([k1, v1]);
      // An id is unique: a second record with it is refused, and its audit line is not kept either.
      await expect(
        s.createCredential({ ...k1, name: 'dup' }, audit('key.create', T('08:30'), { target: k1.id })),
      ).rejects.toThrow();
      expect((await s.listAudit({ limit: 10 })).items.map((e) => e.at)).toEqual([T('09:00'), T('08:00')]);

      const revoked = await s.revokeCredential(
        k1.id,
        audit('key.revoke', T('10:00'), {
          actor: 'root',
          actorId: '00000000000000c3',
          target: k1.id,
          details: { name: k1.name },
        }),
      );
      expect(revoked).toEqual({ ...k1, revokedAt: T('10:00'), revokedBy: 'root' });
      // Twice changes nothing and logs nothing.
      const again = await s.revokeCredential(k1.id, audit('key.revoke', T('11:00'), { actor: 'other', target: k1.id }));
      expect(again).toEqual(revoked);
      expect(
        await s.revokeCredential('ffffffffffffffff', audit('key.revoke', T('11:00'), { target: 'ffffffffffffffff' })),
      ).toBeNull();
      const log = await s.listAudit({ action: 'key.revoke', limit: 10 });
      expect(log.items).toEqual([
        {
          at: T('10:00'),
          actor: 'root',
          actorId: '00000000000000c3',
          action: 'key.revoke',
          target: k1.id,
          details: { name: k1.name },
        },
      ]);

      s = await h.reopen();
      expect(await s.listCredentials()).toEqual([revoked, v1]);
    });

    test('people: accounts by name and id, a name once, failures counted atomically up to a lock, updates with audit lines', async () => {
      const u: UserRecord = {
        id: 'u00000000000000a1',
        name: '王值班',
        role: 'operator',
        region: A,
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        failedCount: 0,
        lockedUntil: null,
        createdAt: T('08:00'),
        createdBy: 'cli',
        passwordChangedAt: T('08:00'),
        lastSignInAt: null,
        disabledAt: null,
      };
      await s.createUser(u, audit('user.create', T('08:00'), { target: u.id }));
      expect(await s.getUserByName('王值班')).toEqual(u);
      expect(await s.getUser(u.id)).toEqual(u);
      expect(await s.getUserByName('nobody')).toBeNull();
      await expect(s.createUser({ ...u, id: 'u00000000000000a2' }, audit('user.create', T('08:01')))).rejects.toThrow();
      expect((await s.listAudit({ action: 'user.create', limit: 10 })).items).toHaveLength(1);
      // Five failures at once, max 3: every one counts, the third locks.
      const after = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          s.recordSignInFailure(u.id, 3, T('09:15'), audit('session.fail', T(`09:0${i}`), { target: u.id })),
        ),
      );
      expect(after.map((x) => x!.failedCount).sort()).toEqual([1, 2, 3, 4, 5]);
      const locked = (await s.getUser(u.id))!;
      expect(locked).toMatchObject({ failedCount: 5, lockedUntil: T('09:15') });
      expect((await s.listAudit({ action: 'session.fail', limit: 10 })).items).toHaveLength(5);
      expect(await s.recordSignInFailure('u_unknown', 3, T('09:15'), audit('session.fail', T('09:10')))).toBeNull();
      const reset: UserRecord = {
        ...locked,
        failedCount: 0,
        lockedUntil: null,
        lastSignInAt: T('10:00'),
        role: 'leader',
        region: null,
      };
      await s.updateUser(reset, audit('user.unlock', T('10:00'), { target: u.id }));
      await s.updateUser({ ...reset, disabledAt: T('11:00') }, null);
      s = await h.reopen();
      expect(await s.listUsers()).toEqual([{ ...reset, disabledAt: T('11:00') }]);
    });

    test("sessions: create, read, touch only forward, delete one or a person's, sweep idle and ended ones", async () => {
      const sess = (id: string, userId: string, lastSeenAt: string, expiresAt = T('20:00')): SessionRecord => ({
        id,
        userId,
        csrf: `csrf-${id}`,
        createdAt: T('08:00'),
        lastSeenAt,
        expiresAt,
        ip: '10.0.0.7',
      });
      await s.createSession(sess('a'.repeat(64), 'u1', T('08:00')));
      await s.createSession(sess('b'.repeat(64), 'u1', T('09:00')));
      await s.createSession(sess('c'.repeat(64), 'u2', T('09:30'), T('09:45')));
      await s.createSession(sess('d'.repeat(64), 'u3', T('09:40')));
      expect(await s.getSession('a'.repeat(64))).toEqual(sess('a'.repeat(64), 'u1', T('08:00')));
      await s.touchSession('a'.repeat(64), T('09:50'));
      await s.touchSession('a'.repeat(64), T('09:00'));
      expect((await s.getSession('a'.repeat(64)))!.lastSeenAt).toBe(T('09:50'));
      // Idle since before 09:35, or ended by 10:00: b (idle) and c (ended) go; a and d stay.
      expect(await s.deleteStaleSessions(T('09:35'), T('10:00'))).toBe(2);
      expect(await s.getSession('b'.repeat(64))).toBeNull();
      expect(await s.getSession('c'.repeat(64))).toBeNull();
      expect(await s.deleteSessionsOf('u1')).toBe(1);
      expect(await s.deleteSession('d'.repeat(64))).toBe(true);
      expect(await s.deleteSession('d'.repeat(64))).toBe(false);
    });

    test('appeals and topics: put, replace, filter by region, time and topic; audit line with the write', async () => {
      const ap = (id: string, region: string, heardAt: string, extra: Partial<Appeal> = {}): Appeal => ({
        id,
        region,
        village: '东村',
        appellant: '张三',
        text: '事项',
        category: 'dispute',
        heardAt,
        appealDay: true,
        topicId: null,
        owner: null,
        dueAt: null,
        outcome: null,
        note: null,
        doneAt: null,
        clueId: null,
        createdBy: 'opA',
        updatedAt: heardAt,
        ...extra,
      });
      await s.putAppeals(
        [ap('a1', A, T('09:00', '06')), ap('a2', A, T('10:00', '16')), ap('a3', B, T('11:00', '16'))],
        audit('appeal.create', T('11:00', '16')),
      );
      expect((await s.listAppeals({ regions: [A] })).map((a) => a.id)).toEqual(['a1', 'a2']);
      expect((await s.listAppeals({ from: T('09:30', '06'), to: T('10:30', '16') })).map((a) => a.id)).toEqual(['a2']);
      const t1: Topic = {
        id: 't1',
        region: A,
        title: '议题',
        meetingDate: '2026-11-26',
        decision: null,
        owner: null,
        dueAt: null,
        outcome: null,
        doneAt: null,
        createdBy: 'opA',
        updatedAt: T('12:00'),
      };
      await s.putTopic(t1, null);
      await s.putAppeals(
        [ap('a2', A, T('10:00', '16'), { topicId: 't1', owner: '司法所', outcome: 'resolved', doneAt: T('12:00') })],
        null,
      );
      expect((await s.listAppeals({ topicId: 't1' })).map((a) => [a.id, a.owner, a.outcome])).toEqual([
        ['a2', '司法所', 'resolved'],
      ]);
      await s.putTopic({ ...t1, decision: '重新勘界' }, audit('topic.update', T('13:00')));
      s = await h.reopen();
      expect(await s.getTopic('t1')).toEqual({ ...t1, decision: '重新勘界' });
      expect((await s.listTopics({ regions: [A], from: '2026-11-01', to: '2026-12-01' })).map((t) => t.id)).toEqual([
        't1',
      ]);
      expect(await s.listTopics({ regions: [B] })).toEqual([]);
      expect((await s.getAppeal('a2'))!.topicId).toBe('t1');
      expect(await s.getAppeal('zz')).toBeNull();
      expect((await s.listAudit({ action: 'appeal.create', limit: 5 })).items).toHaveLength(1);
    });

    test('audit: appended lines and clue steps, newest first, filters, cursor pages with ties', async () => {
      await s.appendAudit([]);
      await s.appendAudit([
        audit('maintenance.set', T('08:00'), { actor: 'ops', target: null, details: { ids: 3, reason: '线路改造' } }),
        audit('key.create', T('09:00'), { target: 'k1' }),
        audit('key.revoke', T('09:00'), { target: 'k1' }),
      ]);
      const c = clue('A-1', T('09:00'), { createdBy: 'ingest' });
      await s.createClue(c, firstEvent(c));
      await s.updateClue(
        { ...c, status: 'verified', updatedAt: T('10:00') },
        { from: 'reported', to: 'verified', at: T('10:00'), actor: 'ops', note: '属实' },
      );

      const all = await s.listAudit({ limit: 100 });
      expect(all.nextCursor).toBeNull();
      // Same instant: clue steps before appended lines, later ones first within each.
      expect(all.items.map((e) => [e.at, e.action, e.target])).toEqual([
        [T('10:00'), 'clue.transition', 'A-1'],
        [T('09:00'), 'clue.create', 'A-1'],
        [T('09:00'), 'key.revoke', 'k1'],
        [T('09:00'), 'key.create', 'k1'],
        [T('08:00'), 'maintenance.set', null],
      ]);
      expect(all.items[0]).toEqual({
        at: T('10:00'),
        actor: 'ops',
        actorId: null,
        action: 'clue.transition',
        target: 'A-1',
        details: { from: 'reported', to: 'verified', note: '属实' },
      });
      expect(all.items[1]!.details).toEqual({ from: null, to: 'reported', note: null });
      expect(all.items[1]!.actor).toBe('ingest');
      expect(all.items[4]!.details).toEqual({ ids: 3, reason: '线路改造' });
      expect(all.items[4]!.actorId).toBe('env:admin');

      const pick = async (q: Omit<Parameters<Store['listAudit']>[0], 'limit'>) =>
        (await s.listAudit({ ...q, limit: 100 })).items.map((e) => e.action);
      expect(await pick({ actor: 'ops' })).toEqual(['clue.transition', 'maintenance.set']);
      expect(await pick({ action: 'clue.' })).toEqual(['clue.transition', 'clue.create']);
      expect(await pick({ action: 'key.' })).toEqual(['key.revoke', 'key.create']);
      expect(await pick({ action: 'key' })).toEqual([]);
      expect(await pick({ action: 'key.create' })).toEqual(['key.create']);
      expect(await pick({ target: 'A-1' })).toEqual(['clue.transition', 'clue.create']);
      expect(await pick({ from: T('09:00'), to: T('10:00') })).toEqual(['clue.create', 'key.revoke', 'key.create']);
      expect(await pick({ from: T('09:00', '28') })).toEqual([]);

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await s.listAudit({ cursor, limit: 2 });
        seen.push(...page.items.map((e) => `${e.at} ${e.action}`));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(all.items.map((e) => `${e.at} ${e.action}`));
      // A cursor keeps working with the same filters.
      const p1 = await s.listAudit({ action: 'key.', limit: 1 });
      const p2 = await s.listAudit({ action: 'key.', limit: 1, cursor: p1.nextCursor! });
      expect([...p1.items, ...p2.items].map((e) => e.action)).toEqual(['key.revoke', 'key.create']);
      expect(p2.nextCursor).toBeNull();
      await expect(s.listAudit({ cursor: 'garbage', limit: 5 })).rejects.toMatchObject({ code: 'BAD_CURSOR' });
      await expect(s.listAudit({ cursor: Buffer.from('[1,2]').toString('base64url'), limit: 5 })).rejects.toMatchObject(
        { code: 'BAD_CURSOR' },
      );
    });

    test('delivery log: add, update the outcome, newest first with filters and cursor pages, unfinished ones', async () => {
      const d1 = delivery('d1', T('08:00'));
      const d2 = delivery('d2', T('09:00'), { region: B, channel: 'town-wecom', status: 'held' });
      const d3 = delivery('d3', T('09:00'), { rule: null, kind: 'test' });
      const d4 = delivery('d4', T('10:00'));
      for (const d of [d1, d2, d3, d4]) await s.addDelivery(d);
      await expect(s.addDelivery({ ...d1 })).rejects.toThrow();
      await s.updateDelivery('d1', {
        status: 'sent',
        attempts: 3,
        error: 'errcode -1: 系统繁忙',
        sentAt: T('08:01'),
        updatedAt: T('08:01'),
      });
      await s.updateDelivery('d4', { status: 'merged', mergedInto: 'd9', updatedAt: T('10:05') });
      await s.updateDelivery('d3', {});
      const all = await s.listDeliveries({ limit: 10 });
      expect(all.items.map((d) => d.id)).toEqual(['d4', 'd3', 'd2', 'd1']);
      expect(all.items[3]).toEqual({
        ...d1,
        status: 'sent',
        attempts: 3,
        error: 'errcode -1: 系统繁忙',
        sentAt: T('08:01'),
        updatedAt: T('08:01'),
      });
      expect(all.items[0]).toMatchObject({ status: 'merged', mergedInto: 'd9', updatedAt: T('10:05') });
      expect((await s.listDeliveries({ regions: [B], limit: 10 })).items.map((d) => d.id)).toEqual(['d2']);
      expect(
        (await s.listDeliveries({ channel: 'county-duty', status: 'queued', limit: 10 })).items.map((d) => d.id),
      ).toEqual(['d3']);
      expect((await s.listDeliveries({ from: T('09:00'), to: T('10:00'), limit: 10 })).items.map((d) => d.id)).toEqual([
        'd3',
        'd2',
      ]);
      // Pages of one: the tie at 09:00 is broken by id, and every line comes once.
      const seen: string[] = [];
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await s.listDeliveries({ limit: 1, cursor });
        seen.push(...page.items.map((d) => d.id));
        cursor = page.nextCursor ?? undefined;
      }
      expect(seen).toEqual(['d4', 'd3', 'd2', 'd1']);
      await expect(s.listDeliveries({ limit: 1, cursor: 'nonsense' })).rejects.toMatchObject({ code: 'BAD_CURSOR' });
      expect((await s.unfinishedDeliveries()).map((d) => [d.id, d.status])).toEqual([
        ['d2', 'held'],
        ['d3', 'queued'],
      ]);
      s = await h.reopen();
      expect((await s.listDeliveries({ limit: 10 })).items[2]).toEqual(d2);
    });

    test('notify settings, calendar overrides and alert state: put, replace, delete with audit lines', async () => {
      const ch = {
        kind: 'channel' as const,
        id: 'county-duty',
        doc: { kind: 'dingtalk', url: 'http://127.0.0.1:9999/robot/send?access_token=demo' },
        updatedAt: T('08:00'),
        updatedBy: 'admin',
      };
      const rule = {
        kind: 'rule' as const,
        id: 'urgent',
        doc: { kind: 'urgent_clue', region: '130111', channels: ['county-duty'] },
        updatedAt: T('08:10'),
        updatedBy: 'admin',
      };
      await s.putNotifySetting(ch, audit('notify.channel.put', T('08:00'), { target: 'county-duty' }));
      await s.putNotifySetting(rule, audit('notify.rule.put', T('08:10'), { target: 'urgent' }));
      const ch2 = { ...ch, doc: { ...ch.doc, name: '县值班群' }, updatedAt: T('09:00'), updatedBy: 'root' };
      await s.putNotifySetting(ch2, audit('notify.channel.put', T('09:00'), { target: 'county-duty' }));
      expect(await s.listNotifySettings()).toEqual([rule, ch2]);
      expect(
        await s.deleteNotifySetting('rule', 'urgent', audit('notify.rule.delete', T('10:00'), { target: 'urgent' })),
      ).toBe(true);
      expect(
        await s.deleteNotifySetting('rule', 'urgent', audit('notify.rule.delete', T('10:01'), { target: 'urgent' })),
      ).toBe(false);
      expect((await s.listAudit({ action: 'notify.', limit: 10 })).items.map((e) => e.action)).toEqual([
        'notify.rule.delete',
        'notify.channel.put',
        'notify.rule.put',
        'notify.channel.put',
      ]);

      const o = { date: '2027-10-01', workday: false, note: '国庆节', updatedAt: T('08:00'), updatedBy: 'admin' };
      await s.putCalendarOverride(o, audit('calendar.override.put', T('08:00'), { target: o.date }));
      await s.putCalendarOverride(
        { date: '2027-01-01', workday: false, note: null, updatedAt: T('08:00'), updatedBy: 'admin' },
        audit('calendar.override.put', T('08:00')),
      );
      await s.putCalendarOverride({ ...o, workday: true, note: null }, audit('calendar.override.put', T('08:30')));
      expect((await s.listCalendarOverrides()).map((x) => [x.date, x.workday, x.note])).toEqual([
        ['2027-01-01', false, null],
        ['2027-10-01', true, null],
      ]);
      expect(await s.deleteCalendarOverride('2027-01-01', audit('calendar.override.delete', T('09:00')))).toBe(true);
      expect(await s.deleteCalendarOverride('2027-01-01', audit('calendar.override.delete', T('09:01')))).toBe(false);

      await s.saveNotifyState(
        [
          { key: 'a', doc: { firing: true, n: 1 } },
          { key: 'b', doc: { firing: false } },
        ],
        [],
      );
      await s.saveNotifyState([{ key: 'a', doc: { firing: true, n: 2 } }], ['b', 'never-there']);
      s = await h.reopen();
      expect(await s.listNotifyState()).toEqual([{ key: 'a', doc: { firing: true, n: 2 } }]);
      expect((await s.listCalendarOverrides()).map((x) => x.date)).toEqual(['2027-10-01']);
      expect(await s.listNotifySettings()).toEqual([ch2]);
    });

    test('validity (#18.2): valid_from on upsert, the in-service history, and past periods count a channel only while valid and in service', async () => {
      await s.upsertRegions(regions);
      const [c1, c2] = [cam(1, A, { validFrom: T('02:00') }), cam(2, B)];
      const made = await s.upsertCameras([c1, c2], 'test', T('10:00'));
      // A given validFrom is kept; none: valid from now. Either way unknown since now (the heartbeat's time).
      expect(made.map((c) => [c.validFrom, c.since])).toEqual([
        [T('02:00'), T('10:00')],
        [T('10:00'), T('10:00')],
      ]);
      await s.applyStatus([
        report(c1.id, 'online', T('03:00')),
        report(c2.id, 'online', T('11:00')),
        report(c1.id, 'offline', T('12:00')),
      ]);
      // Out of service 14:00–16:00; a row without inService, or with the same flag, changes nothing.
      await s.upsertCameras([{ ...c1, inService: false }], 'test', T('14:00'));
      await s.upsertCameras(
        [
          { ...c1, validFrom: T('01:00') },
          { ...c2, inService: true },
        ],
        'test',
        T('15:00'),
      );
      await s.upsertCameras([{ ...c1, inService: true }], 'test', T('16:00'));
      expect((await s.getCameras([c1.id])).get(c1.id)!.validFrom).toBe(T('02:00'));
      const service = await s.serviceHistory({ from: T('00:00'), to: T('23:00') });
      expect(service.map((x) => [x.cameraId, x.at, x.inService])).toEqual([
        [c1.id, T('02:00'), true],
        [c1.id, T('14:00'), false],
        [c1.id, T('16:00'), true],
        [c2.id, T('10:00'), true],
      ]);
      expect(await s.serviceHistory({ from: T('00:00'), to: T('23:00'), cameraIds: [c2.id] })).toHaveLength(1);

      // Recomputed from the rows read back: per channel, walk [from, at) cut at every row's time.
      const recompute = async (from: string, to: string) => {
        const [f, at] = [Date.parse(from), Date.parse(to)];
        const cams = await s.allCameras();
        const hist = await s.serviceHistory({ from, to: T('23:59') });
        const evs = await s.statusEvents({ from: T('00:00'), to: T('23:59') });
        let [online, counted, total] = [0, 0, 0];
        for (const c of cams) {
          const valid = Date.parse(c.validFrom!);
          if (valid > at) continue;
          total++;
          const flags = hist.filter((x) => x.cameraId === c.id).map((x) => [Date.parse(x.at), x.inService] as const);
          const mine = evs.filter((e) => e.cameraId === c.id).map((e) => [Date.parse(e.at), e.to] as const);
          const cuts = [f, at, valid, ...flags.map((x) => x[0]), ...mine.map((x) => x[0])]
            .filter((x) => x >= f && x <= at)
            .sort((a, b) => a - b);
          for (let k = 0; k + 1 < cuts.length; k++) {
            const [a, b] = [cuts[k]!, cuts[k + 1]!];
            const on = flags.filter((x) => x[0] <= a).at(-1)?.[1] ?? false;
            if (b <= a || a < valid || !on) continue;
            counted += b - a;
            if ((mine.filter((x) => x[0] <= a).at(-1)?.[1] ?? 'unknown') === 'online') online += b - a;
          }
        }
        return { total, onlineMs: online, countedMs: counted };
      };
      const tree = buildRegionTree(regions);
      for (const [from, to] of [
        [T('00:00'), T('20:00')],
        [T('00:00'), T('09:00')], // before the second channel existed
        [T('13:00'), T('17:00')], // across the out-of-service spell
      ] as const) {
        const got = await computeSummary(s, tree, '130111', { from, to }, Date.parse(T('21:00')));
        const want = await recompute(from, to);
        expect({ total: got.cameras.total, onlineMs: got.cameras.onlineMs, countedMs: got.cameras.countedMs }).toEqual(
          want,
        );
      }
      // Spelled out once: 00:00–09:00 holds channel 1 only, counted from 02:00, online from 03:00.
      expect(await recompute(T('00:00'), T('09:00'))).toEqual({
        total: 1,
        onlineMs: 6 * 3600_000,
        countedMs: 7 * 3600_000,
      });
    });

    test('a spell behind a source that was down, begun before the period, is not counted time (#11)', async () => {
      await s.upsertRegions(regions);
      const c1 = cam(1, A, { validFrom: T('00:00') });
      await s.upsertCameras([c1], 'test', T('00:30'));
      await s.applyStatus([
        report(c1.id, 'online', T('01:00')),
        report(c1.id, 'unknown', T('05:00'), { reason: 'source_down' }),
        report(c1.id, 'online', T('10:00')),
      ]);
      const before = await s.statusBefore({ before: T('08:00') });
      expect(before.map((e) => [e.cameraId, e.to, e.reason, e.at])).toEqual([
        [c1.id, 'unknown', 'source_down', T('05:00')],
      ]);
      expect(await s.statusBefore({ before: T('08:00'), cameraIds: [cam(9).id] })).toEqual([]);
      expect(await s.statusBefore({ before: T('01:00') })).toEqual([]);
      const tree = buildRegionTree(regions);
      const got = await computeSummary(s, tree, A, { from: T('08:00'), to: T('12:00') }, Date.parse(T('13:00')));
      // 08:00–10:00 behind the dead source: neither online nor counted; 10:00–12:00 online.
      expect(got.cameras).toMatchObject({
        onlineMs: 2 * 3600_000,
        countedMs: 2 * 3600_000,
        repaired: 0,
        newlyFailed: 0,
      });
    });

    test('importSeed writes everything in one go and replaces existing ids', async () => {
      const cams = [cam(1), cam(2, B)].map((c, i) => ({
        ...c,
        inService: true,
        status: (i === 0 ? 'online' : 'offline') as 'online' | 'offline',
        reason: i === 0 ? null : ('black_screen' as const),
        since: T('06:00'),
        lastSeen: T('07:00'),
        maintenance: null,
        validFrom: T('00:00'),
      }));
      const c = clue('S-1', T('05:00'), { status: 'verified', updatedAt: T('05:30') });
      await s.importSeed({
        regions,
        cameras: cams,
        statusEvents: [
          {
            cameraId: cams[1]!.id,
            from: 'online',
            to: 'offline',
            reason: 'black_screen',
            at: T('06:00'),
            actor: 'fixture',
          },
          { cameraId: cams[0]!.id, from: 'offline', to: 'online', reason: null, at: T('05:00'), actor: 'fixture' },
        ],
        maintenance: [{ cameraId: cams[0]!.id, reason: '检修', from: T('01:00'), to: T('02:00') }],
        clues: [
          {
            clue: c,
            history: [
              firstEvent(c),
              { from: 'reported', to: 'verified', at: T('05:30'), actor: 'fixture', note: null },
            ],
          },
        ],
        workers: [worker('G1', A, { lastReportAt: T('04:00') })],
        reports: [{ id: 'R1', workerId: 'G1', region: A, at: T('04:00'), text: '巡查', clueId: null }],
      });
      expect(await s.isEmpty()).toBe(false);
      expect((await s.listRegions()).length).toBe(3);
      expect(await s.allCameras()).toEqual(cams);
      expect((await s.statusEvents({ from: T('00:00'), to: T('23:00') })).map((e) => e.at)).toEqual([
        T('05:00'),
        T('06:00'),
      ]);
      expect(await s.maintenanceHistory({ from: T('00:00'), to: T('23:00') })).toHaveLength(1);
      const got = await s.getClue('S-1');
      expect(got!.clue).toEqual(c);
      expect(got!.history).toHaveLength(2);
      expect((await s.allGridWorkers())[0]!.lastReportAt).toBe(T('04:00'));
      expect(await s.gridReports({ from: T('00:00'), to: T('23:00') })).toHaveLength(1);
    });

    test('what a write acknowledged survives closing and reopening the store', async () => {
      const [c1] = await seedCameras(1);
      await s.applyStatus([report(c1!, 'offline', T('08:00'), { reason: 'network' })]);
      const c = clue('D-1', T('08:00'));
      await s.createClue(c, firstEvent(c));
      s = await h.reopen();
      expect((await s.getCameras([c1!])).get(c1!)).toMatchObject({
        status: 'offline',
        reason: 'network',
        since: T('08:00'),
      });
      expect((await s.getClue('D-1'))!.clue).toEqual(c);
      expect(await s.statusEvents({ from: T('00:00'), to: T('23:00') })).toHaveLength(1);
    });
  });
}
