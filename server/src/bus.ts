import { EventEmitter } from 'node:events';
import type { Clue, GridReport, GridWorkerView } from '@zhihui/shared';
import type { CameraRecord, ServiceChange, StatusEvent } from './store/types.js';

/** What plugins tell each other, always after the store has committed it. */
export interface BusEvents {
  /** Channels whose status, reason, inventory or maintenance changed (their full new records). */
  /** Changed records, status changes appended, and stored changes a late report took back (see Store.applyStatus). */
  /**
   * `service`: the in-service changes an inventory write recorded, at the instants the store gave
   * them, so the live engine's periods count the same time as the summary's (#18.2).
   */
  cameras: { cameras: CameraRecord[]; events: StatusEvent[]; retracted?: StatusEvent[]; service?: ServiceChange[] };
  /** Clues created or moved along their lifecycle (full new state). */
  clues: { clues: Clue[] };
  /** Grid worker inventory or duty changes, and new reports. */
  grid: { workers: GridWorkerView[]; reports: GridReport[] };
  /**
   * A status source (wvp, ZLMediaKit, MQTT, RTSP probes, …) went down or came back. Its channels'
   * states arrive separately as `cameras`; this tells alerting to roll them up under the source.
   */
  source: SourceHealthEvent;
  /** This process's region tree was rebuilt from the store (app.regions holds the new one). Local: sent with `deliver`. */
  regions: { regions: number };
  /**
   * This process may have missed events of other processes (a Redis outage, a process that
   * started): state kept from events should be re-read from the store. Local: sent with `deliver`.
   */
  resync: { why: string };
}

/** A source's liveness change, as the sources capability announces it. */
export interface SourceHealthEvent {
  /** The source's id from the config file. */
  id: string;
  /** Its display name (zh-CN), e.g. 栾城区视频平台. */
  name: string;
  kind: string;
  up: boolean;
  at: string;
  /** Channels the source covers (their state is unknown/source_down while it is down). */
  cameraIds: string[];
  /** Why it is down (connection refused, keepalive missed, …); null when up. */
  error: string | null;
}

export type BusEventName = keyof BusEvents;
/** Sees every event emitted in this process, with its payload. */
export type BusTap = <K extends BusEventName>(event: K, payload: BusEvents[K]) => void;

/**
 * A typed in-process event bus. Listeners run synchronously in emit order.
 *
 * With several server processes (scaleout/redisBus.ts) every local `emit` is also handed to the
 * taps, which publish it; events from other processes come in through `deliver`, which reaches
 * the listeners but not the taps, so nothing is published twice.
 */
export class Bus {
  readonly #ee = new EventEmitter();
  readonly #taps = new Set<BusTap>();
  constructor() {
    this.#ee.setMaxListeners(50);
  }
  on<K extends BusEventName>(event: K, listener: (payload: BusEvents[K]) => void): () => void {
    this.#ee.on(event, listener);
    return () => this.#ee.off(event, listener);
  }
  emit<K extends BusEventName>(event: K, payload: BusEvents[K]): void {
    this.#ee.emit(event, payload);
    for (const tap of this.#taps) {
      try {
        tap(event, payload);
      } catch {
        // A tap (the cross-process bridge) must never break the emitter's own commit path.
      }
    }
  }
  /** Registers a tap on local emits; returns its remover. */
  tap(fn: BusTap): () => void {
    this.#taps.add(fn);
    return () => this.#taps.delete(fn);
  }
  /**
   * Hands an event to this process's listeners only, never to the taps: an event another process
   * emitted, or one that concerns this process alone (`regions`, `resync`).
   */
  deliver<K extends BusEventName>(event: K, payload: BusEvents[K]): void {
    this.#ee.emit(event, payload);
  }
}
