import { ErrorCode, type RegionTree } from '@zhihui/shared';
import {
  channelProblems,
  ruleProblems,
  type NotificationsSection,
  type NotifyChannelConfig,
  type NotifyRuleConfig,
} from '../config/sections/notifications.js';
import { HttpError } from '../domain/errors.js';
import type { NotifySetting } from '../store/types.js';
import { defaultRatePerMinute } from './channels/index.js';
import type { Rule } from './rules.js';
import { maskSecret, maskUrl } from './secrets.js';

/** A channel in force, with where it comes from. */
export interface Channel extends NotifyChannelConfig {
  origin: 'file' | 'admin';
}

/** A channel as the API shows it: secrets masked, never in full. */
export interface ChannelView {
  id: string;
  kind: Channel['kind'];
  name: string;
  region: string | null;
  enabled: boolean;
  origin: Channel['origin'];
  url: string | null;
  secret: string | null;
  keywords: string[] | null;
  msgtype: string | null;
  mentions: { mobiles: string[]; all: boolean } | null;
  ratePerMinute: number;
  smtp: { host: string; port: number | null; secure: boolean; user: string | null; pass: string | null } | null;
  from: string | null;
  to: string[] | null;
}

export function channelView(c: Channel): ChannelView {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name ?? c.id,
    region: c.region ?? null,
    enabled: c.enabled !== false,
    origin: c.origin,
    url: c.url ? maskUrl(c.url) : null,
    secret: c.secret ? maskSecret(c.secret) : null,
    keywords: c.keywords ?? null,
    msgtype: c.msgtype ?? null,
    mentions: c.mentions ? { mobiles: c.mentions.mobiles ?? [], all: c.mentions.all ?? false } : null,
    ratePerMinute: c.ratePerMinute ?? defaultRatePerMinute(c),
    smtp: c.smtp
      ? {
          host: c.smtp.host,
          port: c.smtp.port ?? null,
          secure: c.smtp.secure ?? false,
          user: c.smtp.user ?? null,
          pass: c.smtp.pass ? '***' : null,
        }
      : null,
    from: c.from ?? null,
    to: c.to ?? null,
  };
}

/** File rules without an id get one from their kind and region (and position, when those repeat). */
export function fileRuleIds(rules: readonly NotifyRuleConfig[]): Rule[] {
  const used = new Set(rules.map((r) => r.id).filter(Boolean));
  return rules.map((r, i) => {
    let id = r.id;
    if (!id) {
      id = `${r.kind.replace(/_/g, '-')}-${r.region}`;
      if (used.has(id)) id = `${id}-${i}`;
      used.add(id);
    }
    return { ...r, id, origin: 'file' as const };
  });
}

/** The channels and rules in force: the config file's, then the admin's (whose ids never clash with the file's). */
export function mergeSettings(
  file: NotificationsSection | undefined,
  stored: readonly NotifySetting[],
): { channels: Channel[]; rules: Rule[] } {
  const channels: Channel[] = (file?.channels ?? []).map((c) => ({ ...c, origin: 'file' }));
  const rules = fileRuleIds(file?.rules ?? []);
  const fileChannels = new Set(channels.map((c) => c.id));
  const fileRules = new Set(rules.map((r) => r.id));
  for (const s of stored) {
    if (s.kind === 'channel' && !fileChannels.has(s.id))
      channels.push({ ...(s.doc as unknown as NotifyChannelConfig), id: s.id, origin: 'admin' });
    if (s.kind === 'rule' && !fileRules.has(s.id))
      rules.push({ ...(s.doc as unknown as NotifyRuleConfig), id: s.id, origin: 'admin' });
  }
  return { channels, rules };
}

const badField = (problems: string[]): HttpError => {
  const details = problems.map((p) => {
    const i = p.indexOf(': ');
    return { field: p.slice(0, i), message: p.slice(i + 2) };
  });
  return new HttpError(400, ErrorCode.validation, problems[0]!, details);
};

/**
 * A channel written through the admin API, checked as the config file's are. A url or secret left
 * out keeps the stored one (the API never shows them, so an edit need not repeat them).
 */
export function checkChannelWrite(body: NotifyChannelConfig, existing: Channel | undefined): NotifyChannelConfig {
  if (existing?.origin === 'file')
    throw new HttpError(
      409,
      ErrorCode.conflict,
      `channel '${body.id}' comes from the config file (ZHIHUI_CONFIG): change it there`,
    );
  const merged: NotifyChannelConfig = { ...body };
  if (existing && existing.kind === body.kind) {
    for (const k of ['url', 'secret'] as const)
      if (merged[k] === undefined && existing[k] !== undefined) merged[k] = existing[k];
    if (merged.smtp && existing.smtp && merged.smtp.pass === undefined && existing.smtp.pass !== undefined)
      merged.smtp = { ...merged.smtp, pass: existing.smtp.pass };
  }
  const problems = channelProblems(merged, '');
  if (problems.length > 0) throw badField(problems);
  return merged;
}

/** A rule written through the admin API: per-kind keys, channels that exist, a region that exists. */
export function checkRuleWrite(
  body: NotifyRuleConfig,
  existing: Rule | undefined,
  channels: readonly Channel[],
  tree: RegionTree,
): NotifyRuleConfig {
  if (existing?.origin === 'file')
    throw new HttpError(
      409,
      ErrorCode.conflict,
      `rule '${body.id}' comes from the config file (ZHIHUI_CONFIG): change it there`,
    );
  const problems = ruleProblems(body, '', new Set(channels.map((c) => c.id)));
  if (!tree.byCode.has(body.region)) problems.unshift(`region: unknown region code '${body.region}'`);
  if (problems.length > 0) throw badField(problems);
  return body;
}
