import type {
  Appeal,
  AppealCreate,
  AppealPatch,
  Clue,
  ClueCreate,
  CluePatch,
  ClueWithHistory,
  ErrorBody,
  GridReportPage,
  Region,
  SessionView,
  Topic,
  TopicCreate,
  TopicPatch,
  VillageBoard,
} from '@zhihui/shared';

/** A refused request: its status, code, message and the fields it names (shown next to them). */
export class DeskError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string>,
    /** The error's details as the server sent them (a 409 BAD_TRANSITION: `{ from, to, allowed }`). */
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

let csrf: string | null = null;
/** The session's CSRF token, sent with every write (the server refuses cookie writes without it). */
export const setCsrf = (token: string | null) => void (csrf = token);

/** A schema refusal in Chinese where the wording is the validator's (the field name stays as the server gave it). */
function localMessage(m: string): string {
  if (typeof document !== 'undefined' && document.documentElement.lang === 'en') return m;
  return m
    .replace(/must NOT have fewer than 1 characters?/i, '必填 (required)')
    .replace(/must NOT have more than (\d+) characters/i, '不能超过 $1 个字 (at most $1 characters)')
    .replace(/must match pattern "\\S"/i, '不能只有空白 (not blank)')
    .replace(/must be equal to one of the allowed values/i, '不是可选的值 (not one of the allowed values)')
    .replace(/must be after the step it is set with/i, '须晚于当前时间 (must be after the step it is set with)');
}

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  if (res.status === 204) return undefined as T;
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const e = (json as Partial<ErrorBody> | null)?.error;
    const fields: Record<string, string> = {};
    const details = e?.details;
    if (Array.isArray(details)) {
      for (const d of details as { field?: unknown; message?: unknown }[]) {
        if (typeof d.field === 'string')
          fields[
            d.field
              .replace(/^\/?body\/?/, '')
              .replace(/^\//, '')
              .split('/')[0] || d.field
          ] = localMessage(String(d.message ?? ''));
      }
    }
    // A schema error names its field in the message ("body/title must …").
    const m = e?.message ? /^(?:body\/|\/)?([A-Za-z]+)[: ]/.exec(e.message) : null;
    if (Object.keys(fields).length === 0 && m && res.status === 400) fields[m[1]!] = localMessage(e!.message);
    throw new DeskError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, fields, details);
  }
  return json as T;
}

export const deskApi = {
  session: (signal?: AbortSignal) => call<SessionView>('GET', '/api/v1/session', undefined, signal),
  signIn: (name: string, password: string) => call<SessionView>('POST', '/api/v1/session', { name, password }),
  signOut: () => call<void>('DELETE', '/api/v1/session'),
  regions: (signal?: AbortSignal) =>
    call<Region[] | { regions: Region[] }>('GET', '/api/v1/regions', undefined, signal),
  clue: (id: string, signal?: AbortSignal) =>
    call<ClueWithHistory>('GET', `/api/v1/clues/${encodeURIComponent(id)}`, undefined, signal),
  createClue: (body: ClueCreate) => call<Clue>('POST', '/api/v1/clues', body),
  patchClue: (id: string, body: CluePatch) => call<Clue>('PATCH', `/api/v1/clues/${encodeURIComponent(id)}`, body),
  appeals: (region: string, month: string, signal?: AbortSignal) =>
    call<{ items: Appeal[] }>(
      'GET',
      `/api/v1/appeals?region=${encodeURIComponent(region)}&month=${month}`,
      undefined,
      signal,
    ),
  createAppeal: (body: AppealCreate) => call<Appeal>('POST', '/api/v1/appeals', body),
  patchAppeal: (id: string, body: AppealPatch) =>
    call<Appeal>('PATCH', `/api/v1/appeals/${encodeURIComponent(id)}`, body),
  topics: (region: string, month: string, signal?: AbortSignal) =>
    call<{ items: Topic[] }>(
      'GET',
      `/api/v1/topics?region=${encodeURIComponent(region)}&month=${month}`,
      undefined,
      signal,
    ),
  createTopic: (body: TopicCreate) => call<{ topic: Topic; appeals: Appeal[] }>('POST', '/api/v1/topics', body),
  patchTopic: (id: string, body: TopicPatch) => call<Topic>('PATCH', `/api/v1/topics/${encodeURIComponent(id)}`, body),
  /** Recent grid reports of the region's subtree, newest first; `cursor` continues a listing. */
  gridReports: (region: string, cursor: string | null, signal?: AbortSignal) =>
    call<GridReportPage>(
      'GET',
      `/api/v1/grid/reports?region=${encodeURIComponent(region)}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      undefined,
      signal,
    ),
  board: (region: string, month: string, signal?: AbortSignal) =>
    call<VillageBoard>(
      'GET',
      `/api/v1/regions/${encodeURIComponent(region)}/village-board?month=${month}`,
      undefined,
      signal,
    ),
};
