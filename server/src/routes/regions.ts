import { Type, TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorCode, RegionSchema, RegionSummarySchema, ancestorsOf, childrenOf } from '@zhihui/shared';
import { notFound } from '../domain/errors.js';
import { computeSummary } from '../domain/summary.js';
import { periodFromQuery } from '../domain/time.js';
import { errorResponses } from '../plugins/errors.js';

const CodeParams = Type.Object({ code: Type.String({ description: 'region code (6, 9 or 12 digits)' }) });

/** The region tree and each region's figures. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  const regionOr404 = (code: string) => {
    const r = app.regions.byCode.get(code);
    if (!r) throw notFound('region', code, ErrorCode.unknownRegion);
    return r;
  };

  app.get(
    '/regions',
    {
      schema: {
        tags: ['regions'],
        summary: 'The region tree: every region with its parent, ordered by code; roots have parent null',
        response: { 200: Type.Object({ roots: Type.Array(Type.String()), regions: Type.Array(RegionSchema) }) },
      },
    },
    async () => ({
      roots: app.regions.roots.map((r) => r.code),
      regions: [...app.regions.byCode.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)),
    }),
  );

  app.get(
    '/regions/:code',
    {
      schema: {
        tags: ['regions'],
        summary: 'One region with its ancestors (root first) and children',
        params: CodeParams,
        response: { 200: Type.Object({ region: RegionSchema, path: Type.Array(RegionSchema), children: Type.Array(RegionSchema) }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const region = regionOr404(request.params.code);
      return { region, path: ancestorsOf(app.regions, region.code), children: [...childrenOf(app.regions, region.code)] };
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
        params: CodeParams,
        querystring: Type.Object({ from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) }),
        response: { 200: RegionSummarySchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const region = regionOr404(request.params.code);
      const now = Date.now();
      const period = periodFromQuery(request.query.from, request.query.to, now);
      return computeSummary(app.store, app.regions, region.code, period, now);
    },
  );
};

export default routes;
