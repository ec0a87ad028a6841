import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CodeParamsSchema,
  RegionDetailSchema,
  RegionListSchema,
  RegionSummarySchema,
  SummaryQuerySchema,
  ancestorsOf,
  childrenOf,
} from '@zhihui/shared';
import { regionInReach, rootOf, visibleTree } from '../domain/reach.js';
import { computeSummary } from '../domain/summary.js';
import { periodFromQuery } from '../domain/time.js';
import { errorResponses } from '../plugins/errors.js';

/** The region tree and each region's figures. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  /** The region asked for, when it exists (404) and the credential reaches it (403). */
  const regionFor = (code: string, who: { principal: { region: string | null } | null }) =>
    regionInReach(app.regions, rootOf(who), code);

  app.get(
    '/regions',
    {
      schema: {
        tags: ['regions'],
        summary: 'The region tree: every region with its parent, ordered by code; roots have parent null',
        description:
          'A credential bound to a region sees its subtree and the path above it (for names), no other branch.',
        response: { 200: RegionListSchema },
      },
    },
    async (request) => {
      const { roots, regions } = visibleTree(app.regions, rootOf(request));
      return { roots, regions: regions.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)) };
    },
  );

  app.get(
    '/regions/:code',
    {
      schema: {
        tags: ['regions'],
        summary: 'One region with its ancestors (root first) and children',
        params: CodeParamsSchema,
        response: { 200: RegionDetailSchema, ...errorResponses(403, 404) },
      },
    },
    async (request) => {
      const region = regionFor(request.params.code, request);
      return {
        region,
        path: ancestorsOf(app.regions, region.code),
        children: [...childrenOf(app.regions, region.code)],
      };
    },
  );

  app.get(
    '/regions/:code/summary',
    {
      schema: {
        tags: ['regions'],
        summary: "A region's figures over a period, and the same for each child region",
        description:
          'Period [from, to): ISO 8601 times, or bare dates read as the start of that day in Asia/Shanghai; both default to today (Asia/Shanghai). Channels are counted as of min(to, now).',
        params: CodeParamsSchema,
        querystring: SummaryQuerySchema,
        response: { 200: RegionSummarySchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const region = regionFor(request.params.code, request);
      const now = Date.now();
      const period = periodFromQuery(request.query.from, request.query.to, now);
      return computeSummary(app.store, app.regions, region.code, period, now);
    },
  );
};

export default routes;
