import { Type, TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppealCreateSchema, AppealPatchSchema, AppealSchema, TopicCreateSchema, TopicPatchSchema, TopicSchema, VillageBoardSchema } from '@zhihui/shared';
import { AppealService } from '../appeals/service.js';
import { rootOf } from '../domain/reach.js';
import { errorResponses } from '../plugins/errors.js';
import { requestActor } from '../plugins/audit.js';

const Month = Type.Optional(Type.String({ description: 'YYYY-MM (Beijing time)' }));
const Weight = (what: string) => Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: what }));

/**
 * 说事儿: appeals (说事, 办事), topics (议事) and the monthly red and black list of villages (评事).
 * Writes need the `clues` scope (keys) or an operator's or admin's session; reads are as open as
 * the rest of the read API and bound to the reader's region.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.removeContentTypeParser('text/plain');
  const appeals = new AppealService(app.store, () => app.regions);

  app.post(
    '/appeals',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['appeals'],
        summary: '说事: record an appeal (who, village, what, category); the 6th and 16th are marked 说事儿日',
        body: AppealCreateSchema,
        response: { 201: AppealSchema, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => reply.code(201).send(await appeals.create(request.body, requestActor(request), rootOf(request))),
  );

  app.get(
    '/appeals',
    {
      schema: {
        tags: ['appeals'],
        summary: 'Appeals heard in a month (oldest first), in a region subtree',
        querystring: Type.Object({ region: Type.Optional(Type.String()), month: Month }),
        response: { 200: Type.Object({ items: Type.Array(AppealSchema) }), ...errorResponses(400, 403) },
      },
    },
    async (request) => ({ items: await appeals.list(request.query.region, request.query.month, rootOf(request)) }),
  );

  app.patch(
    '/appeals/:id',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['appeals'],
        summary: '办事: an appeal\'s owner, due time, outcome (resolved, explained, referred) or topic',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: AppealPatchSchema,
        response: { 200: AppealSchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => appeals.patch(request.params.id, request.body, requestActor(request), rootOf(request)),
  );

  app.post(
    '/topics',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['appeals'],
        summary: '议事: group appeals of one township into a topic for the 集中议事日 (the 26th)',
        body: TopicCreateSchema,
        response: { 201: Type.Object({ topic: TopicSchema, appeals: Type.Array(AppealSchema) }), ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) => reply.code(201).send(await appeals.createTopic(request.body, requestActor(request), rootOf(request))),
  );

  app.patch(
    '/topics/:id',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['appeals'],
        summary: 'A topic\'s decision, owner, due time and outcome (given to its appeals still without one)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: TopicPatchSchema,
        response: { 200: TopicSchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => appeals.patchTopic(request.params.id, request.body, requestActor(request), rootOf(request)),
  );

  app.get(
    '/topics',
    {
      schema: {
        tags: ['appeals'],
        summary: 'Topics whose meeting falls in a month, in a region subtree',
        querystring: Type.Object({ region: Type.Optional(Type.String()), month: Month }),
        response: { 200: Type.Object({ items: Type.Array(TopicSchema) }), ...errorResponses(400, 403) },
      },
    },
    async (request) => ({ items: await appeals.listTopics(request.query.region, request.query.month, rootOf(request)) }),
  );

  app.get(
    '/regions/:code/village-board',
    {
      schema: {
        tags: ['appeals'],
        summary: '评事: the month\'s red and black list of villages',
        description: 'Score = rate·w_rate − overdue/appeals·w_overdue − repeats/appeals·w_repeats; defaults rate 1, overdue 1, repeats 0.5, 3 villages per list, villages with at least 3 appeals.',
        params: Type.Object({ code: Type.String() }),
        querystring: Type.Object({
          month: Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' }),
          rate: Weight('weight of the resolution rate'),
          overdue: Weight('weight of overdue appeals'),
          repeats: Weight('weight of repeat appeals'),
          size: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
          minAppeals: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
        response: { 200: VillageBoardSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const { month, ...criteria } = request.query;
      return appeals.board(request.params.code, month, criteria, rootOf(request));
    },
  );
};

export default routes;
