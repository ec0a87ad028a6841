import { Type, type Static, type TSchema } from 'typebox';
import { CAMERA_REASONS, CLUE_CATEGORIES } from '@zhihui/shared';

/**
 * `sources:` — the outside systems that report channel status (wvp-GB28181-pro, ZLMediaKit hooks,
 * MQTT, RTSP probes, and the REST API itself). One entry per source; `kind` picks the schema of
 * the rest of the entry. Read by server/src/sources; the README's "Connecting your video platform"
 * shows a working entry per kind.
 */

const Id = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
  description: 'unique id: /api/v1/sources/<id>, metrics label, actor source:<id>',
});
const Seconds = (description: string, minimum = 1) => Type.Number({ minimum, maximum: 86_400, description });
const Secret = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 4096,
    description: `${description} (a secret: never returned by the API nor logged)`,
  });
const Url = (schemes: string, description: string) => Type.String({ pattern: `^(${schemes})://[^\\s]+$`, description });
const Reason = Type.Enum(CAMERA_REASONS);

/** Keys every kind has. */
const common = {
  id: Id,
  name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 80,
      description: 'display name (zh-CN), e.g. 栾城区视频平台; defaults to the id',
    }),
  ),
  priority: Type.Optional(
    Type.Integer({
      minimum: -100,
      maximum: 100,
      description: 'precedence where several sources cover a channel: the higher wins while it is up (default 0)',
    }),
  ),
  heartbeat: Type.Optional(
    Type.Union(
      [
        Seconds('per-channel silence, in seconds, after which a channel it reports becomes unknown'),
        Type.Literal(false),
        Type.Literal('off'),
      ],
      {
        description:
          'per-channel heartbeat timeout; off for sources that send only changes (their liveness is the connection)',
      },
    ),
  ),
  downAfter: Type.Optional(
    Seconds('seconds a lost connection (or missed keepalive) must last before the source counts as down (default 10)'),
  ),
  flapping: Type.Optional(
    Type.Object(
      {
        changes: Type.Integer({ minimum: 1, maximum: 1000, description: 'more than this many changes …' }),
        minutes: Type.Number({
          minimum: 0.1,
          maximum: 1440,
          description: '… within this many minutes hold the channel (default 4 in 10)',
        }),
      },
      { additionalProperties: false },
    ),
  ),
};

/** How an MQTT payload becomes a status (the default reads online/offline, ON/OFF, 1/0, true/false). */
const PayloadSchema = Type.Object(
  {
    json: Type.Optional(
      Type.Object(
        {
          status: Type.String({
            minLength: 1,
            description: 'dot path of the status in a JSON payload, e.g. state or data.status',
          }),
          reason: Type.Optional(Type.String({ minLength: 1, description: 'dot path of the reason' })),
          at: Type.Optional(
            Type.String({ minLength: 1, description: 'dot path of the time (ISO 8601, or epoch seconds/ms)' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    online: Type.Optional(
      Type.Array(Type.String(), { minItems: 1, description: 'values meaning online (case-insensitive)' }),
    ),
    offline: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'values meaning offline' })),
    ignore: Type.Optional(
      Type.Array(Type.String(), { description: 'values that say nothing about the status (Frigate: disabled)' }),
    ),
    reasons: Type.Optional(Type.Record(Type.String(), Reason, { description: 'payload reason value → Zhihui reason' })),
  },
  { additionalProperties: false },
);

const IdsSchema = Type.Object(
  {
    map: Type.Optional(
      Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 64 }), {
        description: 'captured name → channel id (Frigate camera names)',
      }),
    ),
    prefix: Type.Optional(Type.String({ maxLength: 40, description: 'prepended to a captured id' })),
    unmapped: Type.Optional(
      Type.Union([Type.Literal('reject'), Type.Literal('as-is')], {
        description: 'a name missing from map: rejected (default when map is given) or used as the id',
      }),
    ),
  },
  { additionalProperties: false },
);

export const MqttSourceSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('mqtt'),
    url: Url('mqtts?|wss?|tcp|ssl', 'broker URL, e.g. mqtt://127.0.0.1:1883'),
    preset: Type.Optional(
      Type.Union([Type.Literal('frigate'), Type.Literal('homeassistant')], {
        description: 'frigate: frigate/{id}/status/detect + frigate/available; homeassistant: availability payloads',
      }),
    ),
    topic: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 200,
        description: 'topic template with one {id} segment, e.g. cameras/{id}/status',
      }),
    ),
    topics: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 200 }), { minItems: 1, maxItems: 20 })),
    topicPrefix: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Frigate topic_prefix (default frigate)' }),
    ),
    availability: Type.Optional(
      Type.Object(
        {
          topic: Type.String({ minLength: 1, maxLength: 200, description: "the bridge's last-will topic" }),
          online: Type.Optional(Type.String()),
          offline: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    payload: Type.Optional(PayloadSchema),
    ids: Type.Optional(IdsSchema),
    username: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.Optional(Secret('broker password')),
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    qos: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)], { description: 'subscription QoS (default 1)' })),
  },
  { additionalProperties: false },
);

