import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CLUE_CATEGORIES,
  CLUE_STATUSES,
  ClueCreateSchema,
  ClueIdParamsSchema,
  ClueListQuerySchema,
  ClueLookupParamsSchema,
  CluePageSchema,
  CluePatchSchema,
  ClueSchema,
  ClueWithHistorySchema,
  ErrorCode,
} from '@zhihui/shared';
import { fieldError, notFound } from '../domain/errors.js';
import { listOf } from '../domain/validate.js';
import { readableCodes, reaches, rootOf } from '../domain/reach.js';
import { isoAt, parseQueryTime } from '../domain/time.js';
import { errorResponses } from '../plugins/errors.js';
import type { RouteApp } from './routeApp.js';

function timeOf(field: string, raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const t = parseQueryTime(raw);
  if (t === null)
    throw fieldError(field, `'${raw}' is not a date (use ISO 8601, e.g. 2026-11-01 or 2026-11-01T08:00:00+08:00)`);
  return isoAt(t);
}

/**
 * Clues: create (idempotent by id), move along the lifecycle, list and read with history.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // JSON APIs: a text/plain body is a client mistake to answer with 415, not a string to validate.
  app.removeContentTypeParser('text/plain');
  clueWriteRoutes(app);
  clueReadRoutes(app);
};

/** Writes: create a clue (idempotent by id) and move it along its lifecycle. */
function clueWriteRoutes(app: RouteApp): void {
  app.post(
    '/clues',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['clues'],
        summary: 'Report a clue (线索)',
        description:
          "201 with the stored clue; a repeated `id` with the same content answers 200 with the clue as stored (idempotent retries), with other content 409. `reportedAt` defaults to now, `dueAt` to one day (urgent) or three days later. A region outside the key's region is 403.",
        security: [{ bearer: [] }],
        body: ClueCreateSchema,
        response: { 201: ClueSchema, 200: ClueSchema, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const { clue, created } = await app.ingest.createClue(request.body, request.actor, rootOf(request));
      return reply.code(created ? 201 : 200).send(clue);
    },
  );

  app.patch(
    '/clues/:id',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['clues'],
        summary: 'Move a clue along its lifecycle: reported → verified → dispatched → resolved → closed, or invalid',
        description:
          'Every step is kept with its time, actor and note. A step the lifecycle does not allow is a 409 naming both states. Disputes take a mediation `outcome`. Repeating the current status with nothing new is a no-op (safe retries).',
        security: [{ bearer: [] }],
        params: ClueIdParamsSchema,
        body: CluePatchSchema,
        response: { 200: ClueSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request) => app.ingest.patchClue(request.params.id, request.body, request.actor, rootOf(request)),
  );
}

/** Reads: a region's clues by filter, and one clue with its history. */
function clueReadRoutes(app: RouteApp): void {
  app.get(
    '/clues',
    {
      schema: {
        tags: ['clues'],
        summary: 'List clues, newest first, paginated by cursor',
        description:
          "Without `region`, the clues of the credential's own region subtree (every clue when reads are open).",
        querystring: ClueListQuerySchema,
        response: { 200: CluePageSchema, ...errorResponses(400, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      const asked = q.region === undefined || q.region === '' ? undefined : q.region;
      if (asked !== undefined && !app.regions.byCode.has(asked))
        throw fieldError('region', `unknown region code '${asked}'`, ErrorCode.unknownRegion);
      const regions = readableCodes(app.regions, rootOf(request), asked);
      const from = timeOf('from', q.from);
      const to = timeOf('to', q.to);
      if (from !== undefined && to !== undefined && Date.parse(to) <= Date.parse(from))
        throw fieldError('to', 'must be after from');
      return app.store.listClues({
        regions,
        status: listOf('status', q.status, CLUE_STATUSES),
        category: listOf('category', q.category, CLUE_CATEGORIES),
        from,
        to,
        openOnly: q.open,
        cursor: q.cursor,
        limit: q.limit ?? 50,
      });
    },
  );

  app.get(
    '/clues/:id',
    {
      schema: {
        tags: ['clues'],
        summary: 'One clue with its lifecycle history',
        params: ClueLookupParamsSchema,
        response: { 200: ClueWithHistorySchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const found = await app.store.getClue(request.params.id);
      // Another subtree's clue is, to this credential, one that does not exist.
      if (!found || !reaches(app.regions, rootOf(request), found.clue.region))
        throw notFound('clue', request.params.id);
      return { ...found.clue, history: found.history };
    },
  );
}

export default routes;
