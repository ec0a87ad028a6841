import { Type, type Static } from 'typebox';
import { Nullable, PageSchema, RegionCodeSchema } from './common.js';
import { DELIVERY_STATUSES, DeliverySchema } from './notifications.js';

/*
 * Notification channels and rules: the same schemas check the config file's `notifications:`
 * section (server/src/config/sections/notifications.ts) and what the admin API writes.
 */

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, Asia/Shanghai' });
export const NotifyIdSchema = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
  description: 'lower-case letters, digits, - and _',
});
const Mobile = Type.String({ pattern: '^\\+?\\d{5,20}$' });
const Mentions = Type.Object(
  {
    mobiles: Type.Optional(Type.Array(Mobile, { maxItems: 20, description: 'mobile numbers to @-mention' })),
    all: Type.Optional(Type.Boolean({ description: '@all (DingTalk isAtAll, WeCom @all)' })),
  },
  { additionalProperties: false },
);

export const CHANNEL_KINDS = ['dingtalk', 'wecom', 'webhook', 'email'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const NotifyChannelSchema = Type.Object(
  {
    id: NotifyIdSchema,
    kind: Type.Enum(CHANNEL_KINDS),
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'shown in the delivery log (default: the id)' }),
    ),
    region: Type.Optional(RegionCodeSchema),
    enabled: Type.Optional(Type.Boolean()),
    url: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s]+$',
        maxLength: 2000,
        description: 'robot or webhook URL (a secret: never shown in full)',
      }),
    ),
    secret: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description: 'DingTalk signing secret (SEC…) or the webhook HMAC key',
      }),
    ),
    keywords: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 32 }), {
        minItems: 1,
        maxItems: 10,
        description: 'DingTalk keyword mode: every message carries one',
      }),
    ),
    msgtype: Type.Optional(Type.Enum(['markdown', 'text'] as const)),
    mentions: Type.Optional(Mentions),
    ratePerMinute: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 600,
        description: 'messages a minute before the excess is merged (robots: 20)',
      }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 500, maximum: 60_000 })),
    retries: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10,
        description: 'further attempts after a failure, with backoff (default 4)',
      }),
    ),
    retryDelayMs: Type.Optional(
      Type.Integer({
        minimum: 50,
        maximum: 60_000,
        description: 'first backoff; it doubles each attempt, up to 60 s (default 1000)',
      }),
    ),
    smtp: Type.Optional(
      Type.Object(
        {
          host: Type.String({ minLength: 1, maxLength: 255 }),
          port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
          secure: Type.Optional(Type.Boolean()),
          user: Type.Optional(Type.String({ maxLength: 255 })),
          pass: Type.Optional(Type.String({ maxLength: 512 })),
        },
        { additionalProperties: false },
      ),
    ),
    from: Type.Optional(Type.String({ minLength: 3, maxLength: 255 })),
    to: Type.Optional(
      Type.Array(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 255 }), { minItems: 1, maxItems: 50 }),
    ),
  },
  { additionalProperties: false },
);
export type NotifyChannelConfig = Static<typeof NotifyChannelSchema>;

export const RULE_KINDS = [
  'urgent_clue',
  'clue_overdue',
  'township_rate',
  'channels_down',
  'source_down',
  'daily_digest',
  'weekly_report',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const NotifyRuleSchema = Type.Object(
  {
    id: Type.Optional(NotifyIdSchema),
    kind: Type.Enum(RULE_KINDS),
    region: RegionCodeSchema,
    channels: Type.Array(NotifyIdSchema, { minItems: 1, maxItems: 20 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    enabled: Type.Optional(Type.Boolean()),
    threshold: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'township_rate: operational rate below which it fires (0.85 = 85%)',
      }),
    ),
    minutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1440,
        description: 'township_rate / channels_down: how long the condition must hold',
      }),
    ),
    minDown: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100_000, description: 'channels_down: channels down in one township' }),
    ),
    repeatMinutes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10_080, description: 'reminder while still firing (0: none)' }),
    ),
    flapMinutes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1440, description: 'at most one message per subject per this many minutes' }),
    ),
    recovery: Type.Optional(Type.Boolean({ description: 'send a recovery message (default true)' })),
    ignoreQuietHours: Type.Optional(Type.Boolean()),
    categories: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 32 }), {
        minItems: 1,
        maxItems: 16,
        description: 'clue rules: only these categories',
      }),
    ),
    at: Type.Optional(HHMM),
    weekday: Type.Optional(Type.Integer({ minimum: 1, maximum: 7, description: 'weekly_report: 1 = Monday' })),
    workdaysOnly: Type.Optional(
      Type.Boolean({ description: 'digests: only on working days (weekly: the first working day from weekday on)' }),
    ),
    mentions: Type.Optional(Mentions),
  },
  { additionalProperties: false },
);
export type NotifyRuleConfig = Static<typeof NotifyRuleSchema>;

