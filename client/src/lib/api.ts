import type { ErrorBody, RegionGeo, UiConfig } from '@zhihui/shared';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let body: Partial<ErrorBody> = {};
    try {
      body = (await res.json()) as ErrorBody;
    } catch {
      /* not JSON: keep the status */
    }
    throw new ApiError(res.status, body.error?.code ?? 'HTTP_' + res.status, body.error?.message ?? res.statusText);
  }
  return (await res.json()) as T;
}

export const api = {
  uiConfig: (signal?: AbortSignal) => getJson<UiConfig>('/api/v1/ui-config', signal),
  regionGeo: (code: string, signal?: AbortSignal) =>
    getJson<RegionGeo>(`/api/v1/regions/${encodeURIComponent(code)}/geo`, signal),
};
