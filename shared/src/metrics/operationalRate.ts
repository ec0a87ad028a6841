import { msAt } from '../time/iso.js';
import type { CameraReason, CameraState, CameraStatus, MaintenanceWindow } from '../schemas/camera.js';
import type { CameraFigures } from '../schemas/summary.js';
import { rate } from './rate.js';

/** The fields of a channel that decide how it counts. */
export interface CameraCountable {
  inService: boolean;
  status: CameraStatus;
  maintenance: MaintenanceWindow | null;
}

/** Whether a maintenance window covers the instant `at` (epoch ms). */
export function inMaintenance(m: MaintenanceWindow | null, at: number): boolean {
  return m !== null && msAt(m.from) <= at && at < msAt(m.to);
}

/** How a channel counts on the wall at `at` (epoch ms). */
export function cameraStateOf(c: CameraCountable, at: number): CameraState {
  if (!c.inService) return 'out_of_service';
  if (inMaintenance(c.maintenance, at)) return 'maintenance';
  return c.status;
}

/**
 * Whether a channel is unknown because its status source is down: it is left out of the rate
 * (a dead platform is not a dead camera, #11).
 */
export function isSourceDown(state: CameraState, reason: CameraReason | null | undefined): boolean {
  return state === 'unknown' && reason === 'source_down';
}

/**
 * Operational rate (运行率) = online ÷ channels in service, those in planned maintenance and those
 * behind a source that is down excluded.
 */
export function operationalRate(online: number, inService: number, maintenance: number, sourceDown = 0): number | null {
  return rate(online, inService - maintenance - sourceDown);
}

/** The rate's denominator N of a set of counts: channels in service that count (see operationalRate). */
export function countedChannels(f: Pick<CameraFigures, 'inService' | 'maintenance' | 'sourceDown'>): number {
  return f.inService - f.maintenance - f.sourceDown;
}

export function emptyCameraFigures(): CameraFigures {
  return {
    total: 0,
    inService: 0,
    maintenance: 0,
    online: 0,
    offline: 0,
    unknown: 0,
    sourceDown: 0,
    operationalRate: null,
    repaired: 0,
    newlyFailed: 0,
    timeWeightedRate: null,
    onlineMs: 0,
    countedMs: 0,
  };
}

/**
 * Counts a channel in `f` (mutates): `sign` −1 removes it again, for incremental roll-ups. The
 * reason tells an unknown channel behind a source that is down (sourceDown) from one merely silent.
 */
export function countCameraState(
  f: CameraFigures,
  state: CameraState,
  sign: 1 | -1 = 1,
  reason: CameraReason | null = null,
): void {
  f.total += sign;
  if (state === 'out_of_service') return;
  f.inService += sign;
  if (state === 'maintenance') f.maintenance += sign;
  else f[state] += sign;
  if (isSourceDown(state, reason)) f.sourceDown += sign;
}

/** Fills in the derived rate from the counts (mutates and returns `f`). */
export function finishCameraFigures(f: CameraFigures): CameraFigures {
  f.operationalRate = operationalRate(f.online, f.inService, f.maintenance, f.sourceDown);
  return f;
}

/** Channel figures for a set of channel states (with their reasons, see countCameraState). */
export function cameraFigures(
  states: Iterable<CameraState | { state: CameraState; reason: CameraReason | null }>,
): CameraFigures {
  const f = emptyCameraFigures();
  for (const s of states) {
    if (typeof s === 'string') countCameraState(f, s);
    else countCameraState(f, s.state, 1, s.reason);
  }
  return finishCameraFigures(f);
}

/**
 * Sum of channel figures (roll-up along the region tree). The time-weighted rate is pooled: the
 * parts' online time over their counted time (null when nothing was counted).
 */
export function sumCameraFigures(parts: readonly CameraFigures[]): CameraFigures {
  const f = emptyCameraFigures();
  for (const p of parts) {
    f.total += p.total;
    f.inService += p.inService;
    f.maintenance += p.maintenance;
    f.online += p.online;
    f.offline += p.offline;
    f.unknown += p.unknown;
    f.sourceDown += p.sourceDown;
    f.repaired += p.repaired;
    f.newlyFailed += p.newlyFailed;
    f.onlineMs += p.onlineMs;
    f.countedMs += p.countedMs;
  }
  finishCameraFigures(f);
  f.timeWeightedRate = rate(f.onlineMs, f.countedMs);
  return f;
}

/**
 * Channel figures whose time-weighted parts were computed at `asOf`, carried forward to `now`:
 * every channel keeps the state it had at `asOf` (the counts), so online time grows with the
 * online channels and counted time with the counted ones. Exact as long as no state changed in
 * between, which is what a wall knows between two deltas; a new delta restates the parts.
 */
export function cameraFiguresAt(f: CameraFigures, asOf: number, now: number): CameraFigures {
  const dt = now - asOf;
  if (!(dt > 0)) return f;
  const onlineMs = f.onlineMs + f.online * dt;
  const countedMs = f.countedMs + countedChannels(f) * dt;
  return { ...f, onlineMs, countedMs, timeWeightedRate: rate(onlineMs, countedMs) };
}

/** A reason as the wall shows it, for a channel that is down. */
export function reasonOf(state: CameraState, reason: CameraReason | null): CameraReason | null {
  return state === 'online' || state === 'out_of_service' ? null : reason;
}
