import { inflateSync } from 'fflate';
import type { RegionSnapshot, WireSnapshot } from '@zhihui/shared';

const utf8 = new TextDecoder();

/**
 * The snapshot a wall receives, unpacked where the server packed it (SubscribeRequest.packed):
 * raw DEFLATE of its JSON, inflated here at once, so it is adopted in the order it came with the
 * deltas around it. fflate, because the browser's own DecompressionStream only answers later.
 */
export function unpackSnapshot(s: WireSnapshot): RegionSnapshot {
  if (!('packed' in s)) return s;
  const bytes = s.packed instanceof Uint8Array ? s.packed : new Uint8Array(s.packed);
  return JSON.parse(utf8.decode(inflateSync(bytes))) as RegionSnapshot;
}