export const QuietHoursSchema = Type.Object(
  {
    from: HHMM,
    to: HHMM,
    nonWorkdays: Type.Optional(
      Type.Boolean({
        description: 'the whole of a non-working day (weekend or holiday; not a 调休 working day) is quiet too',
      }),
    ),
  },
  { additionalProperties: false },
);
export type QuietHours = Static<typeof QuietHoursSchema>;

export const CalendarOverrideSchema = Type.Object(
  {
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    workday: Type.Boolean(),
    note: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** A notification channel as the admin API shows it: URL and secret masked. */
export const ChannelViewSchema = Type.Object({
  id: Type.String(),
  kind: Type.Enum(CHANNEL_KINDS),
  name: Type.String(),
  region: Nullable(Type.String()),
  enabled: Type.Boolean(),
  origin: Type.Enum(['file', 'admin'] as const),
  url: Nullable(
    Type.String({ description: 'masked: scheme, host, path and the first characters of each query value' }),
  ),
  secret: Nullable(Type.String({ description: 'masked: first 3 characters and the length' })),
  keywords: Nullable(Type.Array(Type.String())),
  msgtype: Nullable(Type.String()),
  mentions: Nullable(Type.Object({ mobiles: Type.Array(Type.String()), all: Type.Boolean() })),
  ratePerMinute: Type.Integer(),
  smtp: Nullable(
    Type.Object({
      host: Type.String(),
      port: Nullable(Type.Integer()),
      secure: Type.Boolean(),
      user: Nullable(Type.String()),
      pass: Nullable(Type.String()),
    }),
  ),
  from: Nullable(Type.String()),
  to: Nullable(Type.Array(Type.String())),
});

/** A notification rule as the admin API shows it, and where it comes from. */
export const RuleViewSchema = Type.Object({
  ...NotifyRuleSchema.properties,
  id: Type.String(),
  origin: Type.Enum(['file', 'admin'] as const),
});
/** What became of a test message. */
export const DeliveryOutcomeSchema = Type.Object({
  id: Type.String(),
  status: Type.String(),
  via: Nullable(Type.String()),
  attempts: Type.Integer(),
  error: Nullable(Type.String()),
});
/** One day of the working-day override table. */
export const CalendarOverrideViewSchema = Type.Object({
  date: Type.String(),
  workday: Type.Boolean(),
  note: Nullable(Type.String()),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
/** One day of the working-day calendar. */
export const CalendarDaySchema = Type.Object({
  date: Type.String(),
  workday: Type.Boolean(),
  name: Nullable(Type.String()),
  source: Type.String(),
  known: Type.Boolean(),
});
/** Path naming a channel or rule. */
export const NotifyIdParamsSchema = Type.Object({ id: NotifyIdSchema });
/** Path naming a day (yyyy-MM-dd). */
export const DateParamsSchema = Type.Object({ date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) });
const RegionQuery = Type.Optional(
  Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$', description: 'region code (default: REGION)' }),
);

/** GET /api/v1/notifications/deliveries: query and one page. */
export const DeliveryQuerySchema = Type.Object({
  region: RegionQuery,
  channel: Type.Optional(NotifyIdSchema),
  status: Type.Optional(Type.Enum(DELIVERY_STATUSES)),
  from: Type.Optional(Type.String({ maxLength: 40 })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export const DeliveryPageSchema = PageSchema(DeliverySchema);
/** Query of GET /api/v1/notifications/alerts: the region (default: REGION). */
export const AlertsQuerySchema = Type.Object({ region: RegionQuery });
/** GET /api/v1/notifications/workdays: query and answer. */
export const WorkdaysQuerySchema = Type.Object({
  from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
});
export const WorkdaysSchema = Type.Object({ days: Type.Array(CalendarDaySchema) });
/** GET /api/v1/admin/notifications: channels, rules and quiet hours in force. */
export const NotifySettingsViewSchema = Type.Object({
  channels: Type.Array(ChannelViewSchema),
  rules: Type.Array(RuleViewSchema),
  quiet: Type.Boolean(),
  quietUntil: Nullable(Type.String()),
});
/** Bodies of PUT /api/v1/admin/notifications/channels/:id and /rules/:id (the id is the path's). */
export const ChannelPutSchema = Type.Omit(NotifyChannelSchema, ['id'], { additionalProperties: false });
export const RulePutSchema = Type.Omit(NotifyRuleSchema, ['id'], { additionalProperties: false });
/** A digest's message as it would be sent now. */
export const DigestPreviewSchema = Type.Object({
  title: Type.String(),
  headline: Type.String(),
  lines: Type.Array(Type.String()),
  link: Nullable(Type.String()),
});
/** GET /api/v1/admin/notifications/workdays/overrides. */
export const CalendarOverrideListSchema = Type.Object({ items: Type.Array(CalendarOverrideViewSchema) });
/** Body of PUT /api/v1/admin/notifications/workdays/overrides/:date. */
export const CalendarOverridePutSchema = Type.Object(
  { workday: Type.Boolean(), note: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
