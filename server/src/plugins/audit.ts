import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { appendAudit, auditEntry, auditOfWrite, type AuditActor } from '../domain/audit.js';
import { credentialRef } from '../domain/credentials.js';

/** The audit log as routes write to it. */
export interface AuditService {
  /** Appends a line for what this request did, naming its actor and credential; a failure is logged, never thrown. */
  record(
    request: FastifyRequest,
    action: string,
    target: string | null,
    details: Record<string, unknown> | null,
  ): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditService;
  }
}

/** Who the audit log names for a request: its actor, and the credential behind it (none on anonymous requests). */
export const requestActor = (request: FastifyRequest): AuditActor => ({
  name: request.actor,
  ref: request.principal ? credentialRef(request.principal) : null,
});

/**
 * The audit log: routes record admin actions through app.audit, and inventory-changing writes of
 * the ingest routes are recorded here once they succeeded (clue steps are logged by the store as
 * the clue history). Every line names the actor and the credential id, so two keys that once
 * shared a name, or a key and the simulator, are never confused.
 */
export default fp(
  async (app) => {
    const audit: AuditService = {
      record: (request, action, target, details) =>
        appendAudit(app.store, [auditEntry(requestActor(request), action, target, details)], (err) =>
          request.log.error({ err }, 'could not write the audit log'),
        ),
    };
    app.decorate('audit', audit);

    app.addHook('preSerialization', async (request, reply, payload) => {
      if (reply.statusCode >= 300 || request.method === 'GET' || request.method === 'HEAD') return payload;
      const a = auditOfWrite(request.method, request.routeOptions.url, request.body, payload);
      if (a) await audit.record(request, a.action, null, a.details);
      return payload;
    });
  },
  { name: 'audit', fastify: '5.x', dependencies: ['store', 'identify'] },
);
