import { createClient } from 'redis';
import { MAX_INVENTORY_ROWS, type RegionTree } from '@zhihui/shared';
import type { WvpSourceConfig } from '../config/sections/sources.js';
import type { IngestService } from '../domain/ingest/index.js';
import type { Store } from '../store/types.js';
import { Backoff } from './backoff.js';
import { planCatalog, type CatalogPlan } from './catalog.js';
import type { SourceAdapter, SourceContext, SourceReport } from './types.js';
import { WvpApi, WvpShapeError, type WvpChannel, type WvpDevice } from './wvpApi.js';

/** `<deviceId> ON|OFF`, `<deviceId>:<channelId> ON|OFF`, and ADD / DELETE on catalog changes. */
const DEVICE_MESSAGE = /^([0-9A-Za-z_-]{1,64})(?::([0-9A-Za-z_-]{1,64}))?\s+(ON|OFF|ADD|DELETE)$/i;
/** After a device comes back, wvp queries its catalog: reconcile that device once it had time to. */
const DEVICE_BACK_DELAY_MS = 5_000;
/** wvp's own timestamps and ours may differ a little: a keepalive counts as missed only past this. */
const KEEPALIVE_SLACK_MS = 60_000;
const FETCH_CONCURRENCY = 4;

export interface WvpDeps {
  ingest: Pick<IngestService, 'createClue' | 'upsertCameras'>;
  store: Pick<Store, 'getCameras'>;
  regions: () => RegionTree;
}

/** What POST /api/v1/sources/:id/sync-catalog answers. */
export interface CatalogResult {
  dryRun: boolean;
  devices: number;
  channels: number;
  add: CatalogPlan['add'];
  update: CatalogPlan['update'];
  unchanged: number;
  skipped: CatalogPlan['skipped'];
  applied: number;
}

/**
 * wvp-GB28181-pro: its Redis pub/sub channel `device` carries status changes (wvp setting
 * device-status-notify: true), its REST API is read periodically to reconcile (devices with
 * onLine and keepalive, then each device's channels) and, on demand, to import the catalog. A
 * device offline takes its channels offline (reason device_offline), also when wvp still shows
 * the channels online, a known wvp complaint. The source is up while the Redis subscription holds
 * and the last reconciliation succeeded.
 */
export class WvpSource implements SourceAdapter {
  readonly #c: WvpSourceConfig;
  readonly #ctx: SourceContext;
  readonly #deps: WvpDeps;
  readonly api: WvpApi | null;
  #redis: ReturnType<typeof createClient> | null = null;
  #redisUp = false;
  #apiOk: boolean;
  #apiError: string | null = null;
  /** Each device's state and channels, learnt from the REST API and from channel messages. */
  readonly #devices = new Map<string, { online: boolean; channels: Set<string> }>();
  #timer: NodeJS.Timeout | null = null;
  #reconciling: Promise<void> | null = null;
  readonly #retry = new Backoff(2_000, 60_000);
  readonly #deviceTimers = new Map<string, NodeJS.Timeout>();
  #notInInventory = 0;
  #stopped = true;

  constructor(config: WvpSourceConfig, ctx: SourceContext, deps: WvpDeps) {
    this.#c = config;
    this.#ctx = ctx;
    this.#deps = deps;
    this.api = config.api ? new WvpApi(config.api) : null;
    this.#apiOk = this.api === null;
  }

