import {
  msAt,
  type CameraReason,
  type CameraStatus,
  type Clue,
  type ClueEvent,
  type GridReport,
  type GridWorkerView,
  type Region,
} from '@zhihui/shared';
import { isoAt } from '../isoAt.js';
import type {
  AuditEntry,
  CameraRecord,
  CredentialRecord,
  DeliveryRecord,
  DeliveryStatus,
  StatusEvent,
} from '../types.js';

type Row = Record<string, unknown>;

/** A channel as held in memory: times as epoch ms, so the ingest path compares numbers. */
export interface CamRow {
  id: string;
  name: string;
  region: string;
  lon: number;
  lat: number;
  inService: boolean;
  status: CameraStatus;
  reason: CameraReason | null;
  since: number;
  /**
   * `since` as text when it is known already (the report that started the state gave it in the
   * store's form), else null and toRecord formats it. Set wherever `since` is.
   */
  sinceIso: string | null;
  lastSeen: number | null;
  mReason: string | null;
  mFrom: number | null;
  mTo: number | null;
  /** Since when the channel counts (#18.2). */
  validFrom: number;
  /** `validFrom` as text, made by the first toRecord (it never changes, and the copies share it). */
  validFromIso: string | null;
}

/** An instant as the store keeps it (epoch ms); anything Date.parse cannot read is refused. */
export const ms = (iso: string): number => {
  const t = msAt(iso);
  if (!Number.isFinite(t)) throw new RangeError(`not a time: ${iso}`);
  return t;
};

/**
 * A channel as the rest of the server sees it. A storm makes one per change, so the texts made
 * already are reused: the report's instant, and the validity formatted once per channel.
 */
export function toRecord(c: CamRow): CameraRecord {
  const since = c.sinceIso ?? isoAt(c.since);
  return {
    id: c.id,
    name: c.name,
    region: c.region,
    lon: c.lon,
    lat: c.lat,
    inService: c.inService,
    status: c.status,
    reason: c.reason,
    since,
    // A change heard just now starts its state at its last sign of life: one string for both.
    lastSeen: c.lastSeen === null ? null : c.lastSeen === c.since ? since : isoAt(c.lastSeen),
    maintenance:
      c.mReason !== null && c.mFrom !== null && c.mTo !== null
        ? { reason: c.mReason, from: isoAt(c.mFrom), to: isoAt(c.mTo) }
        : null,
    validFrom: (c.validFromIso ??= isoAt(c.validFrom)),
  };
}

export function camFromRow(r: Row): CamRow {
  return {
    id: r.id as string,
    name: r.name as string,
    region: r.region as string,
    lon: r.lon as number,
    lat: r.lat as number,
    inService: r.in_service === 1,
    status: r.status as CameraStatus,
    reason: (r.reason as CameraReason | null) ?? null,
    since: r.since as number,
    sinceIso: null,
    lastSeen: (r.last_seen as number | null) ?? null,
    mReason: (r.m_reason as string | null) ?? null,
    mFrom: (r.m_from as number | null) ?? null,
    mTo: (r.m_to as number | null) ?? null,
    validFrom: (r.valid_from as number | null) ?? (r.created_at as number),
    validFromIso: null,
  };
}

// The other tables' rows to their records (times from epoch ms to the Shanghai form), and back.

export const statusEventFromRow = (r: Row): StatusEvent => ({
  cameraId: r.camera_id as string,
  from: r.from_status as CameraStatus,
  to: r.to_status as CameraStatus,
  reason: (r.reason as CameraReason | null) ?? null,
  at: isoAt(r.at as number),
  actor: r.actor as string,
});

export const msOrNull = (iso: string | null | undefined): number | null => (iso == null ? null : ms(iso));
export const isoOrNull = (t: unknown): string | null => (t == null ? null : isoAt(Number(t)));

