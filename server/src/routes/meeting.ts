import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CLUE_STATUSES,
  CluesCsvQuerySchema,
  CodeParamsSchema,
  CsvFileSchema,
  ErrorCode,
  GridActivitySchema,
  HtmlPageSchema,
  OutagesSchema,
  PdfFileSchema,
  PeriodListQuerySchema,
  RankingQuerySchema,
  RankingSchema,
} from '@zhihui/shared';
import { fieldError } from '../domain/errors.js';
import { assertReaches, regionInReach, rootOf } from '../domain/reach.js';
import { clueList, cluesCsv } from '../domain/report/clueList.js';
import { contentDisposition } from '../domain/report/csv.js';
import { gridActivity } from '../domain/report/gridActivity.js';
import { reportHtml, reportTitle } from '../domain/report/html.js';
import { rankingOf, reportModel } from '../domain/report/model.js';
import { channelOutages } from '../domain/report/outages.js';
import { PdfRenderer } from '../domain/report/pdf.js';
import { periodNameZh, periodSlug, resolvePeriod } from '../domain/report/period.js';
import { rankingSort } from '../domain/report/ranking.js';
import { rankingCsv } from '../domain/report/rankingCsv.js';
import { listOf } from '../domain/validate.js';
import { errorResponses } from '../plugins/errors.js';
import type { RouteApp } from './routeApp.js';

/** The region asked for, when it exists (404) and the credential reaches it (403). */
const regionFor = (app: RouteApp, code: string, who: { principal: { region: string | null } | null }) =>
  regionInReach(app.regions, rootOf(who), code);

/** What a report is made of: checked (region in reach, period, sort), and the model built only when asked. */
const reportRequest = (
  app: RouteApp,
  code: string,
  q: { period?: string; from?: string; to?: string; sort?: string; dir?: string },
  who: { principal: { region: string | null } | null },
) => {
  const region = regionFor(app, code, who);
  const now = Date.now();
  const p = resolvePeriod(q, now);
  const { sort, dir } = rankingSort(q);
  return {
    region,
    slug: periodSlug(p.period),
    /** Everything the document depends on: identical requests get the same PDF. */
    key: [region.code, p.kind, p.period.from, p.period.to, sort, dir].join('|'),
    html: async () => reportHtml(await reportModel(app.store, app.regions, region.code, p, sort, dir, now)),
  };
};

