import type { FastifyBaseLogger } from 'fastify';
import { MAX_STATUS_BATCH } from '@zhihui/shared';
import type { Bus } from '../bus.js';
import type { IngestService } from '../domain/ingest/index.js';
import { isoAt } from '../domain/time.js';
import type { StatusInput, Store } from '../store/types.js';
import type { SourceConfig } from '../config/sections/sources.js';
import { SourceFeed, type Claim } from './feed.js';
import type { HealthView } from './health.js';
import { REST_SOURCE } from './liveness.js';
import { settingsOf, type SourceSettings } from './settings.js';
import type { SourceAdapter } from './types.js';

/** Builds the adapter of one configured source around its feed. */
export type AdapterFactory = (config: Exclude<SourceConfig, { kind: 'rest' }>, feed: SourceFeed) => SourceAdapter;

export interface RegistryDeps {
  sources: readonly SourceConfig[];
  heartbeatTimeoutSec: number;
  ingest: Pick<IngestService, 'statusBatch' | 'applyDerived' | 'liveness'>;
  store: Pick<Store, 'getCameras' | 'allCameras'>;
  bus: Bus;
  log: FastifyBaseLogger;
  adapters: AdapterFactory;
  now?: () => number;
}

/** A source as GET /api/v1/sources lists it. */
export interface SourceView extends HealthView {
  id: string;
  name: string;
  kind: string;
  priority: number;
  /** Per-channel heartbeat timeout in seconds; null for change-only sources. */
  heartbeat: number | null;
  /** Channels whose state comes from this source now. */
  channels: number;
  /** Channels it has reported since the server started. */
  claims: number;
  repeatsDropped: number;
  overridden: number;
  flapping: number;
  flappingEpisodes: number;
  settings: Record<string, unknown>;
}

/** Every configured source: their feeds, adapters and precedence. Started by the sources plugin. */
export class SourceRegistry {
  readonly feeds = new Map<string, SourceFeed>();
  readonly adapters = new Map<string, SourceAdapter>();
  readonly #rest: SourceSettings | null;
  readonly #deps: RegistryDeps;
  #running = false;

  constructor(deps: RegistryDeps) {
    this.#deps = deps;
    const rest = deps.sources.find((s) => s.kind === 'rest');
    this.#rest = rest ? settingsOf(rest, deps.heartbeatTimeoutSec) : null;
    const peers = {
      isUp: (id: string) => id === REST_SOURCE || this.feeds.get(id)?.up === true,
      priorityOf: (id: string) =>
        id === REST_SOURCE ? (this.#rest?.priority ?? 0) : (this.feeds.get(id)?.settings.priority ?? 0),
      fallback: (cameraId: string, except: string) => this.#fallback(cameraId, except),
    };
    for (const config of deps.sources) {
      if (config.kind === 'rest') continue;
      const feed = new SourceFeed({
        settings: settingsOf(config, deps.heartbeatTimeoutSec),
        ingest: deps.ingest,
        store: deps.store,
        bus: deps.bus,
        log: deps.log,
        peers,
        now: deps.now,
      });
      this.feeds.set(config.id, feed);
      this.adapters.set(config.id, deps.adapters(config, feed));
    }
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts every source (in the leading process only). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#releaseOrphans();
    for (const [id, adapter] of this.adapters) {
      this.feeds.get(id)!.open();
      try {
        await adapter.start();
      } catch (err) {
        // An adapter reports connection trouble itself; anything thrown here is a bug or a bad setting.
        this.feeds.get(id)!.connection(false, (err as Error).message);
        this.#deps.log.error({ err, source: id }, `source ${id}: could not start`);
      }
    }
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    await Promise.all([...this.adapters.values()].map((a) => a.stop().catch(() => undefined)));
    await Promise.all([...this.feeds.values()].map((f) => f.close()));
  }

  /**
   * Channels left `unknown (source_down)` by a source that is no longer configured would never
   * recover: they become plain unknown (nobody reports them now).
   */
  async #releaseOrphans(): Promise<void> {
    const at = isoAt((this.#deps.now ?? Date.now)());
    const inputs: StatusInput[] = [];
    for (const c of await this.#deps.store.allCameras()) {
      if (c.status !== 'unknown' || c.reason !== 'source_down') continue;
      const owner = this.#deps.ingest.liveness.ownerOf(c.id);
      if (owner === undefined || !this.feeds.has(owner))
        inputs.push({ cameraId: c.id, status: 'unknown', reason: null, at, actor: 'sources' });
    }
    for (let i = 0; i < inputs.length; i += MAX_STATUS_BATCH)
      await this.#deps.ingest.applyDerived(inputs.slice(i, i + MAX_STATUS_BATCH));
  }

  #fallback(cameraId: string, except: string): SourceFeed | null {
    let best: SourceFeed | null = null;
    for (const f of this.feeds.values()) {
      if (f.id === except || !f.up || !f.claim(cameraId)) continue;
      if (!best || f.settings.priority > best.settings.priority) best = f;
    }
    return best;
  }

  list(): SourceView[] {
    const counts = this.#deps.ingest.liveness.counts();
    return [...this.feeds.values()].map((f) => this.#view(f, counts.get(f.id) ?? 0));
  }

  view(id: string): SourceView | null {
    const f = this.feeds.get(id);
    return f ? this.#view(f, this.#deps.ingest.liveness.ownedBy(id).length) : null;
  }

  #view(f: SourceFeed, channels: number): SourceView {
    const s = f.settings;
    return {
      id: s.id,
      name: s.name,
      kind: s.kind,
      priority: s.priority,
      heartbeat: s.heartbeatMs === null ? null : s.heartbeatMs / 1000,
      ...f.health.view(isoAt),
      channels,
      claims: f.claimCount,
      repeatsDropped: f.repeats,
      overridden: f.overridden,
      flapping: f.damper.heldCount,
      flappingEpisodes: f.damper.episodes,
      settings: this.adapters.get(s.id)!.describe(),
    };
  }

  /** What every source says about one channel, and whose word is in force. */
  channel(cameraId: string): {
    owner: string | null;
    claims: ({ source: string; priority: number; up: boolean; flapping: boolean } & Omit<
      Claim,
      'passed' | 'passedAt' | 'heardAt'
    > & { heardAt: string; inForce: boolean })[];
  } {
    const owner = this.#deps.ingest.liveness.ownerOf(cameraId) ?? null;
    const claims = [];
    for (const f of this.feeds.values()) {
      const c = f.claim(cameraId);
      if (!c) continue;
      claims.push({
        source: f.id,
        priority: f.settings.priority,
        up: f.up,
        flapping: f.damper.isHeld(cameraId),
        status: c.status,
        reason: c.reason,
        at: c.at,
        heardAt: isoAt(c.heardAt),
        inForce: owner === f.id && c.passed !== null,
      });
    }
    return { owner, claims };
  }
}
