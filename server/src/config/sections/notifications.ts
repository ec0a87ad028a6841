import { Type, type Static } from 'typebox';

/**
 * `notifications:` — where alerts go (channels), what raises them (rules), when people may be
 * disturbed (quiet hours, China's working-day calendar with admin overrides) and how the wall
 * announces them. Owned by the notifications capability (server/src/notify). The same schemas
 * check channels and rules written through the admin API.
 */

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, Asia/Shanghai' });
const RegionCode = Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$', description: 'region code (6, 9 or 12 digits)' });
export const NotifyIdSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'lower-case letters, digits, - and _' });
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
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'shown in the delivery log (default: the id)' })),
    region: Type.Optional(RegionCode),
    enabled: Type.Optional(Type.Boolean()),
    url: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000, description: 'robot or webhook URL (a secret: never shown in full)' })),
    secret: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'DingTalk signing secret (SEC…) or the webhook HMAC key' })),
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 10, description: 'DingTalk keyword mode: every message carries one' })),
    msgtype: Type.Optional(Type.Enum(['markdown', 'text'] as const)),
    mentions: Type.Optional(Mentions),
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 600, description: 'messages a minute before the excess is merged (robots: 20)' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 500, maximum: 60_000 })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'further attempts after a failure, with backoff (default 4)' })),
    retryDelayMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 60_000, description: 'first backoff; it doubles each attempt, up to 60 s (default 1000)' })),
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
    to: Type.Optional(Type.Array(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 255 }), { minItems: 1, maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type NotifyChannelConfig = Static<typeof NotifyChannelSchema>;

export const RULE_KINDS = ['urgent_clue', 'clue_overdue', 'township_rate', 'channels_down', 'source_down', 'daily_digest', 'weekly_report'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const NotifyRuleSchema = Type.Object(
  {
    id: Type.Optional(NotifyIdSchema),
    kind: Type.Enum(RULE_KINDS),
    region: RegionCode,
    channels: Type.Array(NotifyIdSchema, { minItems: 1, maxItems: 20 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    enabled: Type.Optional(Type.Boolean()),
    threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'township_rate: operational rate below which it fires (0.85 = 85%)' })),
    minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440, description: 'township_rate / channels_down: how long the condition must hold' })),
    minDown: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'channels_down: channels down in one township' })),
    repeatMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_080, description: 'reminder while still firing (0: none)' })),
    flapMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440, description: 'at most one message per subject per this many minutes' })),
    recovery: Type.Optional(Type.Boolean({ description: 'send a recovery message (default true)' })),
    ignoreQuietHours: Type.Optional(Type.Boolean()),
    categories: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 16, description: 'clue rules: only these categories' })),
    at: Type.Optional(HHMM),
    weekday: Type.Optional(Type.Integer({ minimum: 1, maximum: 7, description: 'weekly_report: 1 = Monday' })),
    workdaysOnly: Type.Optional(Type.Boolean({ description: 'digests: only on working days (weekly: the first working day from weekday on)' })),
    mentions: Type.Optional(Mentions),
  },
  { additionalProperties: false },
);
export type NotifyRuleConfig = Static<typeof NotifyRuleSchema>;

