import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AuditPageSchema,
  AuditQuerySchema,
  CredentialListSchema,
  CredentialParamsSchema,
  CredentialSchema,
  ErrorCode,
  KeyCreateSchema,
  KeyCreatedSchema,
  MaintenanceBodySchema,
  MaintenanceResultSchema,
  ViewerTokenCreateSchema,
  ViewerTokenCreatedSchema,
} from '@zhihui/shared';
import { AuditAction, auditActorOf } from '../domain/audit.js';
import { SCOPES, publicView, type Principal } from '../domain/credentials.js';
import { HttpError, fieldError, notFound } from '../domain/errors.js';
import { assertWholeTree, covers, outOfReach, type RegionRoot } from '../domain/reach.js';
import { isoAt, parseQueryTime } from '../domain/time.js';
import { errorResponses } from '../plugins/errors.js';
import type { CredentialKind } from '../store/types.js';
import type { RouteApp } from './routeApp.js';

/** The admin of a request (requireAdmin has run). Its region bounds the credentials it manages. */
const adminOf = (request: { principal: Principal | null }): Principal => request.principal!;

/** The credentials of a kind an admin manages, without secrets. */
const list = (app: RouteApp, kind: CredentialKind, by: Principal) => ({
  items: app.credentials.list(kind, by.region).map(publicView),
  // Environment credentials reach the whole tree: only an admin of the whole tree sees them.
  env: by.region === null ? app.credentials.envNames(kind).map((e) => ({ ...e, source: 'env' as const })) : [],
});

/** Revoke a stored credential within the admin's reach; one from the environment is a 409 saying where it lives. */
const revoke = async (app: RouteApp, kind: CredentialKind, id: string, by: Principal) => {
  const cur = app.credentials.get(id);
  // A credential outside the admin's subtree is, for that admin, one that does not exist.
  const rec =
    cur && covers(app.regions, by.region, cur.region) ? await app.credentials.revoke(kind, id, auditActorOf(by)) : null;
  if (!rec) {
    if (by.region === null && app.credentials.envNames(kind).some((e) => e.name === id)) {
      throw new HttpError(
        409,
        ErrorCode.conflict,
        `'${id}' comes from the environment (${kind === 'key' ? 'API_KEYS / ADMIN_KEY' : 'VIEWER_TOKENS'}): remove it there and restart`,
      );
    }
    throw notFound(kind === 'key' ? 'key' : 'viewer token', id);
  }
  return publicView(rec);
};

/** The region a new credential is bound to: the one asked for (inside the admin's own), or the admin's. */
const regionFor = (app: RouteApp, asked: string | undefined, by: Principal): RegionRoot => {
  if (asked === undefined) return by.region;
  if (!app.regions.byCode.has(asked))
    throw fieldError('region', `unknown region code '${asked}'`, ErrorCode.unknownRegion);
  if (!covers(app.regions, by.region, asked)) throw outOfReach(app.regions, by.region!, asked, 'region');
  return asked;
};

/**
 * The admin API (ADMIN_KEY or a key with the admin scope): ingest keys and viewer tokens
 * (created with their secret shown once, listed without secrets, revoked), maintenance windows,
 * and the audit log. Every change here is in the audit log with its actor and time.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', app.requireAdmin);
  keyRoutes(app);
  viewerTokenRoutes(app);
  maintenanceRoute(app);
  auditRoute(app);
};

/** Ingest keys: created with the secret shown once, listed without it, revoked. */
function keyRoutes(app: RouteApp): void {
  app.post(
    '/admin/keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create an ingest key; the response carries the key itself, shown this once',
        description: `Scopes: ${SCOPES.join(', ')}. A key may write only its kinds of records (status reports; camera inventory and maintenance; clues; grid workers and reports), and only inside its \`region\` subtree. \`metrics\` reads /metrics when METRICS=key. \`admin\` includes every scope and this API, for credentials inside its region.`,
        security: [{ bearer: [] }],
        body: KeyCreateSchema,
        response: { 201: KeyCreatedSchema, ...errorResponses(400, 401, 403, 409, 415) },
      },
    },
    async (request, reply) => {
      const by = adminOf(request);
      const spec = {
        name: request.body.name,
        scopes: request.body.scopes,
        region: regionFor(app, request.body.region, by),
      };
      const { record, token } = await app.credentials.create('key', spec, auditActorOf(by));
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...publicView(record), key: token });
    },
  );

  app.get(
    '/admin/keys',
    {
      schema: {
        tags: ['admin'],
        summary: "Ingest and admin keys inside the admin's region, without their secrets",
        security: [{ bearer: [] }],
        response: { 200: CredentialListSchema, ...errorResponses(401, 403) },
      },
    },
    async (request) => list(app, 'key', adminOf(request)),
  );

  app.delete(
    '/admin/keys/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke a key (at once; repeating is harmless)',
        security: [{ bearer: [] }],
        params: CredentialParamsSchema,
        response: { 200: CredentialSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => revoke(app, 'key', request.params.id, adminOf(request)),
  );
}