/**
 * The county dispatch meeting (每周一汇报,半月一调度): child-region ranking against the previous
 * period, drill-down lists, and the report as HTML, PDF and CSV. Every figure comes from
 * computeSummary, the same function the summary API and the wall's figures rest on.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  const pdf = new PdfRenderer({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', concurrency: 1 });
  app.addHook('onClose', async () => pdf.close());
  rankingRoutes(app);
  reportRoutes(app, pdf);
  drillDownRoutes(app);
  cluesCsvRoute(app);
};

/** The ranking of a region's children, as JSON and as CSV. */
function rankingRoutes(app: RouteApp): void {
  app.get(
    '/regions/:code/ranking',
    {
      schema: {
        tags: ['meeting'],
        summary: "Ranking of a region's children over a period, each compared with the previous period",
        description:
          'Both periods are computed by computeSummary (as GET /regions/:code/summary). The previous period is previousPeriod(period): the previous half-month or month, otherwise the same length just before. `sort` ranks by rate (time-weighted operational rate), down, repaired, received, resolved, overdue, resolvedRate, mediationRate or appealsResolved; regions without a value go last.',
        params: CodeParamsSchema,
        querystring: RankingQuerySchema,
        response: { 200: RankingSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const region = regionFor(app, request.params.code, request);
      const now = Date.now();
      const p = resolvePeriod(request.query, now);
      const { sort, dir } = rankingSort(request.query);
      return rankingOf(app.store, app.regions, region.code, p, sort, dir, now);
    },
  );

  app.get(
    '/regions/:code/ranking.csv',
    {
      schema: {
        tags: ['meeting'],
        summary: 'The ranking as CSV (UTF-8 with BOM, for Excel)',
        params: CodeParamsSchema,
        querystring: RankingQuerySchema,
        produces: ['text/csv'],
        response: { 200: CsvFileSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const region = regionFor(app, request.params.code, request);
      const now = Date.now();
      const p = resolvePeriod(request.query, now);
      const { sort, dir } = rankingSort(request.query);
      const r = await rankingOf(app.store, app.regions, region.code, p, sort, dir, now);
      const slug = periodSlug(r.period);
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          contentDisposition(
            `${region.name}_排名_${slug}.csv`,
            `ranking-${region.code}-${slug.replace('至', '_')}.csv`,
          ),
        )
        .send(rankingCsv(r));
    },
  );
}

/** The meeting report as HTML, and as PDF rendered by the one Chromium the app keeps. */
function reportRoutes(app: RouteApp, pdf: PdfRenderer): void {
  app.get(
    '/regions/:code/report.html',
    {
      schema: {
        tags: ['meeting'],
        summary: 'The dispatch report (调度报告) as a printable A4 HTML page',
        params: CodeParamsSchema,
        querystring: RankingQuerySchema,
        produces: ['text/html'],
        response: { 200: HtmlPageSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const html = await reportRequest(app, request.params.code, request.query, request).html();
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    },
  );

  app.get(
    '/regions/:code/report.pdf',
    {
      schema: {
        tags: ['meeting'],
        summary: 'The dispatch report as an A4 PDF, rendered by headless Chromium on the server',
        description:
          '503 PDF_UNAVAILABLE when Chromium is not installed or cannot start, or (with retry-after) when a few reports are already waiting; report.html prints the same document from a browser. The same report asked again within a minute is served from a cache.',
        params: CodeParamsSchema,
        querystring: RankingQuerySchema,
        produces: ['application/pdf'],
        response: { 200: PdfFileSchema, ...errorResponses(400, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const { region, slug, key, html } = reportRequest(app, request.params.code, request.query, request);
      const bytes = await pdf.renderReport(key, html);
      return reply
        .type('application/pdf')
        .header('cache-control', 'no-store')
        .header(
          'content-disposition',
          contentDisposition(
            `${reportTitle(region.name)}_${slug}.pdf`,
            `report-${region.code}-${slug.replace('至', '_')}.pdf`,
          ),
        )
        .send(bytes);
    },
  );
}

/** Drill-downs behind the ranking: a region's outages and its grid activity. */
function drillDownRoutes(app: RouteApp): void {
  app.get(
    '/regions/:code/outages',
    {
      schema: {
        tags: ['meeting'],
        summary: "Channels of a region's subtree that were down in the period, longest downtime first",
        params: CodeParamsSchema,
        querystring: PeriodListQuerySchema(200),
        response: { 200: OutagesSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const region = regionFor(app, request.params.code, request);
      const now = Date.now();
      const p = resolvePeriod(request.query, now);
      const r = await channelOutages(app.store, app.regions, region.code, p.period, now, request.query.limit ?? 200);
      return { period: p.period, ...r };
    },
  );

  app.get(
    '/regions/:code/grid-activity',
    {
      schema: {
        tags: ['meeting'],
        summary: "Grid workers of a region's subtree with their report counts in the period, and the latest reports",
        params: CodeParamsSchema,
        querystring: PeriodListQuerySchema(100),
        response: {
          200: GridActivitySchema,
          ...errorResponses(400, 403, 404),
        },
      },
    },
    async (request) => {
      const region = regionFor(app, request.params.code, request);
      const p = resolvePeriod(request.query, Date.now());
      return gridActivity(app.store, app.regions, region.code, p.period, request.query.limit ?? 100);
    },
  );
}

/** Clues as CSV for the meeting's clue list. */
function cluesCsvRoute(app: RouteApp): void {
  app.get(
    '/clues.csv',
    {
      schema: {
        tags: ['meeting'],
        summary: 'Clues as CSV (UTF-8 with BOM, for Excel), newest first',
        description: 'Filters as GET /clues; the period is `period=<kind>` or `from`/`to` (none: every clue).',
        querystring: CluesCsvQuerySchema,
        produces: ['text/csv'],
        response: { 200: CsvFileSchema, ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const now = Date.now();
      // Without a region: the credential's own subtree (the whole tree's root when reads are open).
      const code = q.region || (rootOf(request) ?? app.regions.roots[0]?.code);
      if (code === undefined || !app.regions.byCode.has(code))
        throw fieldError('region', `unknown region code '${q.region ?? ''}'`, ErrorCode.unknownRegion);
      assertReaches(app.regions, rootOf(request), code, 'region');
      const region = app.regions.byCode.get(code)!;
      const status = listOf('status', q.status, CLUE_STATUSES);
      const p = q.period || q.from ? resolvePeriod(q, now) : null;
      const clues = await clueList(app.store, app.regions, code, { status, period: p?.period ?? null });
      const slug = p ? periodSlug(p.period) : '全部';
      const label = p ? `${periodNameZh(p.kind)}_${slug}` : slug;
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          contentDisposition(
            `${region.name}_线索清单_${label}.csv`,
            `clues-${region.code}-${p ? slug.replace('至', '_') : 'all'}.csv`,
          ),
        )
        .send(cluesCsv(clues, app.regions, now));
    },
  );
}

export default routes;
