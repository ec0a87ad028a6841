import { Type, TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CameraIdSchema, ErrorCode, MAX_INVENTORY_ROWS, MaintenanceWindowSchema, RejectedItemSchema } from '@zhihui/shared';
import { appendAudit, auditEntry, AuditAction } from '../domain/audit.js';
import { SCOPES, publicView, type Scope } from '../domain/credentials.js';
import { HttpError, fieldError, notFound } from '../domain/errors.js';
import { isoAt, parseQueryTime } from '../domain/time.js';
import { errorResponses } from '../plugins/errors.js';
import type { CredentialKind } from '../store/types.js';

const CredentialSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('key'), Type.Literal('viewer')]),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  createdBy: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  revokedBy: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  source: Type.Literal('admin'),
});
const EnvCredentialSchema = Type.Object({ name: Type.String(), role: Type.String(), source: Type.Literal('env') });
const ListSchema = Type.Object({ items: Type.Array(CredentialSchema), env: Type.Array(EnvCredentialSchema) });
const NameSchema = Type.String({ minLength: 1, maxLength: 64, description: 'who holds it; the actor of what it writes' });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const AuditEntrySchema = Type.Object({
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

/**
 * The admin API (ADMIN_KEY or a key with the admin scope): ingest keys and viewer tokens
 * (created with their secret shown once, listed without secrets, revoked), maintenance windows,
 * and the audit log. Every change here is in the audit log with its actor and time.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', app.requireAdmin);

  const list = (kind: CredentialKind) => ({
    items: app.auth.list(kind).map(publicView),
    env: app.auth.envNames(kind).map((e) => ({ ...e, source: 'env' as const })),
  });
  const revoke = async (kind: CredentialKind, id: string, actor: string) => {
    const rec = await app.auth.revoke(kind, id, actor);
    if (!rec) {
      if (app.auth.envNames(kind).some((e) => e.name === id)) {
        throw new HttpError(409, ErrorCode.conflict, `'${id}' comes from the environment (${kind === 'key' ? 'API_KEYS / ADMIN_KEY' : 'VIEWER_TOKENS'}): remove it there and restart`);
      }
      throw notFound(kind === 'key' ? 'key' : 'viewer token', id);
    }
    return publicView(rec);
  };

  app.post(
    '/admin/keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create an ingest key; the response carries the key itself, shown this once',
        description: `Scopes: ${SCOPES.join(', ')}. A key may write only its kinds of records (status reports; camera inventory and maintenance; clues; grid workers and reports). \`admin\` includes every scope and this API.`,
        security: [{ bearer: [] }],
        body: Type.Object({ name: NameSchema, scopes: Type.Array(Type.Enum(SCOPES), { minItems: 1, maxItems: SCOPES.length }) }, { additionalProperties: false }),
        response: { 201: Type.Intersect([CredentialSchema, Type.Object({ key: Type.String() })]), ...errorResponses(400, 401, 403, 409, 415) },
      },
    },
    async (request, reply) => {
      const { record, token } = await app.auth.create('key', request.body.name, request.body.scopes as Scope[], request.actor);
      return reply.code(201).header('cache-control', 'no-store').send({ ...publicView(record), key: token });
    },
  );

  app.get('/admin/keys', { schema: { tags: ['admin'], summary: 'Ingest and admin keys, without their secrets', security: [{ bearer: [] }], response: { 200: ListSchema, ...errorResponses(401, 403) } } }, async () => list('key'));

  app.delete(
    '/admin/keys/:id',
    { schema: { tags: ['admin'], summary: 'Revoke a key (at once; repeating is harmless)', security: [{ bearer: [] }], params: IdParams, response: { 200: CredentialSchema, ...errorResponses(401, 403, 404, 409) } } },
    async (request) => revoke('key', request.params.id, request.actor),
  );

  app.post(
    '/admin/viewer-tokens',
    {
      schema: {
        tags: ['admin'],
        summary: "Create a wall's display token; the response carries it (and the wall URL with it), shown this once",
        description: 'A viewer token never expires by itself; revoke it to cut the wall off. Once any viewer token exists (or with REQUIRE_VIEWER=on) pages, reads and sockets need one.',
        security: [{ bearer: [] }],
        body: Type.Object({ name: NameSchema, region: Type.Optional(Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$' })) }, { additionalProperties: false }),
        response: { 201: Type.Intersect([CredentialSchema, Type.Object({ token: Type.String(), url: Type.String() })]), ...errorResponses(400, 401, 403, 409, 415) },
      },
    },
    async (request, reply) => {
      const region = request.body.region ?? app.config.region;
      if (!app.regions.byCode.has(region)) throw fieldError('region', `unknown region code '${region}'`, ErrorCode.unknownRegion);
      const { record, token } = await app.auth.create('viewer', request.body.name, [], request.actor);
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...publicView(record), token, url: `/wall/${region}?token=${encodeURIComponent(token)}` });
    },
  );

  app.get('/admin/viewer-tokens', { schema: { tags: ['admin'], summary: 'Viewer tokens, without their secrets', security: [{ bearer: [] }], response: { 200: ListSchema, ...errorResponses(401, 403) } } }, async () => list('viewer'));

  app.delete(
    '/admin/viewer-tokens/:id',
    { schema: { tags: ['admin'], summary: 'Revoke a viewer token; walls using it are disconnected', security: [{ bearer: [] }], params: IdParams, response: { 200: CredentialSchema, ...errorResponses(401, 403, 404, 409) } } },
    async (request) => revoke('viewer', request.params.id, request.actor),
  );

  app.put(
    '/admin/maintenance',
    {
      schema: {
        tags: ['admin'],
        summary: 'Set (or clear with null) a planned maintenance window for channels',
        security: [{ bearer: [] }],
        body: Type.Object({ ids: Type.Array(CameraIdSchema, { minItems: 1, maxItems: MAX_INVENTORY_ROWS }), window: Type.Union([MaintenanceWindowSchema, Type.Null()]) }, { additionalProperties: false }),
        response: { 200: Type.Object({ updated: Type.Integer(), rejected: Type.Array(RejectedItemSchema) }), ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request) => {
      const { ids, window } = request.body;
      const res = await app.ingest.setMaintenance(ids, window, request.actor);
      const shown = ids.slice(0, 50);
      if (res.updated === 0) return res;
      await appendAudit(
        app.store,
        [auditEntry(request.actor, window === null ? AuditAction.maintenanceClear : AuditAction.maintenanceSet, null, { ids: shown, more: ids.length - shown.length, window, updated: res.updated, rejected: res.rejected.length })],
        (err) => request.log.error({ err }, 'could not write the audit log'),
      );
      return res;
    },
  );

  app.get(
    '/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'The audit log, newest first: admin actions, inventory and maintenance changes, and every clue lifecycle step',
        security: [{ bearer: [] }],
        querystring: Type.Object({
          from: Type.Optional(Type.String({ maxLength: 40 })),
          to: Type.Optional(Type.String({ maxLength: 40 })),
          actor: Type.Optional(Type.String({ maxLength: 64 })),
          action: Type.Optional(Type.String({ maxLength: 64, description: "exact, or a prefix ending in '.', e.g. clue." })),
          target: Type.Optional(Type.String({ maxLength: 200 })),
          cursor: Type.Optional(Type.String({ maxLength: 500 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(AuditEntrySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
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
};

export default routes;
