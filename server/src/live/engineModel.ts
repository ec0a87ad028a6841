import {
  CAMERA_REASONS,
  CAMERA_STATES,
  emptyCameraFigures,
  msAt,
  reasonOf,
  type CameraFigures,
  type CameraReason,
  type CameraState,
  type Clue,
  type DownChannel,
  type ExcludedSpan,
  type GridWorkerView,
  type Region,
  type RegionFigures,
  type RegionRef,
  type WallFigures,
} from '@zhihui/shared';
import type { CameraRecord, StatusEvent } from '../store/types.js';
import type { PastCounts } from './trend.js';
import type { Uptime } from './channelParts.js';

/**
 * The live engine's model: what it holds per channel (Cam, CamHistory) and per region (Node), a
 * channel's row in the region's columns, and the comparisons that decide whether a change moves
 * anything. The engine (engine.ts) owns the instances; nothing else writes them.
 */

const STATE_INDEX = new Map<CameraState, number>(CAMERA_STATES.map((s, i) => [s, i]));
const REASON_INDEX = new Map<string, number>(CAMERA_REASONS.map((r, i) => [r, i + 1]));
export const COLUMN_LEVELS = new Set(['county', 'township', 'village']);

export interface Cam {
  rec: CameraRecord;
  state: CameraState;
  sinceMs: number;
  /** The record's validFrom (ms; −∞ when not known), read once per record that changes it. */
  validFromMs: number;
  /** The latest instant among the channel's recent events counted (only ever moves forward). */
  lastEventMs: number;
  /**
   * The channel's time-weighted parts of today and of the recent period, as of the period's start
   * (see #own), or null until computed again: dropped whenever its state, record or history moves.
   */
  parts: [Uptime, Uptime] | null;
  /** The channel's history as the engine keeps it: the entry of LiveEngine#hist, shared. */
  hist: CamHistory;
}

/** What the engine keeps of one channel's history: one map entry, read without further look-ups. */
export interface CamHistory {
  /** Status changes of the recent period, time order (for the time-weighted rate). */
  events?: StatusEvent[];
  /** Planned maintenance windows of the recent period. */
  spans?: ExcludedSpan[];
  /** The last change before the recent period (reasons of the spells its history starts in). */
  prior?: StatusEvent;
  /** The in-service flag's history, time order (see Validity). */
  service?: { at: number; inService: boolean }[];
}

/** Rows of a region's camera columns: stable until the region's set of channels changes. */
export interface Rows {
  ids: string[];
  index: Map<string, number>;
}

/** One region: the records attached to it directly, and caches of its roll-ups. */
export class Node {
  readonly cams = new Map<string, Cam>();
  counts: CameraFigures = emptyCameraFigures();
  /** [today, recent] */
  repaired: [number, number] = [0, 0];
  failed: [number, number] = [0, 0];
  reports: [number, number] = [0, 0];
  readonly clues = new Map<string, Clue>();
  readonly workers = new Map<string, GridWorkerView>();
  /** Own channels' status changes since the trend's first hour, time order. */
  events: StatusEvent[] = [];
  eventsUnsorted = false;
  /** The latest instant among `events` pushed (only ever moves forward; decides eventsUnsorted). */
  lastEventMs = -Infinity;
  past: PastCounts | null = null;

  /**
   * Own figures, and roll-ups, with the time-weighted parts (onlineMs, countedMs) stored as of the
   * period's start (see #own): additive whenever each part was computed, and read at any instant.
   */
  own: [RegionFigures, RegionFigures] | null = null;
  roll: WallFigures | null = null;
  rollDown: DownChannel[] | null = null;
  rollPast: PastCounts | null = null;
  rows: Rows | null = null;
  readonly children: Node[] = [];
  parent: Node | null = null;
  constructor(readonly region: Region) {}
  get ref(): RegionRef {
    return { code: this.region.code, name: this.region.name, level: this.region.level };
  }
}

export function rowOf(c: Cam): { state: number; reason: number; since: number } {
  const reason = reasonOf(c.state, c.rec.reason);
  return {
    state: STATE_INDEX.get(c.state)!,
    reason: reason === null ? 0 : (REASON_INDEX.get(reason) ?? 0),
    since: Math.floor(c.sinceMs / 1000),
  };
}

/** Whether `e` is the change `ev` (at `at`) of the same channel counted already. */
export function sameEvent(e: StatusEvent, ev: StatusEvent, at: number): boolean {
  return e.to === ev.to && msAt(e.at) === at;
}

/** Whether a channel's row values (see rowOf) are still those of the state, reason and since given. */
export function sameRow(state: CameraState, reason: CameraReason | null, sinceMs: number, c: Cam): boolean {
  return (
    state === c.state &&
    reasonOf(state, reason) === reasonOf(c.state, c.rec.reason) &&
    Math.floor(sinceMs / 1000) === Math.floor(c.sinceMs / 1000)
  );
}

/** Whether the parts of a channel a snapshot carries that a delta cannot patch are unchanged. */
export function sameDescription(a: CameraRecord, b: CameraRecord): boolean {
  return a.name === b.name && a.lon === b.lon && a.lat === b.lat && a.region === b.region;
}

export function sameWindow(a: CameraRecord['maintenance'], b: CameraRecord['maintenance']): boolean {
  return a === b || (a !== null && b !== null && a.from === b.from && a.to === b.to && a.reason === b.reason);
}

export function compareDown(a: Cam, b: Cam): number {
  return a.sinceMs - b.sinceMs || (a.rec.id < b.rec.id ? -1 : a.rec.id > b.rec.id ? 1 : 0);
}
