import type { ErrorBody } from '@zhihui/shared';
import { ApiError } from '../../lib/api';

/** A channel as the admin API shows it (URL and secret masked). */
export interface ChannelView {
  id: string;
  kind: string;
  name: string;
  region: string | null;
  enabled: boolean;
  origin: 'file' | 'admin';
  url: string | null;
  secret: string | null;
  ratePerMinute: number;
}
export interface RuleView {
  id: string;
  kind: string;
  region: string;
  channels: string[];
  origin: 'file' | 'admin';
  enabled?: boolean;
  ignoreQuietHours?: boolean;
  at?: string;
}
export interface Settings {
  channels: ChannelView[];
  rules: RuleView[];
  quiet: boolean;
  quietUntil: string | null;
}
export interface Override {
  date: string;
  workday: boolean;
  note: string | null;
  updatedBy: string;
}
export interface Outcome {
  status: string;
  attempts: number;
  error: string | null;
}

const KEY_STORE = 'zhihui.adminKey';
export const adminKey = {
  get: () => sessionStorage.getItem(KEY_STORE) ?? '',
  set: (k: string) => sessionStorage.setItem(KEY_STORE, k),
};

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers: {
      accept: 'application/json',
      authorization: `Bearer ${adminKey.get()}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as Partial<ErrorBody> & T;
  if (!res.ok)
    throw new ApiError(res.status, json.error?.code ?? `HTTP_${res.status}`, json.error?.message ?? res.statusText);
  return json;
}

export const adminApi = {
  settings: () => call<Settings>('GET', '/admin/notifications'),
  test: (id: string) => call<Outcome>('POST', `/admin/notifications/channels/${encodeURIComponent(id)}/test`),
  sendDigest: (id: string) =>
    call<{ title: string }>('POST', `/admin/notifications/rules/${encodeURIComponent(id)}/send`),
  overrides: () => call<{ items: Override[] }>('GET', '/admin/calendar/overrides'),
  putOverride: (date: string, workday: boolean, note: string) =>
    call<void>('PUT', `/admin/calendar/overrides/${date}`, { workday, ...(note ? { note } : {}) }),
  deleteOverride: (date: string) => call<void>('DELETE', `/admin/calendar/overrides/${date}`),
};