  describe(): Record<string, unknown> {
    const r = new URL(this.#c.redis.url);
    return {
      redis: `${r.protocol}//${r.host}${r.pathname}`,
      channel: this.#c.redis.channel ?? 'device',
      alarmChannel: this.#c.redis.alarmChannel ?? 'alarm',
      api: this.api ? this.api.base : null,
      auth: this.#c.api
        ? this.#c.api.apiKey
          ? 'api-key'
          : this.#c.api.accessToken
            ? 'access-token'
            : this.#c.api.username
              ? 'login'
              : 'none'
        : null,
      reconcileSeconds: this.api ? (this.#c.reconcile ?? 300) : null,
      devices: this.#devices.size,
      channelsNotInInventory: this.#notInInventory,
      alarms: this.#c.alarm ? { clues: this.#c.alarm.clues ?? false, reasons: this.#c.alarm.reasons ?? {} } : null,
    };
  }

  async start(): Promise<void> {
    this.#stopped = false;
    const channel = this.#c.redis.channel ?? 'device';
    const alarms = this.#c.redis.alarmChannel ?? 'alarm';
    const client = createClient({
      url: this.#c.redis.url,
      socket: { reconnectStrategy: (n: number) => Math.min(100 * 2 ** Math.min(n, 5), 3000), connectTimeout: 5000 },
    });
    this.#redis = client;
    let subscribed = false;
    client.on('error', (err: Error) => this.#setRedis(false, `redis: ${err.message}`));
    client.on('reconnecting', () => this.#setRedis(false, 'redis: reconnecting'));
    client.on('end', () => this.#setRedis(false, 'redis: connection closed'));
    client.on('ready', () => {
      if (!subscribed) {
        subscribed = true;
        // node-redis subscribes again by itself after a reconnect.
        client
          .subscribe([channel, alarms], (message: string, from: string) =>
            from === alarms ? void this.#onAlarm(message) : this.#onDeviceMessage(message),
          )
          .catch((err: Error) => this.#ctx.connection(false, `redis subscribe: ${err.message}`));
      }
      const wasDown = !this.#redisUp;
      this.#setRedis(true, null);
      // Messages were missed while the subscription was gone: a reconciliation catches up.
      if (wasDown) this.#reconcileSoon(0);
    });
    client.connect().catch((err: Error) => this.#setRedis(false, `redis: ${err.message}`));
    if (this.api) this.#reconcileSoon(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const t of this.#deviceTimers.values()) clearTimeout(t);
    this.#deviceTimers.clear();
    await this.#reconciling?.catch(() => undefined);
    const r = this.#redis;
    this.#redis = null;
    if (r) {
      try {
        if (r.isReady) await r.close();
        else r.destroy();
      } catch {
        // already closed
      }
    }
  }

  #setRedis(up: boolean, error: string | null): void {
    this.#redisUp = up;
    this.#update(error);
  }

  #update(error: string | null): void {
    const up = this.#redisUp && this.#apiOk;
    this.#ctx.connection(up, up ? null : (error ?? (this.#redisUp ? this.#apiError : 'redis: not connected')));
  }

  #reconcileSoon(delayMs: number): void {
    if (!this.api || this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.reconcile();
    }, delayMs);
    this.#timer.unref();
  }

  /** Reads every device and channel through the REST API and reports them; schedules the next run. */
  reconcile(): Promise<void> {
    if (this.#reconciling) return this.#reconciling;
    this.#reconciling = this.#reconcile().finally(() => {
      this.#reconciling = null;
    });
    return this.#reconciling;
  }

  async #reconcile(): Promise<void> {
    const api = this.api;
    if (!api) return;
    const every = (this.#c.reconcile ?? 300) * 1000;
    try {
      const devices = await api.devices();
      const channels = await this.#channelsOf(devices);
      const mentioned = new Set<string>();
      const reports: SourceReport[] = [];
      for (const d of devices) {
        const online = this.#deviceOnline(d);
        const list = channels.get(d.deviceId)!;
        this.#devices.set(d.deviceId, { online, channels: new Set(list.map((c) => c.id)) });
        for (const ch of list) {
          mentioned.add(ch.id);
          reports.push(this.#channelReport(ch, online));
        }
      }
      this.#ctx.received(devices.length);
      await this.#reportKnown(reports);
      await this.#ctx.flushed();
      this.#apiOk = true;
      this.#apiError = null;
      this.#retry.reset();
      this.#update(null);
      await this.#ctx.reconciled(mentioned);
      this.#reconcileSoon(every);
    } catch (err) {
      if (err instanceof WvpShapeError) this.#ctx.bad('bad_response', err.message);
      this.#apiOk = false;
      this.#apiError = `wvp REST: ${(err as Error).message}`;
      this.#update(this.#apiError);
      this.#reconcileSoon(Math.min(every, this.#retry.next()));
    }
  }

  async #channelsOf(devices: readonly WvpDevice[]): Promise<Map<string, WvpChannel[]>> {
    const out = new Map<string, WvpChannel[]>();
    let next = 0;
    const worker = async () => {
      while (next < devices.length) {
        const d = devices[next++]!;
        out.set(d.deviceId, await this.api!.channels(d.deviceId));
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, devices.length) }, worker));
    return out;
  }

