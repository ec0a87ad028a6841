import type { Clue } from '../schemas/clue.js';
import type { Period } from '../schemas/common.js';
import type { Region } from '../schemas/region.js';
import type { ErrorCode } from '../schemas/errors.js';
import type { RegionFigures } from '../schemas/summary.js';

/** Bumped on any incompatible change of the socket payloads. */
export const PROTOCOL_VERSION = 2;

/** Acknowledgement of a socket request: handlers never throw across the wire. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode | string; message: string } };

/** What a wall shows for one region: figures for today and for the recent half-year. */
export interface WallFigures {
  /** Cameras now; clues, grid reports and rectification for today (Asia/Shanghai). */
  today: RegionFigures;
  /** Mediation, appeals and clue totals over the last 182 days. */
  recent: RegionFigures;
}

/**
 * What a delta sends of a wall's figures: per period, only the sections (`region`, `period`,
 * `cameras`, `clues`, `mediation`, `grid`) that changed since the figures last sent. The rest
 * stand as received, carried with the clock (wallFiguresAt). Since protocol 2; in 1 a delta
 * sent the whole figures.
 */
export interface WallFiguresPatch {
  today?: Partial<RegionFigures>;
  recent?: Partial<RegionFigures>;
}

/**
 * The region's channels as columns: row i of every array is one channel.
 * Column form keeps snapshots small and lets deltas refer to a channel by its row index.
 */
export interface CameraColumns {
  id: string[];
  name: string[];
  /** Index into `RegionSnapshot.children` of the child region holding the channel (-1: the region itself). */
  child: number[];
  lon: number[];
  lat: number[];
  /** Index into CAMERA_STATES. */
  state: number[];
  /** 0 = no reason, else 1 + index into CAMERA_REASONS. */
  reason: number[];
  /** Since when in this state, epoch seconds. */
  since: number[];
}

/**
 * Camera changes in a delta, as columns against the snapshot's row order.
 * `ago[k]` is `floor(delta.at) - since` in seconds, so a fresh change costs one digit.
 */
export interface CameraChanges {
  i: number[];
  s: number[];
  r: number[];
  ago: number[];
}

/** A channel that is down, for the "down longest" list. */
export interface DownChannel {
  id: string;
  name: string;
  region: string;
  regionName: string;
  /**
   * Name of the wall region's child that holds the channel (the county on a city wall), so a
   * place reads "county · township"; absent when the channel sits in the wall region itself.
   */
  childName?: string;
  state: 'offline' | 'unknown';
  reason: string | null;
  since: string;
}

/** Hourly operational rate for the last 24 hours (oldest first). */
export interface Trend {
  /** Start of each hour, epoch seconds. */
  t: number[];
  rate: (number | null)[];
}

/** Everything the wall of one region shows, as of `seq`. */
export interface RegionSnapshot {
  v: number;
  seq: number;
  /** Server time of the snapshot (ISO). */
  at: string;
  region: Region;
  /** Ancestors, root first. */
  path: Region[];
  children: Region[];
  periods: { today: Period; recent: Period };
  figures: WallFigures;
  /** Index-aligned with `children`. */
  childFigures: WallFigures[];
  /** The region's channels (county and township walls); empty columns above county level. */
  cameras: CameraColumns;
  /** Today's clues and every open clue in scope, newest first, bounded by MAX_WALL_CLUES. */
  clues: Clue[];
  downLongest: DownChannel[];
  trend: Trend;
}

/** What changed since `seq - 1`. Absent members did not change. */
export interface RegionDelta {
  v: number;
  seq: number;
  at: string;
  cams?: CameraChanges;
  /** Upserts of clues in scope (coalesced per clue: last state wins). */
  clues?: Clue[];
  /** The sections of the region's figures that changed. */
  figures?: WallFiguresPatch;
  /** [child index, the sections that changed] for the children whose figures changed. */
  childFigures?: [number, WallFiguresPatch][];
  downLongest?: DownChannel[];
  trend?: Trend;
  /** Set when the periods rolled over (midnight): the client should resubscribe. */
  periods?: { today: Period; recent: Period };
}

export const MAX_WALL_CLUES = 500;
export const MAX_DOWN_LONGEST = 12;

/** Payload of `subscribe`. */
export interface SubscribeRequest {
  region: string;
  /** Viewer (display) token, where the server requires one. */
  token?: string;
  /**
   * Snapshots for this socket as a PackedSnapshot (the walls ask for it). The server offers no
   * WebSocket compression, so an unpacked snapshot crosses as it is (the demo county's: 198 KB).
   */
  packed?: boolean;
}

/**
 * A snapshot as its JSON compressed by raw DEFLATE (RFC 1951), packed once per region and seq
 * for every socket that asked for it; the demo county's 198 KB crosses as about 47 KB.
 */
export interface PackedSnapshot {
  packed: ArrayBuffer | Uint8Array;
}

/** A snapshot as the socket asked for it. */
export type WireSnapshot = RegionSnapshot | PackedSnapshot;

/** Payload of `unsubscribe`. */
export interface UnsubscribeRequest {
  region: string;
}

export interface ServerToClientEvents {
  /** A fresh snapshot pushed by the server (e.g. after the client fell too far behind). */
  snapshot: (s: WireSnapshot) => void;
  delta: (d: RegionDelta) => void;
}

export interface ClientToServerEvents {
  subscribe: (req: SubscribeRequest, ack: (res: Ack<WireSnapshot>) => void) => void;
  unsubscribe: (req: UnsubscribeRequest, ack?: (res: Ack<null>) => void) => void;
}

export type InterServerEvents = Record<string, never>;

/** Name of the socket.io room for a region. */
export const regionRoom = (code: string): string => `region:${code}`;

import { Type } from 'typebox';
import { RegionCodeSchema } from '../schemas/common.js';
/** Schema of `subscribe`'s payload: checked before anything else happens. */
export const SubscribeRequestSchema = Type.Object({
  region: RegionCodeSchema,
  token: Type.Optional(Type.String({ maxLength: 200 })),
  packed: Type.Optional(Type.Boolean()),
});
/** Schema of `unsubscribe`'s payload: checked like `subscribe`'s. */
export const UnsubscribeRequestSchema = Type.Object({ region: RegionCodeSchema });
