import { EventEmitter } from 'node:events';
import type { Clue, GridReport, GridWorkerView } from '@zhihui/shared';
import type { CameraRecord, StatusEvent } from './store/types.js';

/** What plugins tell each other, always after the store has committed it. */
export interface BusEvents {
  /** Channels whose status, reason, inventory or maintenance changed (their full new records). */
  cameras: { cameras: CameraRecord[]; events: StatusEvent[] };
  /** Clues created or moved along their lifecycle (full new state). */
  clues: { clues: Clue[] };
  /** Grid worker inventory or duty changes, and new reports. */
  grid: { workers: GridWorkerView[]; reports: GridReport[] };
}

/** A typed in-process event bus. Listeners run synchronously in emit order. */
export class Bus {
  readonly #ee = new EventEmitter();
  constructor() {
    this.#ee.setMaxListeners(50);
  }
  on<K extends keyof BusEvents>(event: K, listener: (payload: BusEvents[K]) => void): () => void {
    this.#ee.on(event, listener);
    return () => this.#ee.off(event, listener);
  }
  emit<K extends keyof BusEvents>(event: K, payload: BusEvents[K]): void {
    this.#ee.emit(event, payload);
  }
}
