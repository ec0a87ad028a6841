import type { AuditEntry, Store } from '../store/types.js';
import { credentialRef, type Principal } from './credentials.js';
import { isoAt } from './time.js';

/** Actions the server writes to the audit log itself (clue steps come from the clue history). */
export const AuditAction = {
  keyCreate: 'key.create',
  keyRevoke: 'key.revoke',
  viewerCreate: 'viewer.create',
  viewerRevoke: 'viewer.revoke',
  maintenanceSet: 'maintenance.set',
  maintenanceClear: 'maintenance.clear',
  camerasUpsert: 'cameras.upsert',
  workersUpsert: 'grid.workers.upsert',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** Who acted, as the audit log names them: the actor's name and the credential behind it (see AuditEntry.actorId). */
export interface AuditActor {
  name: string;
  ref: string | null;
}

export function auditEntry(
  by: AuditActor,
  action: string,
  target: string | null,
  details: Record<string, unknown> | null,
  now = Date.now(),
): AuditEntry {
  return { at: isoAt(now), actor: by.name, actorId: by.ref, action, target, details };
}

/**
 * Inventory-changing writes that go through the ingest routes (not the admin API) and are logged
 * after they succeed: route pattern → action and a summary of the request.
 */
export function auditOfWrite(
  method: string,
  url: string | undefined,
  body: unknown,
  result: unknown,
): { action: string; details: Record<string, unknown> } | null {
  const b = (body ?? {}) as Record<string, unknown>;
  const r = (result ?? {}) as Record<string, unknown>;
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  const rejected = count(r.rejected);
  // A request that changed nothing (every row rejected) leaves no trace: rejected input never changes stored data.
  const changed = typeof r.upserted === 'number' ? r.upserted : typeof r.updated === 'number' ? r.updated : 0;
  if (changed === 0) return null;
  if (method === 'PUT' && url === '/api/v1/cameras')
    return {
      action: AuditAction.camerasUpsert,
      details: { rows: count(b.cameras), upserted: r.upserted ?? null, rejected },
    };
  if (method === 'PUT' && url === '/api/v1/cameras/maintenance') {
    const ids = Array.isArray(b.ids) ? b.ids.slice(0, 50) : [];
    return {
      action: b.window === null ? AuditAction.maintenanceClear : AuditAction.maintenanceSet,
      details: {
        ids,
        more: Math.max(0, count(b.ids) - ids.length),
        window: b.window ?? null,
        updated: r.updated ?? null,
        rejected,
      },
    };
  }
  if (method === 'PUT' && url === '/api/v1/grid/workers')
    return {
      action: AuditAction.workersUpsert,
      details: { rows: count(b.workers), upserted: r.upserted ?? null, rejected },
    };
  return null;
}

/** Appends to the audit log when the store keeps one; a failure is reported, never thrown over the action it records. */
export async function appendAudit(store: Store, entries: AuditEntry[], onError: (err: unknown) => void): Promise<void> {
  try {
    await store.appendAudit(entries);
  } catch (err) {
    onError(err);
  }
}

/** A principal as the audit log names it. */
export const auditActorOf = (p: Principal): AuditActor => ({ name: p.name, ref: credentialRef(p) });
