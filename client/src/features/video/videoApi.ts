import {
  VIDEO_FAILURE_KINDS,
  type ErrorBody,
  type KeyChannels,
  type NearChannels,
  type PlaySession,
  type VideoChannel,
  type VideoFailureKind,
} from '@zhihui/shared';
import { ApiError } from '../../lib/api';

/** An answer of the video API that is not a success; `kind` says why a stream cannot be had (503). */
export class VideoApiError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly kind: VideoFailureKind | null,
  ) {
    super(status, code, message);
  }
}

async function failure(res: Response): Promise<VideoApiError> {
  let err: Partial<ErrorBody> = {};
  try {
    err = (await res.json()) as ErrorBody;
  } catch {
    /* not JSON: keep the status */
  }
  const kind = (err.error?.details as { kind?: unknown } | undefined)?.kind;
  return new VideoApiError(
    res.status,
    err.error?.code ?? `HTTP_${res.status}`,
    err.error?.message ?? res.statusText,
    VIDEO_FAILURE_KINDS.find((k) => k === kind) ?? null,
  );
}

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, {
    method,
    signal,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A tile closed while the page unloads must still say goodbye (its stream is released sooner).
    keepalive: method === 'DELETE',
  });
  if (!res.ok) throw await failure(res);
  return (res.status === 204 ? null : await res.json()) as T;
}

const q = (o: Record<string, string | number | boolean>) =>
  new URLSearchParams(Object.entries(o).map(([k, v]) => [k, String(v)])).toString();

/** The video API (server/src/routes/video.ts). */
export const videoApi = {
  channel: (id: string, signal?: AbortSignal) =>
    call<VideoChannel>('GET', `/api/v1/video/channels/${encodeURIComponent(id)}`, undefined, signal),
  keyChannels: (region: string, signal?: AbortSignal) =>
    call<KeyChannels>('GET', `/api/v1/video/key-channels?${q({ region })}`, undefined, signal),
  nearest: (region: string, lon: number, lat: number, limit: number, live: boolean, signal?: AbortSignal) =>
    call<NearChannels>('GET', `/api/v1/video/nearest?${q({ region, lon, lat, limit, live })}`, undefined, signal),
  open: (channelId: string, signal?: AbortSignal) =>
    call<PlaySession>('POST', '/api/v1/video/sessions', { channelId }, signal),
  renew: (id: string) => call<null>('POST', `/api/v1/video/sessions/${encodeURIComponent(id)}/renew`),
  close: (id: string) => call<null>('DELETE', `/api/v1/video/sessions/${encodeURIComponent(id)}`),
  /**
   * Why a session's media failed, as the server says it: players report only a status code, and
   * the server's answer (small JSON) names the cause. Null when the media answers fine now.
   */
  async explain(url: string): Promise<VideoApiError | null> {
    const ctl = new AbortController();
    try {
      const res = await fetch(url, { signal: ctl.signal });
      if (res.ok) return null;
      return await failure(res);
    } catch {
      return null;
    } finally {
      ctl.abort();
    }
  },
  snapshotUrl: (id: string) => `/api/v1/video/channels/${encodeURIComponent(id)}/snapshot`,
};