/** wvp-GB28181-pro's REST API: base URL and how to authenticate (also read by the video capability for play URLs). */
export const WvpApiSchema = Type.Object(
  {
    url: Url('https?', 'base URL of wvp, e.g. http://10.0.0.5:18080'),
    apiKey: Type.Optional(Secret('sent as the api-key header')),
    accessToken: Type.Optional(Secret('a JWT sent as the access-token header')),
    username: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'log in with /api/user/login when no key or token is given',
      }),
    ),
    password: Type.Optional(Secret('wvp password (sent MD5-hashed, as wvp expects)')),
    timeout: Type.Optional(Seconds('request timeout (default 10)')),
  },
  { additionalProperties: false },
);

export const WvpSourceSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('wvp'),
    redis: Type.Object(
      {
        url: Url('rediss?', "wvp's Redis, e.g. redis://10.0.0.5:6379/0"),
        channel: Type.Optional(
          Type.String({
            minLength: 1,
            description: 'status channel (default device; wvp setting device-status-notify: true)',
          }),
        ),
        alarmChannel: Type.Optional(Type.String({ minLength: 1, description: 'alarm channel (default alarm)' })),
      },
      { additionalProperties: false },
    ),
    api: Type.Optional(WvpApiSchema),
    reconcile: Type.Optional(Seconds('seconds between REST reconciliations (default 300)', 5)),
    keepaliveCheck: Type.Optional(
      Type.Boolean({
        description:
          'a device wvp shows online whose keepalive is older than heartBeatInterval × heartBeatCount counts as offline (default true)',
      }),
    ),
    alarm: Type.Optional(
      Type.Object(
        {
          clues: Type.Optional(
            Type.Boolean({ description: 'each alarm becomes a clue (source video) in the channel’s region' }),
          ),
          category: Type.Optional(Type.Enum(CLUE_CATEGORIES)),
          reasons: Type.Optional(
            Type.Record(Type.String({ pattern: '^\\d+$' }), Reason, {
              description: 'alarmType → the channel goes offline with this reason',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    catalog: Type.Optional(
      Type.Object(
        {
          regions: Type.Optional(
            Type.Record(
              Type.String({ pattern: '^\\d{2,12}$' }),
              Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$' }),
              { description: 'civil code (or its prefix) → region code, for codes that are not NBS codes' },
            ),
          ),
          defaultRegion: Type.Optional(
            Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$', description: 'region for channels no rule places' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ZlmSourceSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('zlm'),
    secret: Type.Optional(Secret('shared secret: hook URLs carry it as ?token=')),
    allow: Type.Optional(
      Type.Array(Type.String({ minLength: 2, maxLength: 64 }), {
        minItems: 1,
        description: 'addresses or CIDRs allowed to post hooks',
      }),
    ),
    mediaServerId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: "accept hooks of this media server only (ZLMediaKit's general.mediaServerId)",
      }),
    ),
    keepalive: Type.Optional(
      Seconds("ZLMediaKit's hook.alive_interval (default 10): silent for 3 × this is a source down"),
    ),
    streams: Type.Optional(
      Type.Array(
        Type.Object(
          {
            app: Type.Optional(Type.String({ minLength: 1, description: 'only streams of this app' })),
            match: Type.String({
              minLength: 1,
              maxLength: 200,
              description: 'regular expression on the stream name; named groups feed id',
            }),
            id: Type.String({
              minLength: 1,
              maxLength: 100,
              description: 'channel id template, e.g. {channel} or {0}',
            }),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 1,
          description:
            "stream → channel id rules, first match wins (default: wvp's rtp/<deviceId>_<channelId>, then the stream name itself)",
        },
      ),
    ),
    unregister: Type.Optional(
      Type.Union([Type.Literal('offline'), Type.Literal('ignore')], {
        description: 'a stream going away: offline (reason no_stream) or ignore (on-demand streams); default offline',
      }),
    ),
    api: Type.Optional(
      Type.Object(
        {
          url: Url('https?', 'ZLMediaKit HTTP API, e.g. http://10.0.0.6:80'),
          secret: Secret("ZLMediaKit's api.secret"),
        },
        { additionalProperties: false, description: 'reconcile through getMediaList when the media server comes back' },
      ),
    ),
  },
  { additionalProperties: false },
);

const RtspCameraSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9A-Za-z_.:-]{1,64}$', description: 'channel id' }),
    url: Url('rtsp', 'rtsp://host[:port]/path; credentials in the URL are taken out and kept secret'),
    username: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.Optional(Secret('camera password')),
  },
  { additionalProperties: false },
);

export const RtspSourceSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('rtsp'),
    cameras: Type.Array(RtspCameraSchema, { minItems: 1, maxItems: 100_000 }),
    username: Type.Optional(
      Type.String({ maxLength: 200, description: 'default login for cameras without their own' }),
    ),
    password: Type.Optional(Secret('default camera password')),
    interval: Type.Optional(Seconds('seconds between probes of one camera (default 60)', 5)),
    timeout: Type.Optional(Seconds('seconds a probe may take (default 5)')),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 256, description: 'probes at once (default 8)' })),
    maxBackoff: Type.Optional(Seconds('longest wait between probes of a failing camera (default 900)', 5)),
  },
  { additionalProperties: false },
);

