import { Type, type Static } from 'typebox';
import { WvpApiSchema } from './sources.js';

const RuleId = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
  description: 'unique id, named in logs and in /api/v1/video answers',
});

/** Which channels a rule serves: all when both are absent. */
const MatchSchema = Type.Object(
  {
    regions: Type.Optional(
      Type.Array(Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$' }), {
        minItems: 1,
        description: 'channels in these regions (their whole subtrees)',
      }),
    ),
    ids: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'regular expression the channel id must match' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * How the browser gets the stream: `proxy` (default) — through this server, so the platform's
 * address and any credentials in the URL stay here and the wall's CSP needs nothing new;
 * `direct` — the browser fetches the platform URL itself (no load on this server; the URL must
 * carry no credentials and its origin must be listed in `origins`).
 */
const DeliverSchema = Type.Union([Type.Literal('proxy'), Type.Literal('direct')]);
const FormatSchema = Type.Union([Type.Literal('flv'), Type.Literal('ts'), Type.Literal('hls')]);

/** A URL template per source, e.g. ZLMediaKit's `http://zlm:80/rtp/{id}.live.flv`. */
export const TemplateRuleSchema = Type.Object(
  {
    id: RuleId,
    kind: Type.Literal('template'),
    match: Type.Optional(MatchSchema),
    url: Type.String({
      minLength: 8,
      maxLength: 2000,
      pattern: '^(https?|wss?)://',
      description: 'play URL with {id} (also {region}); http(s) FLV, TS or HLS',
    }),
    format: Type.Optional(FormatSchema),
    snapshotUrl: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 2000,
        pattern: '^https?://',
        description: 'last-snapshot image URL with {id}, for offline channels',
      }),
    ),
    deliver: Type.Optional(DeliverSchema),
  },
  { additionalProperties: false },
);

/**
 * wvp-GB28181-pro's play API. The connection is the `api` of the `sources:` entry of kind `wvp`
 * named by `source` (the platform that also reports status), or an `api` of its own (a wvp used
 * for video only); this rule says which channels it plays and how.
 */
export const WvpRuleSchema = Type.Object(
  {
    id: RuleId,
    kind: Type.Literal('wvp'),
    source: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'id of a `sources:` entry of kind wvp whose `api` to use',
      }),
    ),
    api: Type.Optional(WvpApiSchema),
    match: Type.Optional(MatchSchema),
    /** `lookup` (default): find the device of a channel through wvp's device and channel lists; or a template such as `{id}` (cameras registered directly) or a fixed device id. */
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Which of wvp's answers to play, first present wins (default flv, hls, ts). */
    prefer: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Literal('flv'),
          Type.Literal('https_flv'),
          Type.Literal('hls'),
          Type.Literal('https_hls'),
          Type.Literal('ts'),
          Type.Literal('https_ts'),
        ]),
        { minItems: 1 },
      ),
    ),
    deliver: Type.Optional(DeliverSchema),
    /** Seconds to wait after the last viewer closed before /api/play/stop (a carousel coming back costs no new INVITE). */
    stopDelaySec: Type.Optional(Type.Number({ minimum: 0, maximum: 600 })),
    /** Last-snapshot path under baseUrl, with {deviceId} and {channelId}; empty string: none. */
    snapshotPath: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const VideoRuleSchema = Type.Union([TemplateRuleSchema, WvpRuleSchema]);

/**
 * `video:` — how play URLs are brokered and which channels the wall's key-channel panel shows.
 * Rules are tried in order after the channel's own inventory URL; the first that matches plays.
 */
export const VideoSectionSchema = Type.Object(
  {
    rules: Type.Optional(Type.Array(VideoRuleSchema, { maxItems: 100 })),
    /** Key channels (重点点位) per region code; a wall shows those of its own region or the nearest ancestor's list, within its subtree. */
    keyChannels: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$' }),
        Type.Array(Type.String({ pattern: '^[0-9A-Za-z_.:-]{1,64}$' }), { maxItems: 200 }),
      ),
    ),
    /** Seconds each key channel is shown (default 15). */
    keySec: Type.Optional(Type.Integer({ minimum: 3, maximum: 3600 })),
    /** Tiles playing at once on one screen (default 4: each player costs about 10 MiB). */
    maxTiles: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
    /** `auto` (default): a built-in demo stream plays for channels no rule serves while no rule is configured; `on`: for every unserved channel; `off`: never. */
    demo: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')])),
    /** Origins a `direct` rule's URLs live on (added to the page's CSP for media); checked against those URLs at start. */
    origins: Type.Optional(Type.Array(Type.String({ pattern: '^(https?|wss?)://[^/\\s]+$' }), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type VideoSection = Static<typeof VideoSectionSchema>;
export type VideoRule = Static<typeof VideoRuleSchema>;
export type TemplateRule = Static<typeof TemplateRuleSchema>;
export type WvpRule = Static<typeof WvpRuleSchema>;