/** Viewer tokens for walls: the same life as a key, bound to a region. */
function viewerTokenRoutes(app: RouteApp): void {
  app.post(
    '/admin/viewer-tokens',
    {
      schema: {
        tags: ['admin'],
        summary: "Create a wall's display token; the response carries it (and the wall URL with it), shown this once",
        description:
          'A viewer token never expires by itself; revoke it to cut the wall off. It reaches its `region` subtree only (walls, reads, subscribe). Once any viewer token exists (or with REQUIRE_VIEWER=on) pages, reads and sockets need one.',
        security: [{ bearer: [] }],
        body: ViewerTokenCreateSchema,
        response: { 201: ViewerTokenCreatedSchema, ...errorResponses(400, 401, 403, 409, 415) },
      },
    },
    async (request, reply) => {
      const by = adminOf(request);
      const region = regionFor(app, request.body.region, by);
      const { record, token } = await app.credentials.create(
        'viewer',
        { name: request.body.name, scopes: [], region },
        auditActorOf(by),
      );
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({
          ...publicView(record),
          token,
          url: `/wall/${region ?? app.config.region}?token=${encodeURIComponent(token)}`,
        });
    },
  );

  app.get(
    '/admin/viewer-tokens',
    {
      schema: {
        tags: ['admin'],
        summary: "Viewer tokens inside the admin's region, without their secrets",
        security: [{ bearer: [] }],
        response: { 200: CredentialListSchema, ...errorResponses(401, 403) },
      },
    },
    async (request) => list(app, 'viewer', adminOf(request)),
  );

  app.delete(
    '/admin/viewer-tokens/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke a viewer token; walls using it are disconnected',
        security: [{ bearer: [] }],
        params: CredentialParamsSchema,
        response: { 200: CredentialSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => revoke(app, 'viewer', request.params.id, adminOf(request)),
  );
}

/** Maintenance windows set by an admin, within its reach. */
function maintenanceRoute(app: RouteApp): void {
  app.put(
    '/admin/maintenance',
    {
      schema: {
        tags: ['admin'],
        summary: 'Set (or clear with null) a planned maintenance window for channels',
        description: "Channels outside the admin's region are rejected (FORBIDDEN), like unknown ones.",
        security: [{ bearer: [] }],
        body: MaintenanceBodySchema,
        response: { 200: MaintenanceResultSchema, ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request) => {
      const { ids, window } = request.body;
      const res = await app.ingest.setMaintenance(ids, window, request.actor, adminOf(request).region);
      const shown = ids.slice(0, 50);
      if (res.updated === 0) return res;
      const action = window === null ? AuditAction.maintenanceClear : AuditAction.maintenanceSet;
      await app.audit.record(request, action, null, {
        ids: shown,
        more: ids.length - shown.length,
        window,
        updated: res.updated,
        rejected: res.rejected.length,
      });
      return res;
    },
  );
}

/** The audit log, paged, within the admin's reach. */
function auditRoute(app: RouteApp): void {
  app.get(
    '/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary:
          'The audit log, newest first: admin actions, inventory and maintenance changes, and every clue lifecycle step',
        description:
          'The log covers the whole tree, so only an admin of the whole tree (no region) reads it; an admin bound to a region gets 403.',
        security: [{ bearer: [] }],
        querystring: AuditQuerySchema,
        response: { 200: AuditPageSchema, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      assertWholeTree(adminOf(request).region, 'the audit log');
      const q = request.query;
      const time = (field: string, raw: string | undefined) => {
        if (raw === undefined || raw === '') return undefined;
        const t = parseQueryTime(raw);
        if (t === null) throw fieldError(field, `'${raw}' is not a date (ISO 8601)`);
        return isoAt(t);
      };
      return app.store.listAudit({
        from: time('from', q.from),
        to: time('to', q.to),
        actor: q.actor || undefined,
        action: q.action || undefined,
        target: q.target || undefined,
        cursor: q.cursor,
        limit: q.limit ?? 100,
      });
    },
  );
}

export default routes;
