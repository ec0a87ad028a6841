import { Type, type Static } from 'typebox';
import { CAMERA_REASONS, CAMERA_STATES, CAMERA_STATUSES, CameraIdSchema } from './camera.js';
import { IsoTimeSchema, LatSchema, LonSchema, RegionCodeSchema } from './common.js';

/** Where a channel's play URL comes from. `demo`: the built-in demo stream (no platform configured). */
export const VIDEO_ORIGINS = ['inventory', 'template', 'wvp', 'demo'] as const;
export type VideoOrigin = (typeof VIDEO_ORIGINS)[number];

/** Stream formats the wall's players handle: FLV and MPEG-TS (mpegts.js), HLS (hls.js or native). */
export const VIDEO_FORMATS = ['flv', 'ts', 'hls'] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];

/**
 * Why a stream cannot be had (`details.kind` of a 503 VIDEO_UNAVAILABLE): the platform refused or
 * did not answer, the media server did not deliver, the server has too many sessions, or no
 * source serves the channel. A tile says it in the wall's language.
 */
export const VIDEO_FAILURE_KINDS = ['platform', 'media', 'busy', 'no-source'] as const;
export type VideoFailureKind = (typeof VIDEO_FAILURE_KINDS)[number];

/** A channel as a video tile shows it: where it is, its platform status, and whether it can play. */
export const VideoChannelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  region: RegionCodeSchema,
  regionName: Type.String(),
  /** The township (or the region itself above township level) the channel belongs to. */
  township: Type.String(),
  lon: Type.Number(),
  lat: Type.Number(),
  status: Type.Enum(CAMERA_STATUSES),
  state: Type.Enum(CAMERA_STATES),
  reason: Type.Union([Type.Enum(CAMERA_REASONS), Type.Null()]),
  since: IsoTimeSchema,
  /** Where its stream would come from; null: no source serves this channel. */
  origin: Type.Union([Type.Enum(VIDEO_ORIGINS), Type.Null()]),
  /** The platform offers a last snapshot (GET /api/v1/video/channels/:id/snapshot). */
  snapshot: Type.Boolean(),
});
export type VideoChannel = Static<typeof VideoChannelSchema>;

/** A channel near a point, with its distance in metres. */
export const NearChannelSchema = Type.Intersect([VideoChannelSchema, Type.Object({ distanceM: Type.Number() })]);
export type NearChannel = Static<typeof NearChannelSchema>;

export const NearChannelsSchema = Type.Object({ channels: Type.Array(NearChannelSchema) });
export type NearChannels = Static<typeof NearChannelsSchema>;

/** GET /api/v1/video/key-channels: the 重点点位 a wall cycles through. */
export const KeyChannelsSchema = Type.Object({
  region: RegionCodeSchema,
  /** Seconds each channel is shown. */
  intervalSec: Type.Integer(),
  /** Players a screen may have open at once. */
  maxTiles: Type.Integer(),
  /** Chosen by the server (no list configured for this region): one channel per child region. */
  auto: Type.Boolean(),
  channels: Type.Array(VideoChannelSchema),
});
export type KeyChannels = Static<typeof KeyChannelsSchema>;

/** POST /api/v1/video/sessions */
export const PlayRequestSchema = Type.Object({ channelId: CameraIdSchema }, { additionalProperties: false });
export type PlayRequest = Static<typeof PlayRequestSchema>;

/** A viewer's hold on a channel's stream. Closing the last one of a channel stops it on the platform. */
export const PlaySessionSchema = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  /** What the player opens: a path on this server (proxied) or, for `direct` rules, the platform's URL (never with credentials). */
  url: Type.String(),
  format: Type.Enum(VIDEO_FORMATS),
  origin: Type.Enum(VIDEO_ORIGINS),
  /** True for the built-in demo stream: the tile says so on screen. */
  demo: Type.Boolean(),
  /** Renew within this many seconds (POST …/renew) or the session ends. */
  leaseSec: Type.Integer(),
});
export type PlaySession = Static<typeof PlaySessionSchema>;

/** Path of the video routes that name a channel, and of those that name a play session. */
export const ChannelParamsSchema = Type.Object({ id: CameraIdSchema });
export const SessionParamsSchema = Type.Object({
  id: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$', description: 'video session id' }),
});
/** Query of GET /api/v1/video/key-channels. */
export const RegionQuerySchema = Type.Object({ region: RegionCodeSchema });
/** Query of GET /api/v1/video/near: a region's channels nearest a point. */
export const NearQuerySchema = Type.Object({
  region: RegionCodeSchema,
  lon: LonSchema,
  lat: LatSchema,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 4 })),
  live: Type.Optional(Type.Boolean({ default: false, description: 'online channels only' })),
});
/** A still image of a channel, proxied as the platform sends it. */
export const SnapshotImageSchema = Type.Any({ description: 'the image (image/jpeg, …)' });
/** Media of a play session, proxied as the media server sends it. */
export const MediaStreamSchema = Type.Any({ description: 'video/x-flv, video/mp2t, an HLS playlist or segment' });
