import {
  CameraInputSchema,
  ErrorCode,
  msAt,
  type CameraInput,
  type MaintenanceResult,
  type MaintenanceWindow,
  type RejectedItem,
  type UpsertResult,
} from '@zhihui/shared';
import type { CameraRecord } from '../../store/types.js';
import { fieldError } from '../errors.js';
import { reaches, type RegionRoot } from '../reach.js';
import { MAX_FUTURE_MS, isoAt } from '../time.js';
import { strictChecker } from '../validate.js';
import { outside, type IngestContext } from './context.js';

const checkCamera = strictChecker(CameraInputSchema);

/** The camera inventory and planned maintenance. */
export function cameraIngest(ctx: IngestContext) {
  return {
    upsertCameras: upsertCameras.bind(null, ctx),
    setMaintenance: setMaintenance.bind(null, ctx),
  };
}

/** Each row is checked here, once (the route checks only the list around them). */
async function upsertCameras(
  ctx: IngestContext,
  rows: readonly unknown[],
  actor: string,
  opts: { source?: 'json' | 'csv'; within?: RegionRoot } = {},
): Promise<UpsertResult> {
  const { store } = ctx;
  const tree = ctx.deps.regions();
  const within = opts.within ?? null;
  const rejected: RejectedItem[] = [];
  const where = (i: number, field: string) =>
    opts.source === 'csv' ? `line ${i + 2}, ${field}` : `cameras/${i}/${field}`;
  // A bound key may neither place a channel outside its subtree nor take over one that lies outside it.
  const ids =
    within === null
      ? []
      : rows
          .map((row) => (row && typeof row === 'object' ? (row as { id?: unknown }).id : undefined))
          .filter((id): id is string => typeof id === 'string');
  const existing = ids.length > 0 ? await store.getCameras([...new Set(ids)]) : new Map<string, CameraRecord>();
  const valid: CameraInput[] = [];
  const latest = ctx.clock() + MAX_FUTURE_MS;
  rows.forEach((row, i) => {
    const r = checkCamera(row);
    if (!r.ok) {
      const e = r.errors[0]!;
      ctx.reject('camera', rejected, i, ErrorCode.validation, `${where(i, e.field)}: ${e.message}`);
    } else if (r.value.validFrom !== undefined && Date.parse(r.value.validFrom) > latest) {
      ctx.reject(
        'camera',
        rejected,
        i,
        ErrorCode.validation,
        `${where(i, 'validFrom')}: ${r.value.validFrom} is more than 5 minutes in the future`,
      );
    } else if (!tree.byCode.has(r.value.region)) {
      ctx.reject(
        'camera',
        rejected,
        i,
        ErrorCode.unknownRegion,
        `${where(i, 'region')}: unknown region code '${r.value.region}'`,
      );
    } else if (!reaches(tree, within, r.value.region)) {
      ctx.reject('camera', rejected, i, ErrorCode.forbidden, outside(where(i, 'region'), r.value.region));
    } else if (!reaches(tree, within, existing.get(r.value.id)?.region ?? r.value.region)) {
      ctx.reject('camera', rejected, i, ErrorCode.forbidden, outside(where(i, 'id'), existing.get(r.value.id)!.region));
    } else valid.push(r.value);
  });
  if (valid.length > 0) {
    const nowMs = ctx.clock();
    const now = isoAt(nowMs);
    const records = await store.upsertCameras(valid, actor, now);
    // The flag changes this write recorded, stamped as the store stamped them (see BusEvents).
    const service = (
      await store.serviceHistory({ from: now, to: isoAt(nowMs + 1), cameraIds: records.map((r) => r.id) })
    ).filter((x) => msAt(x.at) === nowMs);
    // A channel's own play URL is a secret kept apart from the row (video broker only).
    const urls = valid.flatMap((r) => (r.playUrl === undefined ? [] : [{ id: r.id, url: r.playUrl }]));
    if (urls.length > 0) await store.setPlayUrls(urls, actor, now);
    ctx.emitCameras(records, service);
  }
  return { upserted: valid.length, rejected };
}

/** `ids` and `window` come checked against their schema (the route's); the order of the window is checked here. */
async function setMaintenance(
  ctx: IngestContext,
  ids: readonly string[],
  window: MaintenanceWindow | null,
  actor: string,
  within: RegionRoot = null,
): Promise<MaintenanceResult> {
  const { store } = ctx;
  if (window !== null && Date.parse(window.to) <= Date.parse(window.from))
    throw fieldError('window/to', 'must be after window/from');
  const known = await store.getCameras(ids);
  const tree = ctx.deps.regions();
  const rejected: RejectedItem[] = [];
  ids.forEach((id, index) => {
    const cam = known.get(id);
    if (!cam)
      ctx.reject('maintenance', rejected, index, ErrorCode.unknownCamera, `ids/${index}: unknown camera '${id}'`);
    else if (!reaches(tree, within, cam.region)) {
      ctx.reject('maintenance', rejected, index, ErrorCode.forbidden, outside(`ids/${index}`, cam.region));
      known.delete(id);
    }
  });
  const records = known.size > 0 ? await store.setMaintenance([...known.keys()], window, actor) : [];
  ctx.emitCameras(records);
  return { updated: records.length, rejected };
}
