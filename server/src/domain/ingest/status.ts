import {
  ErrorCode,
  StatusReportSchema,
  inMaintenance,
  msAt,
  type BatchResult,
  type RejectedItem,
} from '@zhihui/shared';
import type { StatusInput } from '../../store/types.js';
import { reaches, type RegionRoot } from '../reach.js';
import { MAX_FUTURE_MS, isoAt } from '../time.js';
import { strictChecker } from '../validate.js';
import { outside, type IngestContext } from './context.js';

const checkReport = strictChecker(StatusReportSchema);

/** Channel status: reported batches, the heartbeat sweep, and changes a source derives. */
export function statusIngest(ctx: IngestContext) {
  return {
    statusBatch: statusBatch.bind(null, ctx),
    markSilent: markSilent.bind(null, ctx),
    applyDerived: (inputs: readonly StatusInput[]) => ctx.applyAndEmit(inputs.map((i) => ({ ...i, heard: false }))),
  };
}

/**
 * Each report is checked here, once (the route checks only the batch around them), so that one
 * bad report is listed in `rejected` while the others are stored.
 */
async function statusBatch(
  ctx: IngestContext,
  reports: readonly unknown[],
  actor: string,
  within: RegionRoot = null,
): Promise<BatchResult> {
  const rejected: RejectedItem[] = [];
  const candidates = checkedReports(ctx, reports, actor, rejected);
  const valid = await placedReports(ctx, candidates, within, rejected);
  rejected.sort((a, b) => a.index - b.index);
  // Applied in time order, so a batch that lists a channel's reports out of order still ends right.
  valid.sort((a, b) => a.t - b.t);
  await ctx.applyAndEmit(valid.map((v) => v.input));
  ctx.inc('zhihui_ingest_reports_total', { result: 'accepted' }, valid.length);
  ctx.inc('zhihui_ingest_reports_total', { result: 'rejected' }, rejected.length);
  return { accepted: valid.length, rejected };
}

type Candidate = { index: number; input: StatusInput; t: number };

/** The reports that pass their schema and the time window (not in the future, not older than the late-report window). */
function checkedReports(
  ctx: IngestContext,
  reports: readonly unknown[],
  actor: string,
  rejected: RejectedItem[],
): Candidate[] {
  const now = ctx.clock();
  const maxAgeDays = ctx.deps.lateReportMaxDays ?? 90;
  const maxAgeMs = maxAgeDays * 86_400_000;
  const candidates: Candidate[] = [];
  reports.forEach((item, index) => {
    const r = checkReport(item);
    if (!r.ok) {
      const e = r.errors[0]!;
      ctx.reject('status', rejected, index, ErrorCode.validation, `reports/${index}/${e.field}: ${e.message}`);
      return;
    }
    const t = r.value.at !== undefined ? msAt(r.value.at) : now;
    if (t > now + MAX_FUTURE_MS) {
      ctx.reject(
        'status',
        rejected,
        index,
        ErrorCode.validation,
        `reports/${index}/at: ${r.value.at} is more than 5 minutes in the future`,
      );
      return;
    }
    // A report from 1990 or 0001-01-01 is a broken clock, not history: it would rewrite past
    // periods (and count in old rankings). Late reports are welcome within the window.
    if (t < now - maxAgeMs) {
      ctx.reject(
        'status',
        rejected,
        index,
        ErrorCode.validation,
        `reports/${index}/at: ${r.value.at} is older than the late-report window (${maxAgeDays} days, LATE_REPORT_MAX_DAYS)`,
      );
      return;
    }
    candidates.push({
      index,
      t,
      input: {
        cameraId: r.value.cameraId,
        status: r.value.status,
        reason: r.value.reason ?? null,
        at: isoAt(t),
        atMs: t,
        actor,
      },
    });
  });
  return candidates;
}

/** The candidates about a known channel, within reach, dated after the channel became valid. */
async function placedReports(
  ctx: IngestContext,
  candidates: Candidate[],
  within: RegionRoot,
  rejected: RejectedItem[],
): Promise<Candidate[]> {
  const known = await ctx.store.placeCameras([...new Set(candidates.map((c) => c.input.cameraId))]);
  const tree = ctx.deps.regions();
  const valid: Candidate[] = [];
  for (const c of candidates) {
    const cam = known.get(c.input.cameraId);
    if (!cam)
      ctx.reject(
        'status',
        rejected,
        c.index,
        ErrorCode.unknownCamera,
        `reports/${c.index}/cameraId: unknown camera '${c.input.cameraId}'`,
      );
    else if (!reaches(tree, within, cam.region))
      ctx.reject('status', rejected, c.index, ErrorCode.forbidden, outside(`reports/${c.index}/cameraId`, cam.region));
    else if (cam.validFromMs !== null && c.t < cam.validFromMs)
      // Before the channel existed there is nothing to report: such a report would put it in
      // periods it was not part of (#18.2). The record comes from the lookup above: no extra read.
      ctx.reject(
        'status',
        rejected,
        c.index,
        ErrorCode.validation,
        `reports/${c.index}/at: ${isoAt(c.t)} is before the channel became valid (validFrom ${isoAt(cam.validFromMs)})`,
      );
    else valid.push(c);
  }
  return valid;
}

async function markSilent(ctx: IngestContext, now: number): Promise<number> {
  const { store, liveness, startedAt } = ctx;
  if (ctx.deps.heartbeatGraceSec > 0 && now - startedAt < ctx.deps.heartbeatGraceSec * 1000) return 0;
  const at = isoAt(now);
  const inputs: StatusInput[] = [];
  for (const c of await store.allCameras()) {
    if (!c.inService || inMaintenance(c.maintenance, now)) continue;
    const timeout = liveness.timeoutMs(c, startedAt);
    if (timeout === null) continue;
    const since = Date.parse(c.since);
    const heard = c.lastSeen === null ? since : Date.parse(c.lastSeen);
    if (c.status === 'online' && now - heard > timeout) {
      inputs.push({ cameraId: c.id, status: 'unknown', reason: null, at, actor: 'heartbeat', heard: false });
    } else if (c.status === 'unknown' && now - Math.max(heard, since) > timeout) {
      inputs.push({ cameraId: c.id, status: 'offline', reason: null, at, actor: 'heartbeat', heard: false });
    }
  }
  return ctx.applyAndEmit(inputs);
}
