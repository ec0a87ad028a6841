import type { FastifyBaseLogger } from 'fastify';
import { ErrorCode, MAX_STATUS_BATCH, type CameraReason } from '@zhihui/shared';
import type { Bus } from '../bus.js';
import type { IngestService } from '../domain/ingest/index.js';
import { isoAt } from '../domain/time.js';
import type { StatusInput, Store } from '../store/types.js';
import { FlapDamper } from './flapping.js';
import { ReportKeys } from './reportKey.js';
import { SourceHealth } from './health.js';
import { SOURCE_ACTOR_PREFIX } from './liveness.js';
import type { SourceSettings } from './settings.js';
import type { SourceContext, SourceReport } from './types.js';

/** What one source last said about one channel, and what of it was passed on to the ingest. */
export interface Claim {
  status: 'online' | 'offline';
  reason: CameraReason | null;
  /** When it said so (ms). */
  heardAt: number;
  /** The time the source gave, if any. */
  at: string | null;
  /** `online` or `offline:<reason>` as last passed on; null when nothing is in force from it. */
  passed: string | null;
  passedAt: number;
}

/** What a feed needs to know about the other sources (the registry). */
export interface Peers {
  isUp(source: string): boolean;
  priorityOf(source: string): number;
  /** Another source that is up and has a claim about the channel, the best by precedence. */
  fallback(cameraId: string, except: string): SourceFeed | null;
}

export interface FeedDeps {
  settings: SourceSettings;
  ingest: Pick<IngestService, 'statusBatch' | 'applyDerived' | 'liveness'>;
  store: Pick<Store, 'getCameras'>;
  bus: Bus;
  log: FastifyBaseLogger;
  peers: Peers;
  now?: () => number;
}

const RELEASE_EVERY_MS = 5_000;
/** The most event-loop turns a storm's reports are gathered over before they are stored. */
const GATHER_TURNS = 64;

/**
 * The one path from a source to the ingest. A report is dropped when it repeats what is already in
 * force from this source (a periodic source's repeat still passes now and then, as a heartbeat),
 * held back when a source of higher precedence that is up owns the channel, or when the channel is
 * flapping; the rest is batched into the ingest's status batches with the actor `source:<id>`, so
 * the history records which source said what. Connection changes become the source's up/down
 * state: down makes the channels it feeds `unknown (source_down)` (or hands them to another source
 * that covers them), announced on the bus as a `source` event.
 */
export class SourceFeed implements SourceContext {
  readonly settings: SourceSettings;
  readonly log: FastifyBaseLogger;
  readonly health: SourceHealth;
  readonly actor: string;
  readonly damper: FlapDamper;
  /** Reports dropped as repeats, and held back by precedence. */
  repeats = 0;
  overridden = 0;
  readonly #claims = new Map<string, Claim>();
  /** `online` / `offline:<reason>` strings, one per reason this feed has seen (see Claim.passed). */
  readonly #keys = new ReportKeys();
  readonly #deps: FeedDeps;
  #pending: SourceReport[] = [];
  #scheduled = false;
  #chain: Promise<void> = Promise.resolve();
  #downTimer: NodeJS.Timeout | null = null;
  #releaseTimer: NodeJS.Timeout | null = null;
  readonly now: () => number;

  constructor(deps: FeedDeps) {
    this.#deps = deps;
    this.settings = deps.settings;
    this.now = deps.now ?? Date.now;
    this.log = deps.log;
    this.actor = `${SOURCE_ACTOR_PREFIX}${deps.settings.id}`;
    this.health = new SourceHealth(deps.settings.id, deps.log, this.now);
    this.damper = new FlapDamper(deps.settings.flapping.changes, deps.settings.flapping.windowMs);
  }

  get id(): string {
    return this.settings.id;
  }

  get up(): boolean {
    return this.health.state === 'up';
  }

  /** Starts the flap-release clock (the registry calls it when the source starts). */
  open(): void {
    if (this.#releaseTimer) return;
    this.#releaseTimer = setInterval(
      () => this.#release(),
      Math.min(RELEASE_EVERY_MS, this.settings.flapping.windowMs / 4),
    );
    this.#releaseTimer.unref();
  }