export const QuietHoursSchema = Type.Object(
  {
    from: HHMM,
    to: HHMM,
    nonWorkdays: Type.Optional(Type.Boolean({ description: 'the whole of a non-working day (weekend or holiday; not a 调休 working day) is quiet too' })),
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

export const NotificationsSectionSchema = Type.Object(
  {
    evaluateEverySec: Type.Optional(Type.Integer({ minimum: 1, maximum: 300, description: 'how often rates, channels down and overdue clues are judged (default 15)' })),
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500, description: 'public URL of this server, for links in messages' })),
    quietHours: Type.Optional(QuietHoursSchema),
    announce: Type.Optional(
      Type.Object({ minIntervalSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })) }, { additionalProperties: false, description: 'the wall: at most one announcement per this many seconds' }),
    ),
    channels: Type.Optional(Type.Array(NotifyChannelSchema, { maxItems: 200 })),
    rules: Type.Optional(Type.Array(NotifyRuleSchema, { maxItems: 1000 })),
    calendar: Type.Optional(Type.Object({ overrides: Type.Optional(Type.Array(CalendarOverrideSchema, { maxItems: 400 })) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type NotificationsSection = Static<typeof NotificationsSectionSchema>;

/** Keys each channel kind needs, and keys that mean nothing for it. */
const CHANNEL_NEEDS: Record<ChannelKind, { required: string[]; foreign: string[] }> = {
  dingtalk: { required: ['url'], foreign: ['smtp', 'from', 'to'] },
  wecom: { required: ['url'], foreign: ['smtp', 'from', 'to', 'secret', 'keywords'] },
  webhook: { required: ['url', 'secret'], foreign: ['smtp', 'from', 'to', 'keywords', 'msgtype', 'mentions'] },
  email: { required: ['smtp', 'from', 'to'], foreign: ['url', 'secret', 'keywords', 'msgtype', 'mentions'] },
};

const RULE_KEYS: Record<RuleKind, { required: string[]; allowed: string[] }> = {
  urgent_clue: { required: [], allowed: ['categories', 'recovery', 'ignoreQuietHours', 'mentions'] },
  clue_overdue: { required: [], allowed: ['categories', 'recovery', 'ignoreQuietHours', 'mentions'] },
  township_rate: { required: ['threshold'], allowed: ['threshold', 'minutes', 'repeatMinutes', 'flapMinutes', 'recovery', 'ignoreQuietHours', 'mentions'] },
  channels_down: { required: ['minDown'], allowed: ['minDown', 'minutes', 'repeatMinutes', 'flapMinutes', 'recovery', 'ignoreQuietHours', 'mentions'] },
  source_down: { required: [], allowed: ['minutes', 'repeatMinutes', 'flapMinutes', 'recovery', 'ignoreQuietHours', 'mentions'] },
  daily_digest: { required: [], allowed: ['at', 'workdaysOnly', 'mentions'] },
  weekly_report: { required: [], allowed: ['at', 'weekday', 'workdaysOnly', 'mentions'] },
};
const COMMON_RULE_KEYS = new Set(['id', 'kind', 'region', 'channels', 'name', 'enabled']);

/** Problems of one channel beyond its schema, as `path: message` (path relative to `at`). */
export function channelProblems(c: NotifyChannelConfig, at: string): string[] {
  const needs = CHANNEL_NEEDS[c.kind];
  const out: string[] = [];
  const rec = c as Record<string, unknown>;
  for (const k of needs.required) if (rec[k] === undefined) out.push(`${at}${k}: is required for kind ${c.kind}`);
  for (const k of needs.foreign) if (rec[k] !== undefined) out.push(`${at}${k}: does not apply to kind ${c.kind}`);
  if (c.kind === 'dingtalk' && c.secret !== undefined && !c.secret.startsWith('SEC')) out.push(`${at}secret: a DingTalk signing secret starts with SEC`);
  return out;
}

/** Problems of one rule beyond its schema; `channelIds` are the channels it may name. */
export function ruleProblems(r: NotifyRuleConfig, at: string, channelIds: ReadonlySet<string>): string[] {
  const keys = RULE_KEYS[r.kind];
  const out: string[] = [];
  const rec = r as Record<string, unknown>;
  for (const k of keys.required) if (rec[k] === undefined) out.push(`${at}${k}: is required for kind ${r.kind}`);
  for (const k of Object.keys(rec)) if (!COMMON_RULE_KEYS.has(k) && !keys.allowed.includes(k)) out.push(`${at}${k}: does not apply to kind ${r.kind}`);
  r.channels.forEach((id, i) => {
    if (!channelIds.has(id)) out.push(`${at}channels/${i}: unknown channel '${id}'`);
  });
  return out;
}

/**
 * What the schema cannot say about a whole section: per-kind keys, unique ids, rules naming
 * channels that exist, quiet hours that are a span. Paths start with `notifications/`.
 */
export function notificationsProblems(s: NotificationsSection | undefined): string[] {
  if (!s) return [];
  const out: string[] = [];
  const ids = new Set<string>();
  (s.channels ?? []).forEach((c, i) => {
    const at = `notifications/channels/${i}/`;
    if (ids.has(c.id)) out.push(`${at}id: '${c.id}' is used twice`);
    ids.add(c.id);
    out.push(...channelProblems(c, at));
  });
  const ruleIds = new Set<string>();
  (s.rules ?? []).forEach((r, i) => {
    const at = `notifications/rules/${i}/`;
    if (r.id !== undefined) {
      if (ruleIds.has(r.id)) out.push(`${at}id: '${r.id}' is used twice`);
      ruleIds.add(r.id);
    }
    out.push(...ruleProblems(r, at, ids));
  });
  if (s.quietHours && s.quietHours.from === s.quietHours.to) out.push('notifications/quietHours/to: must differ from from');
  const days = new Set<string>();
  (s.calendar?.overrides ?? []).forEach((o, i) => {
    if (!isRealDate(o.date)) out.push(`notifications/calendar/overrides/${i}/date: '${o.date}' is not a calendar date`);
    if (days.has(o.date)) out.push(`notifications/calendar/overrides/${i}/date: '${o.date}' is listed twice`);
    days.add(o.date);
  });
  return out;
}

/** yyyy-MM-dd that names a real day (not 2026-02-30). */
export function isRealDate(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === day;
}
