import type { ErrorBody, KeyChannels, NearChannels, PlaySession, VideoChannel } from '@zhihui/shared';
import { ApiError } from '../../lib/api';

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    method,
    signal,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A tile closed while the page unloads must still say goodbye (its stream is released sooner).
    keepalive: method === 'DELETE',
  });
  if (!res.ok) {
    let err: Partial<ErrorBody> = {};
    try {
      err = (await res.json()) as ErrorBody;
    } catch {
      /* not JSON: keep the status */
    }
    throw new ApiError(res.status, err.error?.code ?? `HTTP_${res.status}`, err.error?.message ?? res.statusText);
  }
  return (res.status === 204 ? null : await res.json()) as T;
}

const q = (o: Record<string, string | number | boolean>) => new URLSearchParams(Object.entries(o).map(([k, v]) => [k, String(v)])).toString();

/** The video API (server/src/routes/video.ts). */
export const videoApi = {
  channel: (id: string, signal?: AbortSignal) => call<VideoChannel>('GET', `/api/v1/video/channels/${encodeURIComponent(id)}`, undefined, signal),
  keyChannels: (region: string, signal?: AbortSignal) => call<KeyChannels>('GET', `/api/v1/video/key-channels?${q({ region })}`, undefined, signal),
  nearest: (region: string, lon: number, lat: number, limit: number, live: boolean, signal?: AbortSignal) =>
    call<NearChannels>('GET', `/api/v1/video/nearest?${q({ region, lon, lat, limit, live })}`, undefined, signal),
  open: (channelId: string, signal?: AbortSignal) => call<PlaySession>('POST', '/api/v1/video/sessions', { channelId }, signal),
  renew: (id: string) => call<null>('POST', `/api/v1/video/sessions/${encodeURIComponent(id)}/renew`),
  close: (id: string) => call<null>('DELETE', `/api/v1/video/sessions/${encodeURIComponent(id)}`),
  snapshotUrl: (id: string) => `/api/v1/video/channels/${encodeURIComponent(id)}/snapshot`,
};
