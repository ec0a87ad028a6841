import { PERIOD_KINDS, RANKING_METRICS, defaultDir, type PeriodKind, type RankingMetric } from '@zhihui/shared';

/** Ranking metrics and their sense come from shared/, the same list the server ranks by. */
export const METRICS = RANKING_METRICS;
export type Metric = RankingMetric;

/** The periods the picker offers, in the order it shows them. */
export const PICKER_KINDS = [
  'today',
  'this_week',
  'last_week',
  'this_half_month',
  'last_half_month',
  'this_month',
  'custom',
] as const satisfies readonly PeriodKind[];

export const TABS = ['cameras', 'clues', 'grid', 'notifications'] as const;
export type Tab = (typeof TABS)[number];
export const CLUE_FILTERS = ['all', 'open', 'overdue', 'done'] as const;
export type ClueFilter = (typeof CLUE_FILTERS)[number];

/**
 * Everything a meeting view shows besides its region, kept in the query string so a link pasted
 * into the minutes (会议纪要) reopens exactly this view.
 */
export interface MeetingState {
  period: PeriodKind;
  /** Custom period: first and last day (inclusive), yyyy-MM-dd. */
  from: string | null;
  last: string | null;
  sort: Metric;
  dir: 'asc' | 'desc';
  tab: Tab;
  clues: ClueFilter;
  /** A clue whose lifecycle is open. */
  clue: string | null;
}

export const DEFAULT_STATE: MeetingState = {
  period: 'last_week',
  from: null,
  last: null,
  sort: 'rate',
  dir: 'desc',
  tab: 'cameras',
  clues: 'all',
  clue: null,
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const pick = <T extends string>(v: string | null, allowed: readonly T[], d: T): T =>
  v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : d;

/** yyyy-MM-dd plus n days (calendar arithmetic on the date alone, no time zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Reads the view state from a query string; anything unknown falls back to the default. */
export function parseMeetingState(search: string): MeetingState {
  const q = new URLSearchParams(search);
  const sort = pick(q.get('sort'), METRICS, DEFAULT_STATE.sort);
  const from = q.get('from');
  const to = q.get('to');
  const custom = from !== null && DATE.test(from) && to !== null && DATE.test(to) && to > from;
  let period = pick(q.get('period'), PERIOD_KINDS, custom ? 'custom' : DEFAULT_STATE.period);
  if (period === 'custom' && !custom) period = DEFAULT_STATE.period;
  return {
    period,
    from: period === 'custom' ? from : null,
    // The URL carries the API's exclusive end; people pick and read the last day.
    last: period === 'custom' ? addDays(to!, -1) : null,
    sort,
    dir: pick(q.get('dir'), ['asc', 'desc'] as const, defaultDir(sort)),
    tab: pick(q.get('tab'), TABS, DEFAULT_STATE.tab),
    clues: pick(q.get('clues'), CLUE_FILTERS, DEFAULT_STATE.clues),
    clue: q.get('clue') || null,
  };
}

/** The period part of a query, as the server's routes take it. */
export function periodQuery(s: Pick<MeetingState, 'period' | 'from' | 'last'>): URLSearchParams {
  const q = new URLSearchParams();
  if (s.period === 'custom' && s.from && s.last) {
    q.set('period', 'custom');
    q.set('from', s.from);
    q.set('to', addDays(s.last, 1));
  } else q.set('period', s.period);
  return q;
}

/**
 * The query string of a view: period and sort always (a link in the minutes must not depend on
 * today's defaults), the drill-down choices only when they differ from the default.
 */
export function meetingSearch(s: MeetingState, extra: Record<string, string | null> = {}): string {
  const q = periodQuery(s);
  q.set('sort', s.sort);
  q.set('dir', s.dir);
  if (s.tab !== DEFAULT_STATE.tab) q.set('tab', s.tab);
  if (s.clues !== DEFAULT_STATE.clues) q.set('clues', s.clues);
  if (s.clue) q.set('clue', s.clue);
  for (const [k, v] of Object.entries(extra)) if (v !== null) q.set(k, v);
  return `?${q.toString()}`;
}

/** Clicking a column: a new metric starts best-first; the same one flips. */
export function nextSort(s: MeetingState, m: Metric): Pick<MeetingState, 'sort' | 'dir'> {
  if (s.sort === m) return { sort: m, dir: s.dir === 'asc' ? 'desc' : 'asc' };
  return { sort: m, dir: defaultDir(m) };
}
