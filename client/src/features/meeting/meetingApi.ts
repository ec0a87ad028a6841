import type {
  ChannelOutage,
  Clue,
  ClueEvent,
  ErrorBody,
  GridActivity,
  Ranking,
  Region,
  VillageBoard,
} from '@zhihui/shared';
import { ApiError } from '../../lib/api';

export type { MetricValues, Ranking, GridActivity } from '@zhihui/shared';
/** A channel's downtime in the period, as the outages route sends it. */
export type Outage = ChannelOutage;

export interface RegionInfo {
  region: Region;
  path: Region[];
  children: Region[];
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let body: Partial<ErrorBody> = {};
    try {
      body = (await res.json()) as ErrorBody;
    } catch {
      /* not JSON: keep the status */
    }
    throw new ApiError(res.status, body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? res.statusText);
  }
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export const meetingApi = {
  region: (code: string, signal?: AbortSignal) => getJson<RegionInfo>(`/api/v1/regions/${enc(code)}`, signal),
  ranking: (code: string, query: string, signal?: AbortSignal) =>
    getJson<Ranking>(`/api/v1/regions/${enc(code)}/ranking?${query}`, signal),
  outages: (code: string, period: string, signal?: AbortSignal) =>
    getJson<{ total: number; items: Outage[] }>(`/api/v1/regions/${enc(code)}/outages?${period}&limit=200`, signal),
  grid: (code: string, period: string, signal?: AbortSignal) =>
    getJson<GridActivity>(`/api/v1/regions/${enc(code)}/grid-activity?${period}&limit=100`, signal),
  clues: (code: string, from: string, to: string, extra: string, signal?: AbortSignal) =>
    getJson<{ items: Clue[]; nextCursor: string | null }>(
      `/api/v1/clues?region=${enc(code)}&from=${enc(from)}&to=${enc(to)}&limit=500${extra}`,
      signal,
    ),
  clue: (id: string, signal?: AbortSignal) =>
    getJson<Clue & { history: ClueEvent[] }>(`/api/v1/clues/${enc(id)}`, signal),
  /** 评事: a month's red and black list of the villages under `code` ('YYYY-MM'). */
  villageBoard: (code: string, month: string, signal?: AbortSignal) =>
    getJson<VillageBoard>(`/api/v1/regions/${enc(code)}/village-board?month=${enc(month)}`, signal),
};

/** Download and print links of the exports, for the same view. */
export const exportUrls = (code: string, query: string) => ({
  pdf: `/api/v1/regions/${enc(code)}/report.pdf?${query}`,
  html: `/api/v1/regions/${enc(code)}/report.html?${query}`,
  rankingCsv: `/api/v1/regions/${enc(code)}/ranking.csv?${query}`,
});
