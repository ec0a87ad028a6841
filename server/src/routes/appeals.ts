import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AppealCreateSchema,
  AppealIdParamsSchema,
  AppealListQuerySchema,
  AppealListSchema,
  AppealPatchSchema,
  AppealSchema,
  CodeParamsSchema,
  TopicCreateSchema,
  TopicCreatedSchema,
  TopicListSchema,
  TopicPatchSchema,
  TopicSchema,
  VillageBoardQuerySchema,
  VillageBoardSchema,
} from '@zhihui/shared';
import { AppealService } from '../appeals/service.js';
import { rootOf } from '../domain/reach.js';
import { errorResponses } from '../plugins/errors.js';
import { requestActor } from '../plugins/audit.js';
import type { RouteApp } from './routeApp.js';

/**
 * 说事儿: appeals (说事, 办事), topics (议事) and the monthly red and black list of villages (评事).
 * Writes need the `clues` scope (keys) or an operator's or admin's session; reads are as open as
 * the rest of the read API and bound to the reader's region.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.removeContentTypeParser('text/plain');
  const appeals = new AppealService(app.store, () => app.regions);
  appealRoutes(app, appeals);
  topicRoutes(app, appeals);
  villageBoardRoutes(app, appeals);
};

/** 说事 and 办事: raise, list and move an appeal along. */
function appealRoutes(app: RouteApp, appeals: AppealService): void {
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
    async (request, reply) =>
      reply.code(201).send(await appeals.create(request.body, requestActor(request), rootOf(request))),
  );

  app.get(
    '/appeals',
    {
      schema: {
        tags: ['appeals'],
        summary: 'Appeals heard in a month (oldest first), in a region subtree',
        querystring: AppealListQuerySchema,
        response: { 200: AppealListSchema, ...errorResponses(400, 403) },
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
        summary: "办事: an appeal's owner, due time, outcome (resolved, explained, referred) or topic",
        params: AppealIdParamsSchema,
        body: AppealPatchSchema,
        response: { 200: AppealSchema, ...errorResponses(400, 401, 403, 404, 413, 415) },
      },
    },
    async (request) => appeals.patch(request.params.id, request.body, requestActor(request), rootOf(request)),
  );
}

/** 议事: topics put to a village, and their outcome. */
function topicRoutes(app: RouteApp, appeals: AppealService): void {
  app.post(
    '/topics',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['appeals'],
        summary: '议事: group appeals of one township into a topic for the 集中议事日 (the 26th)',
        body: TopicCreateSchema,
        response: { 201: TopicCreatedSchema, ...errorResponses(400, 401, 403, 409, 413, 415) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await appeals.createTopic(request.body, requestActor(request), rootOf(request))),
  );

  app.patch(
    '/topics/:id',
    {
      onRequest: app.requireWriter,
      schema: {
        tags: ['appeals'],
        summary: "A topic's decision, owner, due time and outcome (given to its appeals still without one)",
        params: AppealIdParamsSchema,
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
        querystring: AppealListQuerySchema,
        response: { 200: TopicListSchema, ...errorResponses(400, 403) },
      },
    },
    async (request) => ({
      items: await appeals.listTopics(request.query.region, request.query.month, rootOf(request)),
    }),
  );
}

/** 评事: the monthly red and black list of a region's villages. */
function villageBoardRoutes(app: RouteApp, appeals: AppealService): void {
  app.get(
    '/regions/:code/village-board',
    {
      schema: {
        tags: ['appeals'],
        summary: "评事: the month's red and black list of villages",
        description:
          'Score = rate·w_rate − overdue/appeals·w_overdue − repeats/appeals·w_repeats; defaults rate 1, overdue 1, repeats 0.5, 3 villages per list, villages with at least 3 appeals.',
        params: CodeParamsSchema,
        querystring: VillageBoardQuerySchema,
        response: { 200: VillageBoardSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const { month, ...criteria } = request.query;
      return appeals.board(request.params.code, month, criteria, rootOf(request));
    },
  );
}

export default routes;