  /** Stops timers and waits for queued work. */
  async close(): Promise<void> {
    if (this.#releaseTimer) clearInterval(this.#releaseTimer);
    if (this.#downTimer) clearTimeout(this.#downTimer);
    this.#releaseTimer = this.#downTimer = null;
    await this.flushed();
  }

  received(n = 1): void {
    this.health.received(n);
  }

  bad(kind: string, detail: string): void {
    this.health.bad(kind, detail);
  }

  owned(): string[] {
    return this.#deps.ingest.liveness.ownedBy(this.id);
  }

  claim(cameraId: string): Claim | undefined {
    return this.#claims.get(cameraId);
  }

  get claimCount(): number {
    return this.#claims.size;
  }

  report(reports: readonly SourceReport[]): void {
    const t = this.now();
    const hb = this.settings.heartbeatMs;
    const liveness = this.#deps.ingest.liveness;
    for (const r of reports) {
      const reason = r.status === 'online' ? null : (r.reason ?? null);
      const key = this.#keys.key(r.status, reason);
      let c = this.#claims.get(r.cameraId);
      if (!c)
        this.#claims.set(
          r.cameraId,
          (c = { status: r.status, reason, heardAt: t, at: r.at ?? null, passed: null, passedAt: 0 }),
        );
      else {
        c.status = r.status;
        c.reason = reason;
        c.heardAt = t;
        c.at = r.at ?? null;
      }
      const owner = liveness.ownerOf(r.cameraId);
      const mine = owner === undefined || owner === this.id;
      if (mine && c.passed === key) {
        // Frigate re-sends every ~10 s; a change-only source's repeat says nothing new. A periodic
        // source's repeat is its heartbeat: pass one now and then so last-seen moves.
        if (hb === null || t - c.passedAt < hb / 3) {
          this.repeats++;
          continue;
        }
      } else if (!mine && this.#deps.peers.isUp(owner) && this.#deps.peers.priorityOf(owner) > this.settings.priority) {
        this.overridden++;
        continue;
      }
      if (c.passed !== null && c.passed !== key && this.damper.change(r.cameraId, t)) continue;
      this.#pass(r.cameraId, c, t);
    }
  }

  /** Passes a channel's claim on again (the source that owned it went down, or it stopped flapping). */
  replay(cameraId: string): boolean {
    const c = this.#claims.get(cameraId);
    if (!c) return false;
    this.#pass(cameraId, c, this.now());
    return true;
  }

  #pass(cameraId: string, c: Claim, t: number): void {
    c.passed = this.#keys.key(c.status, c.reason);
    c.passedAt = t;
    const item: SourceReport = { cameraId, status: c.status };
    if (c.reason !== null) item.reason = c.reason;
    if (c.at !== null) item.at = c.at;
    this.#pending.push(item);
    if (this.#scheduled) return;
    this.#scheduled = true;
    // One turn of the event loop gathers what arrived together into one batch. Under a storm each
    // turn brings more: the batch keeps growing while it does (up to a full batch, or GATHER_TURNS),
    // so the store commits a few large batches rather than one per socket read.
    this.#then(async () => {
      let before = -1;
      for (let turn = 0; turn < GATHER_TURNS && this.#pending.length !== before; turn++) {
        if (this.#pending.length >= MAX_STATUS_BATCH) break;
        before = this.#pending.length;
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.#scheduled = false;
      await this.#drain();
    });
  }

  flushed(): Promise<void> {
    return this.#chain;
  }

  #then(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(step).catch((err: unknown) => {
      this.health.error(`internal: ${(err as Error).message}`);
      this.log.error({ err, source: this.id }, 'source feed step failed');
    });
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, MAX_STATUS_BATCH);
      try {
        const res = await this.#deps.ingest.statusBatch(batch, this.actor);
        for (const rej of res.rejected) {
          const r = batch[rej.index]!;
          this.#forget(r.cameraId);
          this.health.bad(rej.code === ErrorCode.unknownCamera ? 'unknown_id' : 'bad_report', rej.message);
        }
      } catch (err) {
        // The store refused (locked, down): the claims are forgotten so the next report or reconciliation sends them again.
        for (const r of batch) this.#forget(r.cameraId);
        this.health.error(`could not store ${batch.length} reports: ${(err as Error).message}`);
        this.log.error({ err, source: this.id, reports: batch.length }, 'source: reports could not be stored');
      }
    }
  }

  #forget(cameraId: string): void {
    const c = this.#claims.get(cameraId);
    if (c) c.passed = null;
  }

  connection(connected: boolean, error: string | null = null): void {
    const h = this.health;
    h.connected = connected;
    if (connected) {
      if (this.#downTimer) clearTimeout(this.#downTimer);
      this.#downTimer = null;
      if (h.state === 'up') return;
      const wasDown = h.state === 'down';
      h.setState('up');
      this.log.info({ source: this.id }, `source ${this.id}: up`);
      if (wasDown) this.#announce(true, this.owned());
      return;
    }
    if (error) h.error(error);
    if (h.state === 'down' || this.#downTimer) return;
    this.#downTimer = setTimeout(() => this.#goDown(), this.settings.downAfterMs);
    this.#downTimer.unref();
  }

  #goDown(): void {
    this.#downTimer = null;
    if (this.health.connected) return;
    this.health.setState('down');
    // Nothing from this source is in force any more: its next word about any channel passes.
    for (const c of this.#claims.values()) c.passed = null;
    const owned = this.owned();
    this.log.warn(
      { source: this.id, channels: owned.length, error: this.health.lastError },
      `source ${this.id}: down, its channels are unknown (source_down)`,
    );
    this.#announce(false, owned);
    this.#then(() => this.#markDown(owned));
  }

  async #markDown(owned: readonly string[]): Promise<void> {
    const at = isoAt(this.now());
    const inputs: StatusInput[] = [];
    for (const id of owned) {
      // Another source that is up and covers the channel takes it over; otherwise nobody knows.
      if (this.#deps.peers.fallback(id, this.id)?.replay(id)) continue;
      inputs.push({ cameraId: id, status: 'unknown', reason: 'source_down', at, actor: this.actor });
    }
    for (let i = 0; i < inputs.length; i += MAX_STATUS_BATCH)
      await this.#deps.ingest.applyDerived(inputs.slice(i, i + MAX_STATUS_BATCH));
  }

  async reconciled(mentioned: ReadonlySet<string>): Promise<void> {
    await this.flushed();
    const left = this.owned().filter((id) => !mentioned.has(id));
    if (left.length === 0) return;
    const at = isoAt(this.now());
    const inputs: StatusInput[] = [];
    for (let i = 0; i < left.length; i += MAX_STATUS_BATCH) {
      const recs = await this.#deps.store.getCameras(left.slice(i, i + MAX_STATUS_BATCH));
      for (const c of recs.values()) {
        if (c.status === 'unknown' && c.reason === 'source_down')
          inputs.push({ cameraId: c.id, status: 'unknown', reason: null, at, actor: this.actor });
      }
    }
    for (let i = 0; i < inputs.length; i += MAX_STATUS_BATCH)
      await this.#deps.ingest.applyDerived(inputs.slice(i, i + MAX_STATUS_BATCH));
  }

  #announce(up: boolean, cameraIds: string[]): void {
    const s = this.settings;
    this.#deps.bus.emit('source', {
      id: s.id,
      name: s.name,
      kind: s.kind,
      up,
      at: isoAt(this.now()),
      cameraIds,
      error: up ? null : this.health.lastError,
    });
  }

  #release(): void {
    const t = this.now();
    for (const id of this.damper.release(t)) {
      const c = this.#claims.get(id);
      if (c && c.passed !== this.#keys.key(c.status, c.reason)) this.#pass(id, c, t);
    }
  }
}