/** The REST API as a source: only its heartbeat timeout and precedence are set here. */
export const RestSourceSchema = Type.Object(
  {
    ...common,
    kind: Type.Literal('rest'),
  },
  { additionalProperties: false },
);

export const SOURCE_KIND_SCHEMAS = {
  mqtt: MqttSourceSchema,
  wvp: WvpSourceSchema,
  zlm: ZlmSourceSchema,
  rtsp: RtspSourceSchema,
  rest: RestSourceSchema,
} as const satisfies Record<string, TSchema>;
export type SourceKind = keyof typeof SOURCE_KIND_SCHEMAS;
export const SOURCE_KINDS = Object.keys(SOURCE_KIND_SCHEMAS) as SourceKind[];

/**
 * The loose shape the config file checks first (id and kind); each entry is then checked against
 * its kind's schema by sourcesSectionProblems, so an error names the key of that kind.
 */
export const SourcesSectionSchema = Type.Array(
  Type.Object(
    { id: Id, kind: Type.Enum(SOURCE_KINDS, { description: SOURCE_KINDS.join(' | ') }) },
    { additionalProperties: true },
  ),
);

export type MqttSourceConfig = Static<typeof MqttSourceSchema>;
export type WvpSourceConfig = Static<typeof WvpSourceSchema>;
export type WvpApiConfig = Static<typeof WvpApiSchema>;
export type ZlmSourceConfig = Static<typeof ZlmSourceSchema>;
export type RtspSourceConfig = Static<typeof RtspSourceSchema>;
export type RestSourceConfig = Static<typeof RestSourceSchema>;
/** One checked entry of `sources:`. */
export type SourceConfig = MqttSourceConfig | WvpSourceConfig | ZlmSourceConfig | RtspSourceConfig | RestSourceConfig;
export type SourcesSection = SourceConfig[];

/**
 * Problems of a `sources:` list that passed the loose shape: each entry against its kind's schema
 * (`check` formats them, prefixed `sources/<i>`), then what a schema cannot say.
 */
export function sourcesSectionProblems(
  list: readonly { id: string; kind: SourceKind }[],
  check: (schema: TSchema, value: unknown, prefix: string) => string[],
): string[] {
  const out: string[] = [];
  const ids = new Map<string, number>();
  list.forEach((entry, i) => {
    const at = `sources/${i}`;
    const problems = check(SOURCE_KIND_SCHEMAS[entry.kind], entry, at);
    out.push(...problems);
    const first = ids.get(entry.id);
    if (first !== undefined) out.push(`${at}/id: '${entry.id}' is already the id of sources/${first}`);
    else ids.set(entry.id, i);
    if (problems.length === 0) out.push(...semanticProblems(entry as SourceConfig, at));
  });
  if (list.filter((s) => s.kind === 'rest').length > 1) out.push('sources: at most one entry of kind rest');
  return out;
}

function semanticProblems(s: SourceConfig, at: string): string[] {
  switch (s.kind) {
    case 'mqtt': {
      const topics = s.topics ?? (s.topic ? [s.topic] : []);
      if (topics.length === 0 && s.preset !== 'frigate')
        return [`${at}/topic: is required (a template such as cameras/{id}/status)`];
      const bad = topics.findIndex((t) => t.split('/').filter((seg) => seg === '{id}').length !== 1 || /[#]/.test(t));
      if (bad >= 0)
        return [`${s.topics ? `${at}/topics/${bad}` : `${at}/topic`}: needs exactly one {id} segment and no #`];
      return [];
    }
    case 'zlm': {
      if (!s.secret && !s.allow) return [`${at}/secret: is required (or allow: a list of addresses)`];
      const rule = (s.streams ?? []).findIndex((r) => !validRegExp(r.match));
      return rule >= 0 ? [`${at}/streams/${rule}/match: not a valid regular expression`] : [];
    }
    case 'wvp': {
      const a = s.api;
      if (a && a.username !== undefined && a.password === undefined)
        return [`${at}/api/password: is required with api/username`];
      return [];
    }
    default:
      return [];
  }
}

function validRegExp(src: string): boolean {
  try {
    new RegExp(src);
    return true;
  } catch {
    return false;
  }
}
