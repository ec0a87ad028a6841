import {
  TypeBoxValidatorCompiler,
  type FastifyPluginAsyncTypebox,
  type TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import {
  CatalogResultSchema,
  CatalogSyncBodySchema,
  ChannelClaimsParamsSchema,
  ChannelClaimsSchema,
  ErrorCode,
  HookAnswerSchema,
  HookParamsSchema,
  HookQuerySchema,
  SourceListSchema,
  SourceParamsSchema,
  SourceViewSchema,
} from '@zhihui/shared';
import { HttpError, notFound } from '../domain/errors.js';
import { errorResponses } from '../plugins/errors.js';
import { countFailedAuth } from '../plugins/identify.js';
import { assertWholeTree, rootOf } from '../domain/reach.js';
import { WvpSource } from '../sources/wvp.js';
import { ZLM_HOOKS, ZlmSource, type ZlmHook } from '../sources/zlm.js';
import type { RouteApp } from './routeApp.js';

const security = [{ bearer: [] }];

/**
 * The sources API. Admin: the sources with their health, what each says about a channel, and
 * wvp's catalog import (dry run first). Open to ZLMediaKit: its web hooks, authenticated by the
 * source's shared secret (`?token=`) or address allow-list, answered as a bystander.
 *
 * Region scoping: every source here is deployment-wide, so these routes are for the deployment's
 * admin; a region admin must not see sources (or import catalogs) outside their subtree.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  await app.register(async (scope) => {
    const admin = scope.withTypeProvider<TypeBoxTypeProvider>();
    admin.addHook('onRequest', app.requireAdmin);
    admin.addHook('onRequest', async (request) => assertWholeTree(rootOf(request), 'the sources API'));
    healthRoutes(admin);
    catalogRoute(admin);
  });

  await app.register(async (scope) => {
    const hooks = scope.withTypeProvider<TypeBoxTypeProvider>();
    // ZLMediaKit posts JSON; anything else is still taken in, so that a wrong body is counted, not refused unseen.
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    zlmHookRoute(hooks);
  });
};

/** The sources with their health, one source, and what each source says about one channel. */
function healthRoutes(app: RouteApp): void {
  app.get(
    '/sources',
    {
      schema: {
        tags: ['sources'],
        summary: 'The status sources of the config file, with their health',
        description:
          'Per source: kind, up/down, connected, last message, messages and bad input per minute, channels covered, last error. The same figures are in /metrics (zhihui_source_*).',
        security,
        response: { 200: SourceListSchema, ...errorResponses(401, 403) },
      },
    },
    async () => ({ sources: app.sources.list() }),
  );

  app.get(
    '/sources/:id',
    {
      schema: {
        tags: ['sources'],
        summary: 'One status source with its health',
        security,
        params: SourceParamsSchema,
        response: { 200: SourceViewSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const v = app.sources.view(request.params.id);
      if (!v) throw notFound('source', request.params.id);
      return v;
    },
  );

  app.get(
    '/sources/channels/:cameraId',
    {
      schema: {
        tags: ['sources'],
        summary: 'What each source says about one channel, and whose word is in force',
        description:
          'The history (status events) records the source of each change as the actor source:<id>; this shows the current claims, including those held back by precedence or flap damping.',
        security,
        params: ChannelClaimsParamsSchema,
        response: { 200: ChannelClaimsSchema, ...errorResponses(401, 403) },
      },
    },
    async (request) => ({ cameraId: request.params.cameraId, ...app.sources.channel(request.params.cameraId) }),
  );
}

/** wvp's catalog import: a dry run unless apply is true; a platform that answers wrongly is a 502. */
function catalogRoute(app: RouteApp): void {
  app.post(
    '/sources/:id/sync-catalog',
    {
      schema: {
        tags: ['sources'],
        summary: "Import a wvp platform's channel catalog into the inventory (a dry run unless apply is true)",
        description:
          'Channels with 20-digit GB/T 28181 ids, their names and positions; the region from the catalog.regions mapping table, the civil code (an NBS township or county code), the county in the GB id, or catalog.defaultRegion. Without apply it only lists what it would add and change; run it with apply: true to write them (the audit log records it).',
        security,
        params: SourceParamsSchema,
        body: CatalogSyncBodySchema,
        response: { 200: CatalogResultSchema, ...errorResponses(400, 401, 403, 404, 409, 502) },
      },
    },
    async (request) => {
      const adapter = app.sources.adapters.get(request.params.id);
      if (!adapter) throw notFound('source', request.params.id);
      if (!(adapter instanceof WvpSource))
        throw new HttpError(
          409,
          ErrorCode.conflict,
          `source '${request.params.id}' is not a wvp platform: only wvp has a catalog to import`,
        );
      if (!adapter.api)
        throw new HttpError(
          409,
          ErrorCode.conflict,
          `source '${request.params.id}' has no api: set api.url and its credentials in the config file`,
        );
      const apply = request.body?.apply === true;
      try {
        return await adapter.syncCatalog(apply, request.actor);
      } catch (err) {
        if (err instanceof HttpError) throw err;
        throw new HttpError(
          502,
          ErrorCode.upstream,
          `the platform did not answer as expected: ${(err as Error).message}`,
        );
      }
    },
  );
}

/** ZLMediaKit's web hooks: authenticated by the source's secret or address, answered as a bystander. */
function zlmHookRoute(app: RouteApp): void {
  app.post(
    '/sources/:id/hooks/:hook',
    {
      // A media server posts many hooks from one address: not a client to throttle.
      config: { rateLimit: false },
      schema: {
        tags: ['sources'],
        summary:
          'ZLMediaKit web hooks (on_stream_changed, on_stream_none_reader, on_server_keepalive, on_rtp_server_timeout)',
        description:
          "Point ZLMediaKit's hook URLs here with ?token=<the source's secret> (or allow its address). Answers as a bystander: {code: 0}; on_stream_none_reader never asks to close the stream.",
        params: HookParamsSchema,
        querystring: HookQuerySchema,
        response: { 200: HookAnswerSchema, ...errorResponses(401, 404, 429) },
      },
    },
    async (request, reply) => {
      const { id, hook } = request.params;
      const adapter = app.sources.adapters.get(id);
      if (!(adapter instanceof ZlmSource)) throw notFound('ZLMediaKit source', id);
      if (!(ZLM_HOOKS as readonly string[]).includes(hook)) throw notFound('hook', hook);
      const token = request.query.token ?? null;
      if (!adapter.authorized({ ip: request.ip, token })) {
        app.sources.feeds.get(id)?.bad('bad_auth', `${hook} from ${request.ip} without the source's token`);
        // Counted with every other failed authentication: whoever keeps guessing the secret waits longer each time.
        await countFailedAuth(app.identify, request, reply, token);
        throw new HttpError(
          401,
          ErrorCode.unauthorized,
          "hook refused: give the source's secret as ?token= or post from an allowed address",
        );
      }
      let body: unknown = request.body;
      if (typeof body === 'string') {
        try {
          body = JSON.parse(body);
        } catch {
          body = null;
        }
      }
      const answer = adapter.hook(hook as ZlmHook, body);
      return reply.code(answer.status as 200).send(answer.body);
    },
  );
}

export default routes;
