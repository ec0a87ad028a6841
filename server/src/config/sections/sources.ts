import { Type, type Static } from 'typebox';

/**
 * `sources:` — the outside systems that report channel status (issue: camera status from the
 * platforms a centre already runs). Owned by server/src/sources; this first shape is the minimal
 * MQTT example of the issue and is refined there.
 */
export const SourceConfigSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'unique id, used in /api/v1/sources and metrics' }),
    kind: Type.Union([Type.Literal('mqtt'), Type.Literal('wvp'), Type.Literal('zlm'), Type.Literal('rtsp'), Type.Literal('rest')]),
  },
  { additionalProperties: true },
);

export const SourcesSectionSchema = Type.Array(SourceConfigSchema);
export type SourceConfig = Static<typeof SourceConfigSchema>;