  /** Online as wvp says, unless its keepalive is older than heartBeatInterval × heartBeatCount. */
  #deviceOnline(d: WvpDevice): boolean {
    if (!d.onLine) return false;
    if (this.#c.keepaliveCheck === false || d.keepaliveTimeStamp === null || !d.heartBeatInterval || !d.heartBeatCount)
      return true;
    return this.#ctx.now() - d.keepaliveTimeStamp <= d.heartBeatInterval * d.heartBeatCount * 1000 + KEEPALIVE_SLACK_MS;
  }

  #channelReport(ch: WvpChannel, deviceOnline: boolean): SourceReport {
    if (!deviceOnline) return { cameraId: ch.id, status: 'offline', reason: 'device_offline' };
    if (ch.status === 'online') return { cameraId: ch.id, status: 'online' };
    return { cameraId: ch.id, status: 'offline', reason: ch.status === 'offline' ? null : ch.status };
  }

  /** Reports the channels the inventory has; the others are counted (sync-catalog imports them). */
  async #reportKnown(reports: readonly SourceReport[]): Promise<void> {
    let missing = 0;
    for (let i = 0; i < reports.length; i += MAX_INVENTORY_ROWS) {
      const part = reports.slice(i, i + MAX_INVENTORY_ROWS);
      const known = await this.#deps.store.getCameras(part.map((r) => r.cameraId));
      const ok = part.filter((r) => known.has(r.cameraId));
      missing += part.length - ok.length;
      this.#ctx.report(ok);
    }
    this.#notInInventory = missing;
  }

  #onDeviceMessage(raw: string): void {
    const ctx = this.#ctx;
    ctx.received();
    // wvp versions that published through a JSON serializer put quotes around the string.
    const text = raw.trim().replace(/^"(.*)"$/, '$1');
    const m = DEVICE_MESSAGE.exec(text);
    if (!m) return ctx.bad('bad_message', `device channel: '${raw.slice(0, 80)}'`);
    const [, deviceId, channelId, verb] = m as unknown as [string, string, string | undefined, string];
    const op = verb.toUpperCase();
    let dev = this.#devices.get(deviceId);
    if (!dev) this.#devices.set(deviceId, (dev = { online: true, channels: new Set() }));
    if (channelId === undefined) {
      if (op === 'ON' || op === 'OFF') this.#onDevice(deviceId, dev, op === 'ON');
      return;
    }
    if (op === 'DELETE') {
      dev.channels.delete(channelId);
      return;
    }
    dev.channels.add(channelId);
    if (op === 'ADD') return;
    ctx.report([
      op === 'ON'
        ? { cameraId: channelId, status: 'online' }
        : { cameraId: channelId, status: 'offline', reason: dev.online ? null : 'device_offline' },
    ]);
  }

  #onDevice(deviceId: string, dev: { online: boolean; channels: Set<string> }, online: boolean): void {
    dev.online = online;
    if (!online) {
      this.#ctx.report(
        [...dev.channels].map((id) => ({
          cameraId: id,
          status: 'offline' as const,
          reason: 'device_offline' as const,
        })),
      );
      return;
    }
    // Back online: wvp re-reads the device's catalog; ask for the channels once it had time to.
    if (!this.api || this.#deviceTimers.has(deviceId)) return;
    const t = setTimeout(() => {
      this.#deviceTimers.delete(deviceId);
      void this.#reconcileDevice(deviceId);
    }, DEVICE_BACK_DELAY_MS);
    t.unref();
    this.#deviceTimers.set(deviceId, t);
  }

  async #reconcileDevice(deviceId: string): Promise<void> {
    try {
      const list = await this.api!.channels(deviceId);
      const dev = this.#devices.get(deviceId);
      const online = dev?.online ?? true;
      this.#devices.set(deviceId, { online, channels: new Set(list.map((c) => c.id)) });
      await this.#reportKnown(list.map((ch) => this.#channelReport(ch, online)));
    } catch (err) {
      if (err instanceof WvpShapeError) this.#ctx.bad('bad_response', err.message);
      this.#ctx.log.warn(
        { source: this.#c.id, deviceId, err: (err as Error).message },
        'wvp: channels of a device back online could not be read',
      );
    }
  }

  async #onAlarm(raw: string): Promise<void> {
    const ctx = this.#ctx;
    ctx.received();
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
      // A JSON serializer may have published the JSON text as a JSON string.
      if (typeof doc === 'string') doc = JSON.parse(doc);
    } catch {
      return ctx.bad('bad_alarm', `alarm channel: not JSON: '${raw.slice(0, 80)}'`);
    }
    const a = doc as { gbId?: unknown; alarmSn?: unknown; alarmType?: unknown; alarmDescription?: unknown } | null;
    if (!a || typeof a !== 'object' || typeof a.gbId !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(a.gbId))
      return ctx.bad('bad_alarm', `alarm without a gbId: '${raw.slice(0, 80)}'`);
    const type = a.alarmType === undefined || a.alarmType === null ? null : String(a.alarmType);
    const cfg = this.#c.alarm;
    if (!cfg) return;
    const reason = type !== null ? cfg.reasons?.[type] : undefined;
    if (reason) ctx.report([{ cameraId: a.gbId, status: 'offline', reason }]);
    if (!cfg.clues) return;
    const cam = (await this.#deps.store.getCameras([a.gbId])).get(a.gbId);
    if (!cam) return ctx.bad('unknown_id', `alarm for unknown channel '${a.gbId}'`);
    const description =
      typeof a.alarmDescription === 'string' && a.alarmDescription.trim() !== ''
        ? a.alarmDescription.trim()
        : `报警类型 ${type ?? '—'}`;
    const sn = typeof a.alarmSn === 'number' || typeof a.alarmSn === 'string' ? String(a.alarmSn) : String(ctx.now());
    try {
      await this.#deps.ingest.createClue(
        {
          id: `wvp-${this.#c.id}-${a.gbId}-${sn}`.slice(0, 64),
          category: cfg.category ?? 'security',
          source: 'video',
          region: cam.region,
          title: `${cam.name}: ${description}`.slice(0, 200),
          lon: cam.lon,
          lat: cam.lat,
        },
        `source:${this.#c.id}`,
      );
    } catch (err) {
      ctx.bad('bad_alarm', `alarm of '${a.gbId}' could not become a clue: ${(err as Error).message}`);
    }
  }

  /** The platform's catalog against the inventory: shown (dry run) or applied. */
  async syncCatalog(apply: boolean, actor: string): Promise<CatalogResult> {
    if (!this.api)
      throw new Error('this wvp source has no api: set api.url (and apiKey, accessToken or username/password)');
    const devices = await this.api.devices();
    const byDevice = await this.#channelsOf(devices);
    const channels = [...byDevice.values()].flat();
    const existing = await this.#deps.store.getCameras(channels.map((c) => c.id));
    const plan = planCatalog(channels, existing, this.#deps.regions(), this.#c.catalog ?? {});
    let applied = 0;
    if (apply) {
      const rows = [...plan.add, ...plan.update].map(({ id, name, region, lon, lat }) => ({
        id,
        name,
        region,
        lon,
        lat,
      }));
      for (let i = 0; i < rows.length; i += MAX_INVENTORY_ROWS)
        applied += (await this.#deps.ingest.upsertCameras(rows.slice(i, i + MAX_INVENTORY_ROWS), actor)).upserted;
      // The new channels' states follow at once rather than at the next reconciliation.
      this.#reconcileSoon(0);
    }
    return {
      dryRun: !apply,
      devices: devices.length,
      channels: channels.length,
      add: plan.add,
      update: plan.update,
      unchanged: plan.unchanged,
      skipped: plan.skipped,
      applied,
    };
  }
}
