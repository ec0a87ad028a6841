import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ErrorCode,
  GridReportCreateSchema,
  GridReportListQuerySchema,
  GridReportPageSchema,
  GridReportResultSchema,
  GridWorkerViewSchema,
  UpsertResultSchema,
  WorkerDutySchema,
  WorkerListQuerySchema,
  WorkerListSchema,
  WorkerParamsSchema,
  WorkersBodySchema,
} from '@zhihui/shared';
import { HttpError, fieldError } from '../domain/errors.js';
import { gridReportPage } from '../domain/gridReportList.js';
import { assertReaches, reaches, readableCodes, rootOf } from '../domain/reach.js';
import { errorResponses } from '../plugins/errors.js';
import { bearerOf, countFailedAuth } from '../plugins/identify.js';
import type { RouteApp } from './routeApp.js';

/** Grid workers (网格员): inventory, on-duty flag, patrol reports (which may raise a clue). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // JSON APIs: a text/plain body is a client mistake to answer with 415, not a string to validate.
  app.removeContentTypeParser('text/plain');

  /**
   * Grid reports name residents and their troubles: a person signed in or an API key reads them,
   * within its region subtree; a wall's viewer token and an anonymous read do not.
   */
  async function requirePersonOrKey(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.principal === null) {
      const token = bearerOf(request.headers.authorization);
      const who = token === null ? await app.people.of(request) : null;
      if (who) app.people.adopt(request, who, { csrf: false });
      else if (token !== null) {
        const p = app.identify.principal(token);
        if (!p) await countFailedAuth(app.identify, request, reply, token);
        else {
          request.principal = p;
          request.actor = p.name;
        }
      }
    }
    const p = request.principal;
    if (p === null) {
      reply.header('www-authenticate', 'Bearer realm="zhihui"');
      throw new HttpError(
        401,
        ErrorCode.unauthorized,
        'grid reports need a signed-in session or Authorization: Bearer <key>',
      );
    }
    if (p.role === 'viewer' && !p.person)
      throw new HttpError(403, ErrorCode.forbidden, 'a viewer token shows walls; grid reports are for the desk');
  }
  workerRoutes(app);
  reportRoutes(app, requirePersonOrKey);
};

/** Grid workers: the inventory, its list, and each worker's on-duty flag. */
function workerRoutes(app: RouteApp): void {
  app.put(
    '/grid/workers',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['grid'],
        summary: 'Upsert grid workers',
        description:
          'Rows are checked one by one; valid rows are stored, the others listed in `rejected`. Last report time is kept.',
        security: [{ bearer: [] }],
        body: WorkersBodySchema,
        response: { 200: UpsertResultSchema, ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request) => app.ingest.upsertWorkers(request.body.workers, request.actor, rootOf(request)),
  );

  app.get(
    '/grid/workers',
    {
      schema: {
        tags: ['grid'],
        summary: "Grid workers of one region subtree; without `region`, of the credential's own",
        querystring: WorkerListQuerySchema,
        response: { 200: WorkerListSchema, ...errorResponses(400, 403) },
      },
    },
    async (request) => {
      const region = request.query.region;
      if (region !== undefined && !app.regions.byCode.has(region))
        throw fieldError('region', `unknown region code '${region}'`, ErrorCode.unknownRegion);
      const root = rootOf(request);
      if (region !== undefined) assertReaches(app.regions, root, region, 'region');
      const under = region ?? root;
      const all = await app.store.allGridWorkers();
      return { items: under === null ? all : all.filter((w) => reaches(app.regions, under, w.region)) };
    },
  );

  app.put(
    '/grid/workers/:id/duty',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['grid'],
        summary: 'Set whether a grid worker is on duty',
        security: [{ bearer: [] }],
        params: WorkerParamsSchema,
        body: WorkerDutySchema,
        response: { 200: GridWorkerViewSchema, ...errorResponses(400, 401, 404, 415) },
      },
    },
    async (request) => app.ingest.setWorkerDuty(request.params.id, request.body.onDuty, request.actor, rootOf(request)),
  );
}

/** Patrol reports: read behind the person-or-key gate; a filed report may raise a clue. */
function reportRoutes(
  app: RouteApp,
  requirePersonOrKey: (request: FastifyRequest, reply: FastifyReply) => Promise<void>,
): void {
  app.get(
    '/grid/reports',
    {
      onRequest: requirePersonOrKey,
      schema: {
        tags: ['grid'],
        summary:
          "Recent grid reports of a region subtree, newest first, paged by cursor; without `region`, of the credential's own",
        description:
          'Each report comes with what a clue made from it starts with: the village it names, the category and point of the clue it raised (or a category its words suggest and the seat of its region).',
        security: [{ bearer: [] }],
        querystring: GridReportListQuerySchema,
        response: { 200: GridReportPageSchema, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const asked = request.query.region || undefined;
      if (asked !== undefined && !app.regions.byCode.has(asked))
        throw fieldError('region', `unknown region code '${asked}'`, ErrorCode.unknownRegion);
      const regions = readableCodes(app.regions, rootOf(request), asked);
      return gridReportPage(app.store, app.regions, regions, request.query, Date.now());
    },
  );

  app.post(
    '/grid/reports',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['grid'],
        summary: "File a grid worker's report; with `clue` it also raises a clue (source grid, the worker's region)",
        security: [{ bearer: [] }],
        body: GridReportCreateSchema,
        response: { 201: GridReportResultSchema, 200: GridReportResultSchema, ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      // 201 for a new report; 200 for a retry of one already stored under the same id.
      const res = await app.ingest.gridReport(request.body, request.actor, rootOf(request));
      return reply.code(res.created ? 201 : 200).send(res);
    },
  );
}

export default routes;
