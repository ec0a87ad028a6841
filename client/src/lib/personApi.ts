import type { Clue, ClueCreate, CluePatch, ErrorBody, Region, SessionView } from '@zhihui/shared';

/** A refused request: its status, code, message and the fields it names (shown next to them). */
export class DeskError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string>,
  ) {
    super(message);
  }
}

let csrf: string | null = null;
/** The session's CSRF token, sent with every write (the server refuses cookie writes without it). */
export const setCsrf = (token: string | null) => void (csrf = token);

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
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
          ] = String(d.message ?? '');
      }
    }
    // A schema error names its field in the message ("body/title must …").
    const m = e?.message ? /^(?:body\/|\/)?([A-Za-z]+)[: ]/.exec(e.message) : null;
    if (Object.keys(fields).length === 0 && m && res.status === 400) fields[m[1]!] = e!.message;
    throw new DeskError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, fields);
  }
  return json as T;
}

export const deskApi = {
  session: () => call<SessionView>('GET', '/api/v1/session'),
  signIn: (name: string, password: string) => call<SessionView>('POST', '/api/v1/session', { name, password }),
  signOut: () => call<void>('DELETE', '/api/v1/session'),
  regions: () => call<Region[] | { regions: Region[] }>('GET', '/api/v1/regions'),
  createClue: (body: ClueCreate) => call<Clue>('POST', '/api/v1/clues', body),
  patchClue: (id: string, body: CluePatch) => call<Clue>('PATCH', `/api/v1/clues/${encodeURIComponent(id)}`, body),
};
