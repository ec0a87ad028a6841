import type { CameraReason, CameraStatus, Clue, ClueEvent, ErrorBody, GridReport, GridWorkerView, Period, PeriodKind, Region, RegionFigures, RegionRef } from '@zhihui/shared';
import { ApiError } from '../../lib/api';
import type { Metric } from './meetingParams';

export type MetricValues = Record<Metric, number | null>;

/** GET /api/v1/regions/:code/ranking */
export interface Ranking {
  region: RegionRef;
  kind: PeriodKind;
  period: Period;
  previous: Period;
  sort: Metric;
  dir: 'asc' | 'desc';
  generatedAt: string;
  total: { current: RegionFigures; previous: RegionFigures; delta: MetricValues };
  rows: { rank: number; region: RegionRef; current: RegionFigures; previous: RegionFigures; delta: MetricValues }[];
}

export interface RegionInfo {
  region: Region;
  path: Region[];
  children: Region[];
}

export interface Outage {
  id: string;
  name: string;
  region: string;
  downMs: number;
  countedMs: number;
  failures: number;
  status: CameraStatus;
  since: string;
  reason: CameraReason | null;
}

export interface GridActivity {
  workers: (GridWorkerView & { reports: number })[];
  reports: GridReport[];
  totalReports: number;
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
  ranking: (code: string, query: string, signal?: AbortSignal) => getJson<Ranking>(`/api/v1/regions/${enc(code)}/ranking?${query}`, signal),
  outages: (code: string, period: string, signal?: AbortSignal) => getJson<{ total: number; items: Outage[] }>(`/api/v1/regions/${enc(code)}/outages?${period}&limit=200`, signal),
  grid: (code: string, period: string, signal?: AbortSignal) => getJson<GridActivity>(`/api/v1/regions/${enc(code)}/grid-activity?${period}&limit=100`, signal),
  clues: (code: string, from: string, to: string, extra: string, signal?: AbortSignal) =>
    getJson<{ items: Clue[]; nextCursor: string | null }>(`/api/v1/clues?region=${enc(code)}&from=${enc(from)}&to=${enc(to)}&limit=500${extra}`, signal),
  clue: (id: string, signal?: AbortSignal) => getJson<Clue & { history: ClueEvent[] }>(`/api/v1/clues/${enc(id)}`, signal),
};

/** Download and print links of the exports, for the same view. */
export const exportUrls = (code: string, query: string) => ({
  pdf: `/api/v1/regions/${enc(code)}/report.pdf?${query}`,
  html: `/api/v1/regions/${enc(code)}/report.html?${query}`,
  rankingCsv: `/api/v1/regions/${enc(code)}/ranking.csv?${query}`,
});
