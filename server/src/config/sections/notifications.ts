import { Type, type Static } from 'typebox';
import {
  NotifyIdSchema,
  CHANNEL_KINDS,
  NotifyChannelSchema,
  RULE_KINDS,
  NotifyRuleSchema,
  QuietHoursSchema,
  CalendarOverrideSchema,
  type ChannelKind,
  type NotifyChannelConfig,
  type RuleKind,
  type NotifyRuleConfig,
  type QuietHours,
} from '@zhihui/shared';

// The channel and rule schemas are part of the REST contract too (shared/src/schemas/notifySettings.ts).
export {
  NotifyIdSchema,
  CHANNEL_KINDS,
  NotifyChannelSchema,
  RULE_KINDS,
  NotifyRuleSchema,
  QuietHoursSchema,
  CalendarOverrideSchema,
};
export type { ChannelKind, NotifyChannelConfig, RuleKind, NotifyRuleConfig, QuietHours };

/**
 * `notifications:` — where alerts go (channels), what raises them (rules), when people may be
 * disturbed (quiet hours, China's working-day calendar with admin overrides) and how the wall
 * announces them. Owned by the notifications capability (server/src/notify). The same schemas
 * check channels and rules written through the admin API.
 */

export const NotificationsSectionSchema = Type.Object(
  {
    evaluateEverySec: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 300,
        description: 'how often rates, channels down and overdue clues are judged (default 15)',
      }),
    ),
    baseUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s]+$',
        maxLength: 500,
        description: 'public URL of this server, for links in messages',
      }),
    ),
    quietHours: Type.Optional(QuietHoursSchema),
    announce: Type.Optional(
      Type.Object(
        { minIntervalSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })) },
        { additionalProperties: false, description: 'the wall: at most one announcement per this many seconds' },
      ),
    ),
    channels: Type.Optional(Type.Array(NotifyChannelSchema, { maxItems: 200 })),
    rules: Type.Optional(Type.Array(NotifyRuleSchema, { maxItems: 1000 })),
    calendar: Type.Optional(
      Type.Object(
        { overrides: Type.Optional(Type.Array(CalendarOverrideSchema, { maxItems: 400 })) },
        { additionalProperties: false },
      ),
    ),
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
  township_rate: {
    required: ['threshold'],
    allowed: ['threshold', 'minutes', 'repeatMinutes', 'flapMinutes', 'recovery', 'ignoreQuietHours', 'mentions'],
  },
  channels_down: {
    required: ['minDown'],
    allowed: ['minDown', 'minutes', 'repeatMinutes', 'flapMinutes', 'recovery', 'ignoreQuietHours', 'mentions'],
  },
  source_down: {
    required: [],
    allowed: ['minutes', 'repeatMinutes', 'flapMinutes', 'recovery', 'ignoreQuietHours', 'mentions'],
  },
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
  if (c.kind === 'dingtalk' && c.secret !== undefined && !c.secret.startsWith('SEC'))
    out.push(`${at}secret: a DingTalk signing secret starts with SEC`);
  return out;
}

/** Problems of one rule beyond its schema; `channelIds` are the channels it may name. */
export function ruleProblems(r: NotifyRuleConfig, at: string, channelIds: ReadonlySet<string>): string[] {
  const keys = RULE_KEYS[r.kind];
  const out: string[] = [];
  const rec = r as Record<string, unknown>;
  for (const k of keys.required) if (rec[k] === undefined) out.push(`${at}${k}: is required for kind ${r.kind}`);
  for (const k of Object.keys(rec))
    if (!COMMON_RULE_KEYS.has(k) && !keys.allowed.includes(k)) out.push(`${at}${k}: does not apply to kind ${r.kind}`);
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
  if (s.quietHours && s.quietHours.from === s.quietHours.to)
    out.push('notifications/quietHours/to: must differ from from');
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
