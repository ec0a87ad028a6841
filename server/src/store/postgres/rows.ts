import type { CameraReason, CameraStatus, Clue, GridReport, GridWorkerView, MaintenanceWindow } from '@zhihui/shared';
import type { CameraRecord, CredentialRecord, DeliveryRecord, DeliveryStatus, StatusEvent } from '../types.js';
import { cameraRecordOf, type CameraRowOf } from './cameraRow.js';
import { isoAt } from '../isoAt.js';
import { t, tOrNull } from './time.js';

/**
 * The PostgreSQL store's rows: their shapes as `pg` returns them, and each one to the record the
 * Store interface gives (times rendered as the SQLite store renders them), or back to parameters.
 */

/** A stored instant as the SQLite store renders it: the one formatter (isoAt). */
export function isoShanghai(d: Date): string {
  return isoAt(d.getTime());
}
export const isoOrNull = (d: Date | null): string | null => (d ? isoShanghai(d) : null);

/** Windows are kept as JSON; their times are normalised so they read back as the SQLite store's do. */
export const normWindow = (w: MaintenanceWindow): MaintenanceWindow => ({
  reason: w.reason,
  from: isoShanghai(t(w.from)),
  to: isoShanghai(t(w.to)),
});

export type CameraRow = CameraRowOf<Date>;
export const CAMERA_COLS =
  'id, name, region, lon, lat, in_service, status, reason, since, last_seen, maintenance, valid_from';
export const toCamera = (r: CameraRow): CameraRecord => cameraRecordOf(r, isoShanghai);

export interface StatusEventRow {
  camera_id: string;
  from_status: CameraStatus;
  to_status: CameraStatus;
  reason: CameraReason | null;
  at: Date;
  actor: string;
}
export const toStatusEvent = (r: StatusEventRow): StatusEvent => ({
  cameraId: r.camera_id,
  from: r.from_status,
  to: r.to_status,
  reason: r.reason,
  at: isoShanghai(r.at),
  actor: r.actor,
});

export interface ClueRow {
  id: string;
  category: Clue['category'];
  source: Clue['source'];
  region: string;
  title: string;
  description: string | null;
  lon: number | null;
  lat: number | null;
  reported_at: Date;
  due_at: Date | null;
  status: Clue['status'];
  assignee: string | null;
  outcome: Clue['outcome'];
  urgent: boolean;
  grid_worker_id: string | null;
  resolved_at: Date | null;
  updated_at: Date;
  created_by: string;
}
export const CLUE_COLS =
  'id, category, source, region, title, description, lon, lat, reported_at, due_at, status, assignee, outcome, urgent, grid_worker_id, resolved_at, updated_at, created_by';
export const toClue = (r: ClueRow): Clue => ({
  id: r.id,
  category: r.category,
  source: r.source,
  region: r.region,
  title: r.title,
  description: r.description,
  lon: r.lon,
  lat: r.lat,
  reportedAt: isoShanghai(r.reported_at),
  dueAt: isoOrNull(r.due_at),
  status: r.status,
  assignee: r.assignee,
  outcome: r.outcome,
  urgent: r.urgent,
  gridWorkerId: r.grid_worker_id,
  resolvedAt: isoOrNull(r.resolved_at),
  updatedAt: isoShanghai(r.updated_at),
  createdBy: r.created_by,
});
export const clueParams = (c: Clue): unknown[] => [
  c.id,
  c.category,
  c.source,
  c.region,
  c.title,
  c.description,
  c.lon,
  c.lat,
  t(c.reportedAt),
  tOrNull(c.dueAt),
  c.status,
  c.assignee,
  c.outcome,
  c.urgent,
  c.gridWorkerId,
  tOrNull(c.resolvedAt),
  t(c.updatedAt),
  c.createdBy,
];

export interface WorkerRow {
  id: string;
  name: string;
  region: string;
  phone: string | null;
  on_duty: boolean;
  last_report_at: Date | null;
}
export const toWorker = (r: WorkerRow): GridWorkerView => ({
  id: r.id,
  name: r.name,
  region: r.region,
  phone: r.phone,
  onDuty: r.on_duty,
  lastReportAt: isoOrNull(r.last_report_at),
});

export interface ReportRow {
  id: string;
  worker_id: string;
  region: string;
  at: Date;
  text: string;
  clue_id: string | null;
}
export const toReport = (r: ReportRow): GridReport => ({
  id: r.id,
  workerId: r.worker_id,
  region: r.region,
  at: isoShanghai(r.at),
  text: r.text,
  clueId: r.clue_id,
});

export interface CredentialRow {
  id: string;
  kind: CredentialRecord['kind'];
  name: string;
  scopes: string[];
  region: string | null;
  hash: string;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
}
export const toCredential = (r: CredentialRow): CredentialRecord => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  scopes: r.scopes,
  region: r.region,
  hash: r.hash,
  createdAt: isoShanghai(r.created_at),
  createdBy: r.created_by,
  revokedAt: isoOrNull(r.revoked_at),
  revokedBy: r.revoked_by,
});

export interface DeliveryRow {
  id: string;
  channel: string;
  rule: string | null;
  region: string;
  kind: string;
  title: string;
  status: DeliveryStatus;
  attempts: number;
  error: string | null;
  merged_into: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  message: Record<string, unknown>;
}
export const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  channel: r.channel,
  rule: r.rule,
  region: r.region,
  kind: r.kind,
  title: r.title,
  status: r.status,
  attempts: r.attempts,
  error: r.error,
  mergedInto: r.merged_into,
  createdAt: isoShanghai(r.created_at),
  updatedAt: isoShanghai(r.updated_at),
  sentAt: isoOrNull(r.sent_at),
  message: r.message,
});