export function clueFromRow(r: Row): Clue {
  return {
    id: r.id as string,
    category: r.category as Clue['category'],
    source: r.source as Clue['source'],
    region: r.region as string,
    title: r.title as string,
    description: (r.description as string | null) ?? null,
    lon: (r.lon as number | null) ?? null,
    lat: (r.lat as number | null) ?? null,
    reportedAt: isoAt(r.reported_at as number),
    dueAt: isoOrNull(r.due_at),
    status: r.status as Clue['status'],
    assignee: (r.assignee as string | null) ?? null,
    outcome: (r.outcome as Clue['outcome']) ?? null,
    urgent: r.urgent === 1,
    gridWorkerId: (r.grid_worker_id as string | null) ?? null,
    resolvedAt: isoOrNull(r.resolved_at),
    updatedAt: isoAt(r.updated_at as number),
    createdBy: r.created_by as string,
  };
}

export function clueParams(c: Clue): Row {
  return {
    id: c.id,
    category: c.category,
    source: c.source,
    region: c.region,
    title: c.title,
    description: c.description,
    lon: c.lon,
    lat: c.lat,
    reported_at: ms(c.reportedAt),
    due_at: msOrNull(c.dueAt),
    status: c.status,
    assignee: c.assignee,
    outcome: c.outcome,
    urgent: c.urgent ? 1 : 0,
    grid_worker_id: c.gridWorkerId,
    resolved_at: msOrNull(c.resolvedAt),
    updated_at: ms(c.updatedAt),
    created_by: c.createdBy,
  };
}

export const eventFromRow = (r: Row): ClueEvent => ({
  from: (r.from_status as ClueEvent['from']) ?? null,
  to: r.to_status as ClueEvent['to'],
  at: isoAt(r.at as number),
  actor: r.actor as string,
  note: (r.note as string | null) ?? null,
});

export const workerFromRow = (r: Row): GridWorkerView => ({
  id: r.id as string,
  name: r.name as string,
  region: r.region as string,
  phone: (r.phone as string | null) ?? null,
  onDuty: r.on_duty === 1,
  lastReportAt: isoOrNull(r.last_report_at),
});

export const reportFromRow = (r: Row): GridReport => ({
  id: r.id as string,
  workerId: r.worker_id as string,
  region: r.region as string,
  at: isoAt(r.at as number),
  text: r.text as string,
  clueId: (r.clue_id as string | null) ?? null,
});

export const regionFromRow = (r: Row): Region => {
  const region: Region = {
    code: r.code as string,
    name: r.name as string,
    level: r.level as Region['level'],
    parent: (r.parent as string | null) ?? null,
    center: r.lon == null || r.lat == null ? null : [r.lon as number, r.lat as number],
  };
  if (r.approximate != null) region.approximate = r.approximate === 1;
  return region;
};

export const credentialFromRow = (r: Row): CredentialRecord => ({
  id: r.id as string,
  kind: r.kind as CredentialRecord['kind'],
  name: r.name as string,
  scopes: JSON.parse(r.scopes as string) as string[],
  region: (r.region as string | null) ?? null,
  hash: r.hash as string,
  createdAt: isoAt(r.created_at as number),
  createdBy: r.created_by as string,
  revokedAt: isoOrNull(r.revoked_at),
  revokedBy: (r.revoked_by as string | null) ?? null,
});

export const auditFromRow = (r: Row): AuditEntry => ({
  at: isoAt(r.at as number),
  actor: r.actor as string,
  actorId: (r.actor_id as string | null) ?? null,
  action: r.action as string,
  target: (r.target as string | null) ?? null,
  details: r.details == null ? null : (JSON.parse(r.details as string) as Record<string, unknown>),
});

export const deliveryFromRow = (r: Row): DeliveryRecord => ({
  id: r.id as string,
  channel: r.channel as string,
  rule: (r.rule as string | null) ?? null,
  region: r.region as string,
  kind: r.kind as string,
  title: r.title as string,
  status: r.status as DeliveryStatus,
  attempts: r.attempts as number,
  error: (r.error as string | null) ?? null,
  mergedInto: (r.merged_into as string | null) ?? null,
  createdAt: isoAt(r.created_at as number),
  updatedAt: isoAt(r.updated_at as number),
  sentAt: isoOrNull(r.sent_at),
  message: JSON.parse(r.message as string) as Record<string, unknown>,
});
