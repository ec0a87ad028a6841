import { randomUUID } from 'node:crypto';
import {
  ErrorCode,
  GridWorkerSchema,
  type Clue,
  type ClueCreate,
  type GridReport,
  type GridReportCreate,
  type GridWorkerView,
  type RejectedItem,
  type UpsertResult,
} from '@zhihui/shared';
import { HttpError, fieldError, notFound } from '../errors.js';
import { reaches, type RegionRoot } from '../reach.js';
import { isoAt } from '../time.js';
import { strictChecker } from '../validate.js';
import { outside, type IngestContext } from './context.js';

const checkWorker = strictChecker(GridWorkerSchema);

const sameWorker = (a: GridWorkerView, b: GridWorkerView): boolean =>
  a.name === b.name &&
  a.region === b.region &&
  a.phone === b.phone &&
  a.onDuty === b.onDuty &&
  a.lastReportAt === b.lastReportAt;

/** The clue's own 400 with its fields named under `clue/`, as the report's body nests them. */
function underClue(err: unknown): unknown {
  if (!(err instanceof HttpError) || err.statusCode !== 400) return err;
  const details = Array.isArray(err.details)
    ? (err.details as { field: string; message: string }[]).map((d) => ({ ...d, field: `clue/${d.field}` }))
    : err.details;
  return new HttpError(400, err.code, `clue/${err.message}`, details);
}

type CreateClue = (body: ClueCreate, actor: string, within?: RegionRoot) => Promise<{ clue: Clue; created: boolean }>;

/**
 * Grid workers (网格员): inventory, on-duty flag, and patrol reports, which may raise a clue.
 */
export function gridIngest(ctx: IngestContext, createClue: CreateClue) {
  return {
    upsertWorkers: upsertWorkers.bind(null, ctx),
    gridReport: gridReport.bind(null, ctx, createClue),
    setWorkerDuty: setWorkerDuty.bind(null, ctx),
  };
}

/** Each row is checked here, once (the route checks only the list around them). */
async function upsertWorkers(
  ctx: IngestContext,

  rows: readonly unknown[],
  within: RegionRoot = null,
): Promise<UpsertResult> {
  const { store } = ctx;
  const tree = ctx.deps.regions();
  const existing = new Map((await store.allGridWorkers()).map((w) => [w.id, w]));
  const rejected: RejectedItem[] = [];
  const next = new Map<string, GridWorkerView>();
  rows.forEach((row, i) => {
    const r = checkWorker(row);
    if (!r.ok) {
      const e = r.errors[0]!;
      ctx.reject('worker', rejected, i, ErrorCode.validation, `workers/${i}/${e.field}: ${e.message}`);
      return;
    }
    const w = r.value;
    if (!tree.byCode.has(w.region)) {
      ctx.reject(
        'worker',
        rejected,
        i,
        ErrorCode.unknownRegion,
        `workers/${i}/region: unknown region code '${w.region}'`,
      );
      return;
    }
    const old = next.get(w.id) ?? existing.get(w.id);
    const outOf = [w.region, existing.get(w.id)?.region ?? w.region].find((code) => !reaches(tree, within, code));
    if (outOf !== undefined) {
      ctx.reject(
        'worker',
        rejected,
        i,
        ErrorCode.forbidden,
        outside(`workers/${i}/${outOf === w.region ? 'region' : 'id'}`, outOf),
      );
      return;
    }
    next.set(w.id, {
      id: w.id,
      name: w.name,
      region: w.region,
      phone: w.phone === undefined ? (old?.phone ?? null) : w.phone,
      onDuty: w.onDuty ?? old?.onDuty ?? false,
      lastReportAt: old?.lastReportAt ?? null,
    });
  });
  const workers = [...next.values()];
  if (workers.length > 0) {
    await store.upsertGridWorkers(workers);
    ctx.deps.bus.emit('grid', { workers, reports: [] });
  }
  return { upserted: rows.length - rejected.length, rejected };
}

/** A report comes checked against GridReportCreateSchema (the route's); its clue, if any, goes through createClue. */
async function gridReport(
  ctx: IngestContext,
  createClue: CreateClue,
  b: GridReportCreate,
  actor: string,
  within: RegionRoot = null,
): Promise<{ report: GridReport; clue: Clue | null; created: boolean }> {
  const { store } = ctx;
  const now = ctx.clock();
  const worker = await ctx.workerWithin(b.workerId, within);
  if (!worker) throw fieldError('workerId', `unknown grid worker '${b.workerId}'`, ErrorCode.unknownWorker);
  const at = b.at !== undefined ? Date.parse(b.at) : now;
  ctx.futureCheck('at', at, now);
  let clue: Clue | null = null;
  if (b.clue) {
    // Without a time of its own the clue is reported now, as the report is: a retry then repeats the same clue.
    const reportedAt = b.clue.reportedAt ?? (b.at !== undefined ? isoAt(at) : undefined);
    const body: ClueCreate = {
      ...b.clue,
      source: 'grid',
      region: worker.region,
      gridWorkerId: worker.id,
      ...(reportedAt ? { reportedAt } : {}),
    };
    clue = (await createClue(body, actor, within).catch((err: unknown) => Promise.reject(underClue(err)))).clue;
  }
  const report: GridReport = {
    id: b.id ?? randomUUID(),
    workerId: worker.id,
    region: worker.region,
    at: isoAt(at),
    text: b.text,
    clueId: clue?.id ?? null,
  };
  const { created } = await store.addGridReport(report);
  // A retry of a report already stored (same id) changes nothing and tells nobody.
  if (!created) return { report, clue, created: false };
  const updated: GridWorkerView =
    worker.lastReportAt === null || Date.parse(worker.lastReportAt) < at
      ? { ...worker, lastReportAt: report.at }
      : worker;
  if (!sameWorker(updated, worker)) await store.upsertGridWorkers([updated]);
  ctx.inc('zhihui_grid_reports_total');
  ctx.deps.bus.emit('grid', { workers: [updated], reports: [report] });
  return { report, clue, created: true };
}

async function setWorkerDuty(
  ctx: IngestContext,

  workerId: string,
  onDuty: boolean,
  within: RegionRoot = null,
): Promise<GridWorkerView> {
  const { store } = ctx;
  const worker = await ctx.workerWithin(workerId, within);
  if (!worker) throw notFound('grid worker', workerId, ErrorCode.unknownWorker);
  if (worker.onDuty === onDuty) return worker;
  const next = { ...worker, onDuty };
  await store.upsertGridWorkers([next]);
  ctx.deps.bus.emit('grid', { workers: [next], reports: [] });
  return next;
}
