import { Type } from 'typebox';
import { CAMERA_REASONS, CameraIdSchema } from './camera.js';
import { Nullable } from './common.js';

export const SourceParamsSchema = Type.Object({
  id: Type.String({ maxLength: 64, description: 'source id from the config file' }),
});

/** A status source with its health, as GET /api/v1/sources lists it. */
export const SourceViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: 'wvp | zlm | mqtt | rtsp' }),
  state: Type.Union([Type.Literal('starting'), Type.Literal('up'), Type.Literal('down')], {
    description: 'down: its channels are unknown (source_down)',
  }),
  stateSince: Type.String(),
  connected: Type.Boolean(),
  lastMessageAt: Nullable(Type.String()),
  messages: Type.Integer(),
  messagesPerMinute: Type.Number(),
  rejectsPerMinute: Type.Number(),
  rejects: Type.Record(Type.String(), Type.Integer(), { description: 'bad input since the start, per kind' }),
  lastError: Nullable(Type.String()),
  lastErrorAt: Nullable(Type.String()),
  priority: Type.Integer(),
  heartbeat: Nullable(
    Type.Number({ description: 'per-channel heartbeat timeout (s); null: the source sends only changes' }),
  ),
  channels: Type.Integer({ description: 'channels whose state comes from this source now' }),
  claims: Type.Integer({ description: 'channels it has reported since the server started' }),
  repeatsDropped: Type.Integer(),
  overridden: Type.Integer({ description: 'reports held back because a source of higher precedence owns the channel' }),
  flapping: Type.Integer({ description: 'channels held because they flap' }),
  flappingEpisodes: Type.Integer(),
  settings: Type.Record(Type.String(), Type.Unknown(), { description: 'what it connects to; never a secret' }),
});

/** One channel of a wvp catalog import. */
export const CatalogRowSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  region: Type.String(),
  lon: Type.Number(),
  lat: Type.Number(),
  regionFrom: Type.String({ description: 'mapping | civil_code | gb_id | default' }),
  approximatePosition: Type.Boolean({ description: 'the platform gave no position: the region centre stands in' }),
});

/** Answer of POST /api/v1/sources/:id/sync-catalog: what the import adds and changes (or would, in a dry run). */
export const CatalogResultSchema = Type.Object({
  dryRun: Type.Boolean(),
  devices: Type.Integer(),
  channels: Type.Integer(),
  add: Type.Array(CatalogRowSchema),
  update: Type.Array(Type.Intersect([CatalogRowSchema, Type.Object({ changes: Type.Array(Type.String()) })])),
  unchanged: Type.Integer(),
  skipped: Type.Array(Type.Object({ id: Type.String(), name: Nullable(Type.String()), why: Type.String() })),
  applied: Type.Integer(),
});

/** What one source says about one channel. */
export const ClaimSchema = Type.Object({
  source: Type.String(),
  priority: Type.Integer(),
  up: Type.Boolean(),
  flapping: Type.Boolean(),
  status: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
  reason: Nullable(Type.Enum(CAMERA_REASONS)),
  at: Nullable(Type.String()),
  heardAt: Type.String(),
  inForce: Type.Boolean(),
});

/** GET /api/v1/sources. */
export const SourceListSchema = Type.Object({ sources: Type.Array(SourceViewSchema) });
/** GET /api/v1/sources/claims/:cameraId: every source's word on one channel, and whose is in force. */
export const ChannelClaimsParamsSchema = Type.Object({ cameraId: CameraIdSchema });
export const ChannelClaimsSchema = Type.Object({
  cameraId: Type.String(),
  owner: Nullable(Type.String()),
  claims: Type.Array(ClaimSchema),
});
/** Body of POST /api/v1/sources/:id/sync-catalog (optional: a dry run by default). */
export const CatalogSyncBodySchema = Type.Optional(
  Type.Object({ apply: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
);
/** POST /api/v1/sources/:id/hooks/:hook (ZLMediaKit's web hooks). */
export const HookParamsSchema = Type.Object({
  id: Type.String({ maxLength: 64 }),
  hook: Type.String({ maxLength: 64 }),
});
export const HookQuerySchema = Type.Object({ token: Type.Optional(Type.String({ maxLength: 4096 })) });
/** What a web hook answers (ZLMediaKit reads `code`; some hooks more). */
export const HookAnswerSchema = Type.Record(Type.String(), Type.Unknown());
