import { Type, type Static } from 'typebox';
import { IsoTimeSchema, LatSchema, LonSchema, PageSchema, RegionCodeSchema } from './common.js';

/** Status as reported by a video platform. */
export const ReportedStatus = { online: 'online', offline: 'offline' } as const;
export type ReportedStatus = (typeof ReportedStatus)[keyof typeof ReportedStatus];

/** Status as the wall knows it: `unknown` when a channel has not been heard from in time. */
export const CameraStatus = { online: 'online', offline: 'offline', unknown: 'unknown' } as const;
export type CameraStatus = (typeof CameraStatus)[keyof typeof CameraStatus];
export const CAMERA_STATUSES = Object.values(CameraStatus);

/**
 * Why a channel is down (or unknown). Order is the wire code (index) and must only be appended to.
 * The second group comes from the status sources: `source_down` (the platform reporting the channel
 * is unreachable: the channel is unknown, not offline), `device_offline` (its GB/T 28181 device is
 * offline), `auth` / `bad_path` (an RTSP probe was refused / the path does not exist), `video_lost`
 * and `defect` (GB/T 28181 catalog VLOST / DEFECT), `no_stream` (the media server gets no stream).
 */
export const CAMERA_REASONS = [
  'power',
  'black_screen',
  'network',
  'maintenance',
  'other',
  'source_down',
  'device_offline',
  'auth',
  'bad_path',
  'video_lost',
  'defect',
  'no_stream',
] as const;
export type CameraReason = (typeof CAMERA_REASONS)[number];

/**
 * What a channel counts as on the wall. Order is the wire code and must only be appended to.
 * `maintenance` (planned window) and `out_of_service` are excluded from the operational rate.
 */
export const CAMERA_STATES = ['online', 'offline', 'unknown', 'maintenance', 'out_of_service'] as const;
export type CameraState = (typeof CAMERA_STATES)[number];

/** GB/T 28181 ids are 20 digits; other platforms' ids are accepted within this alphabet. */
export const CameraIdSchema = Type.String({
  pattern: '^[0-9A-Za-z_.:-]{1,64}$',
  description: 'channel id (GB/T 28181: 20 digits)',
});

/** Inventory row for PUT /api/v1/cameras (JSON or CSV with the same columns). */
export const CameraInputSchema = Type.Object({
  id: CameraIdSchema,
  name: Type.String({ minLength: 1, maxLength: 120 }),
  region: RegionCodeSchema,
  lon: LonSchema,
  lat: LatSchema,
  inService: Type.Optional(Type.Boolean()),
  /**
   * When a new channel became valid (counted from then on; reports dated before it are refused).
   * Absent: now. Read for new channels only: an existing channel keeps the instant it was given.
   */
  validFrom: Type.Optional(IsoTimeSchema),
  /** The channel's own play URL (may carry credentials: stored as a secret, never read back). Empty string clears it; absent keeps it. */
  playUrl: Type.Optional(Type.String({ maxLength: 2000, pattern: '^$|^(https?|wss?)://' })),
});
export type CameraInput = Static<typeof CameraInputSchema>;

export const MAX_INVENTORY_ROWS = 20000;
export const CameraInventorySchema = Type.Object({
  cameras: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_INVENTORY_ROWS }),
});

/** A planned maintenance window: the channel is not counted against the rate while it lasts. */
export const MaintenanceWindowSchema = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 200 }),
  from: IsoTimeSchema,
  to: IsoTimeSchema,
});
export type MaintenanceWindow = Static<typeof MaintenanceWindowSchema>;

/** One status report inside a batch. */
export const StatusReportSchema = Type.Object({
  cameraId: CameraIdSchema,
  status: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
  reason: Type.Optional(Type.Enum(CAMERA_REASONS)),
  at: Type.Optional(IsoTimeSchema),
});
export type StatusReport = Static<typeof StatusReportSchema>;

export const MAX_STATUS_BATCH = 5000;
/** Body of POST /api/v1/cameras/status. Items are checked one by one so valid ones are kept. */
export const StatusBatchSchema = Type.Object({
  reports: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_STATUS_BATCH }),
});

export const RejectedItemSchema = Type.Object({
  index: Type.Integer(),
  code: Type.String(),
  message: Type.String(),
});
export type RejectedItem = Static<typeof RejectedItemSchema>;

export const BatchResultSchema = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Array(RejectedItemSchema),
});
export type BatchResult = Static<typeof BatchResultSchema>;

/** A channel with its current state, as lists and snapshots show it. */
export const CameraViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  region: RegionCodeSchema,
  lon: Type.Number(),
  lat: Type.Number(),
  inService: Type.Boolean(),
  status: Type.Enum(CAMERA_STATUSES),
  state: Type.Enum(CAMERA_STATES),
  reason: Type.Union([Type.Enum(CAMERA_REASONS), Type.Null()]),
  /** Since when the channel is in its current status. */
  since: IsoTimeSchema,
  lastSeen: Type.Union([IsoTimeSchema, Type.Null()]),
  maintenance: Type.Union([MaintenanceWindowSchema, Type.Null()]),
  /** Since when the channel is valid: periods count it from then on only. */
  validFrom: Type.Optional(IsoTimeSchema),
});
export type CameraView = Static<typeof CameraViewSchema>;

/** PUT /api/v1/cameras and /grid/workers: rows stored, and those rejected with why. */
export const UpsertResultSchema = Type.Object({ upserted: Type.Integer(), rejected: Type.Array(RejectedItemSchema) });
export type UpsertResult = Static<typeof UpsertResultSchema>;

/** Body of PUT /api/v1/cameras/maintenance and /admin/maintenance. */
export const MaintenanceBodySchema = Type.Object(
  {
    ids: Type.Array(CameraIdSchema, { minItems: 1, maxItems: MAX_INVENTORY_ROWS }),
    window: Type.Union([MaintenanceWindowSchema, Type.Null()], {
      description: 'the planned window, or null to clear it',
    }),
  },
  { additionalProperties: false },
);
/** Answer of a maintenance change: channels updated, and those rejected with why. */
export const MaintenanceResultSchema = Type.Object({
  updated: Type.Integer(),
  rejected: Type.Array(RejectedItemSchema),
});
export type MaintenanceResult = Static<typeof MaintenanceResultSchema>;

/** GET /api/v1/regions/:code/cameras: query and one page. */
export const CameraListQuerySchema = Type.Object({
  status: Type.Optional(Type.Enum(CAMERA_STATUSES)),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});
export const CameraPageSchema = PageSchema(CameraViewSchema);
