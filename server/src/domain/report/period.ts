import {
  DOMAIN_LABELS,
  PERIOD_KINDS,
  periodOf,
  previousPeriod,
  shanghaiDate,
  type Period,
  type PeriodKind,
} from '@zhihui/shared';
import { fieldError } from '../errors.js';
import { periodFromQuery } from '../time.js';

/** What the dispatch meeting opens on when the URL names no period: the last full week (每周一汇报). */
export const DEFAULT_PERIOD_KIND: Exclude<PeriodKind, 'custom'> = 'last_week';

/** A resolved reporting period and the one it is compared with. */
export interface ResolvedPeriod {
  kind: PeriodKind;
  period: Period;
  previous: Period;
}

/**
 * `?period=<kind>` or `?from=&to=` (custom; bare dates are Shanghai midnights, `to` exclusive).
 * Every kind is computed in Asia/Shanghai by the shared period functions, whatever the host's zone.
 */
export function resolvePeriod(q: { period?: string; from?: string; to?: string }, now: number): ResolvedPeriod {
  const kind = q.period === undefined || q.period === '' ? (q.from ? 'custom' : DEFAULT_PERIOD_KIND) : q.period;
  if (!(PERIOD_KINDS as readonly string[]).includes(kind))
    throw fieldError('period', `'${kind}' is not one of ${PERIOD_KINDS.join(', ')}`);
  let period: Period;
  if (kind === 'custom') {
    if (!q.from) throw fieldError('from', 'is required for a custom period');
    period = periodFromQuery(q.from, q.to, now);
  } else {
    period = periodOf(kind as Exclude<PeriodKind, 'custom'>, now);
  }
  return { kind: kind as PeriodKind, period, previous: previousPeriod(period) };
}

export function periodNameZh(kind: PeriodKind): string {
  return DOMAIN_LABELS.period['zh-CN'][kind];
}

/** First and last calendar day of [from, to) in Shanghai (the end is inclusive, as people read it). */
export function periodDays(p: Period): { first: string; last: string } {
  return { first: shanghaiDate(p.from), last: shanghaiDate(Date.parse(p.to) - 1) };
}

const zhDate = (d: string): string => `${d.slice(0, 4)}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/** "2026年11月16日至2026年11月22日", or one day when the period is a single day. */
export function periodTextZh(p: Period): string {
  const { first, last } = periodDays(p);
  return first === last ? zhDate(first) : `${zhDate(first)}至${zhDate(last)}`;
}

/** "2026-11-16至2026-11-22", for file names. */
export function periodSlug(p: Period): string {
  const { first, last } = periodDays(p);
  return first === last ? first : `${first}至${last}`;
}
