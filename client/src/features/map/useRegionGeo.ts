import type { RegionGeo } from '@zhihui/shared';
import { api } from '../../lib/api';
import { useFetch } from '../../lib/useFetch';

const RETRY_MS = 10_000;

/**
 * The region's boundaries. The map keeps its labels and points meanwhile; after a failure it asks
 * again every 10 s, except when the server says it has no geometry for the region (404).
 */
export function useRegionGeo(code: string): RegionGeo | null {
  const { data, loading } = useFetch(code, (signal) => api.regionGeo(code, signal), {
    retryMs: RETRY_MS,
    retryIf: (err) => !(err instanceof Error && 'status' in err && err.status === 404),
  });
  return loading ? null : data;
}
