import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ErrorCode,
  GridReportCreateSchema,
  GridReportResultSchema,
  GridWorkerViewSchema,
  UpsertResultSchema,
  WorkerDutySchema,
  WorkerListQuerySchema,
  WorkerListSchema,
  WorkerParamsSchema,
  WorkersBodySchema,
} from '@zhihui/shared';
import { fieldError } from '../domain/errors.js';
import { assertReaches, reaches, rootOf } from '../domain/reach.js';
import { errorResponses } from '../plugins/errors.js';

/** Grid workers (网格员): inventory, on-duty flag, patrol reports (which may raise a clue). */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // JSON APIs: a text/plain body is a client mistake to answer with 415, not a string to validate.
  app.removeContentTypeParser('text/plain');

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
};

export default routes;
