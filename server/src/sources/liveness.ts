import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CameraRecord, StatusInput } from '../store/types.js';

/** Actors of status reports that come from a configured source: `source:<id>`. */
export const SOURCE_ACTOR_PREFIX = 'source:';
/** The pseudo-source of everything not written by a configured source (REST API keys, the simulator, admins). */
export const REST_SOURCE = 'rest';

/** The source a report's actor stands for. */
export function sourceOfActor(actor: string): string {
  return actor.startsWith(SOURCE_ACTOR_PREFIX) ? actor.slice(SOURCE_ACTOR_PREFIX.length) : REST_SOURCE;
}

/** How a source proves a channel alive. */
export interface LivenessPolicy {
  /** Per-channel silence after which a channel it reports becomes unknown; null: the source sends only changes. */
  heartbeatMs: number | null;
}

/**
 * Which source each channel's state comes from, and so how its liveness is judged (issue: liveness
 * belongs to the source). A periodic source (REST API, simulator, RTSP probes) proves a channel
 * alive by repeating it: silence past its heartbeat timeout makes the channel unknown. A
 * change-only source (wvp's Redis channel, ZLMediaKit hooks, MQTT with retained state) proves
 * liveness for the source as a whole; its channels never decay while it is up, and turn
 * `unknown (source_down)` when it goes down.
 *
 * The owner is the source of the last report that was heard (repeats included). It is kept in a
 * small file beside the data so that, after a restart, channels are still judged by the source
 * that fed them (and a source that does not come back can mark its channels).
 */
export class Liveness {
  readonly #owner = new Map<string, string>();
  readonly #policies = new Map<string, LivenessPolicy>();
  readonly #file: string | null;
  #dirty = false;

  constructor(opts: { restHeartbeatSec: number | null; file?: string | null }) {
    this.#policies.set(REST_SOURCE, {
      heartbeatMs: opts.restHeartbeatSec === null ? null : opts.restHeartbeatSec * 1000,
    });
    this.#file = opts.file ?? null;
  }

  /** Declares (or replaces) a source's policy. */
  setPolicy(source: string, policy: LivenessPolicy): void {
    this.#policies.set(source, policy);
  }

  policyOf(source: string): LivenessPolicy | undefined {
    return this.#policies.get(source);
  }

  /** Notes the sources of reports that were applied (the ingest calls this after each commit). */
  seen(inputs: readonly StatusInput[]): void {
    // A batch has one actor, or a few: each is read once.
    let actor: string | null = null;
    let s = REST_SOURCE;
    for (const i of inputs) {
      if (i.heard === false) continue;
      if (i.actor !== actor) s = sourceOfActor((actor = i.actor));
      if (this.#owner.get(i.cameraId) !== s) {
        this.#owner.set(i.cameraId, s);
        this.#dirty = true;
      }
    }
  }

  ownerOf(cameraId: string): string | undefined {
    return this.#owner.get(cameraId);
  }

  /** Channels whose state comes from `source`. */
  ownedBy(source: string): string[] {
    const out: string[] = [];
    for (const [id, s] of this.#owner) if (s === source) out.push(id);
    return out;
  }

  /** Counts of owned channels per source. */
  counts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.#owner.values()) out.set(s, (out.get(s) ?? 0) + 1);
    return out;
  }

  /**
   * The heartbeat timeout that applies to a channel now, or null when silence says nothing about
   * it: its source reports only changes, it is unknown because its source is down, or no source
   * has fed it (a channel only seeded or inventoried: silence from nobody proves nothing).
   * `startedAt` lets a channel heard since the start through another server process (whose
   * reports this process did not see) be judged as a REST channel.
   */
  timeoutMs(c: CameraRecord, startedAt: number): number | null {
    if (c.reason === 'source_down') return null;
    const owner = this.#owner.get(c.id);
    if (owner !== undefined)
      return this.#policies.get(owner)?.heartbeatMs ?? this.#policies.get(REST_SOURCE)!.heartbeatMs;
    if (c.lastSeen !== null && Date.parse(c.lastSeen) >= startedAt) return this.#policies.get(REST_SOURCE)!.heartbeatMs;
    return null;
  }

  /** Reads the owners saved by `save`; owners that are not known sources any more are dropped. */
  async load(known: ReadonlySet<string>): Promise<void> {
    if (!this.#file) return;
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch {
      return; // first start, or the file was removed: owners are learnt again from the reports
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const owners = (parsed as { owners?: unknown }).owners;
    if (!owners || typeof owners !== 'object') return;
    for (const [source, ids] of Object.entries(owners as Record<string, unknown>)) {
      if (!known.has(source) || !Array.isArray(ids)) continue;
      for (const id of ids) if (typeof id === 'string' && !this.#owner.has(id)) this.#owner.set(id, source);
    }
  }

  /** Writes the owners when they changed since the last save (atomically: temp file, then rename). */
  async save(): Promise<void> {
    if (!this.#file || !this.#dirty) return;
    this.#dirty = false;
    const owners: Record<string, string[]> = {};
    for (const [id, s] of this.#owner) (owners[s] ??= []).push(id);
    const tmp = `${this.#file}.${process.pid}.tmp`;
    try {
      await mkdir(path.dirname(this.#file), { recursive: true });
      await writeFile(tmp, JSON.stringify({ version: 1, owners }));
      await rename(tmp, this.#file);
    } catch (err) {
      this.#dirty = true;
      throw err;
    }
  }
}
