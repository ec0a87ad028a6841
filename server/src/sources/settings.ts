import path from 'node:path';
import type { SourceConfig, SourcesSection } from '../config/sections/sources.js';
import { Liveness, REST_SOURCE } from './liveness.js';

/** A source's settings with every default filled in (the config file may leave them out). */
export interface SourceSettings {
  id: string;
  kind: SourceConfig['kind'];
  name: string;
  priority: number;
  /** Per-channel heartbeat timeout, ms; null for change-only sources. */
  heartbeatMs: number | null;
  /** A lost connection must last this long before the source counts as down, ms. */
  downAfterMs: number;
  flapping: { changes: number; windowMs: number };
}

const DEFAULT_FLAPPING = { changes: 4, minutes: 10 };
const DEFAULT_DOWN_AFTER_S = 10;
const DEFAULT_RTSP_INTERVAL_S = 60;

/**
 * Whether a kind repeats each channel periodically by default. RTSP probes do (every interval);
 * wvp's Redis channel, ZLMediaKit hooks and MQTT (retained) send changes only.
 */
function defaultHeartbeatSec(s: SourceConfig, restSec: number): number | null {
  switch (s.kind) {
    case 'rest':
      return restSec;
    case 'rtsp':
      // Three missed probes (the longest backoff only applies to failing cameras, which are not online).
      return 3 * (s.interval ?? DEFAULT_RTSP_INTERVAL_S) + (s.timeout ?? 5);
    default:
      return null;
  }
}

export function settingsOf(s: SourceConfig, restHeartbeatSec: number): SourceSettings {
  const hb =
    s.heartbeat === undefined
      ? defaultHeartbeatSec(s, restHeartbeatSec)
      : s.heartbeat === false || s.heartbeat === 'off'
        ? null
        : s.heartbeat;
  const flap = s.flapping ?? DEFAULT_FLAPPING;
  return {
    id: s.id,
    kind: s.kind,
    name: s.name ?? s.id,
    priority: s.priority ?? 0,
    heartbeatMs: hb === null ? null : hb * 1000,
    // A media server is down after 3 missed keepalives (its watchdog waits), not later.
    downAfterMs: (s.downAfter ?? (s.kind === 'zlm' ? 0 : DEFAULT_DOWN_AFTER_S)) * 1000,
    flapping: { changes: flap.changes, windowMs: flap.minutes * 60_000 },
  };
}

/** The REST API's heartbeat timeout: its `kind: rest` entry, else HEARTBEAT_TIMEOUT (as before sources existed). */
export function restHeartbeatSec(sources: SourcesSection | undefined, heartbeatTimeoutSec: number): number | null {
  const rest = sources?.find((s) => s.kind === 'rest');
  if (!rest) return heartbeatTimeoutSec;
  const ms = settingsOf(rest, heartbeatTimeoutSec).heartbeatMs;
  return ms === null ? null : ms / 1000;
}

/**
 * The liveness tracker for a server: the REST API's policy, each configured source's, and the
 * owners saved under DATA_DIR by the last run.
 */
export async function createLiveness(
  sources: SourcesSection | undefined,
  heartbeatTimeoutSec: number,
  dataDir: string,
): Promise<Liveness> {
  const liveness = new Liveness({
    restHeartbeatSec: restHeartbeatSec(sources, heartbeatTimeoutSec),
    file: path.join(dataDir, 'sources', 'owners.json'),
  });
  const known = new Set<string>([REST_SOURCE]);
  for (const s of sources ?? []) {
    if (s.kind === 'rest') continue;
    liveness.setPolicy(s.id, { heartbeatMs: settingsOf(s, heartbeatTimeoutSec).heartbeatMs });
    known.add(s.id);
  }
  await liveness.load(known);
  return liveness;
}
