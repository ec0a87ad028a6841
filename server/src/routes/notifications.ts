import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AlertsAnswerSchema,
  AlertsQuerySchema,
  CalendarOverrideListSchema,
  CalendarOverridePutSchema,
  ChannelPutSchema,
  ChannelViewSchema,
  DateParamsSchema,
  DeliveryOutcomeSchema,
  DeliveryPageSchema,
  DeliveryQuerySchema,
  DigestPreviewSchema,
  ErrorCode,
  NoContentSchema,
  NotifyIdParamsSchema,
  NotifySettingsViewSchema,
  RulePutSchema,
  RuleViewSchema,
  WorkdaysQuerySchema,
  WorkdaysSchema,
  descendantsOf,
} from '@zhihui/shared';
import { isRealDate } from '../config/sections/notifications.js';
import { fieldError, notFound } from '../domain/errors.js';
import { assertReaches, assertWholeTree, covers, outOfReach, rootOf, type RegionRoot } from '../domain/reach.js';
import { requestActor } from '../plugins/audit.js';
import { isoAt, parseQueryTime } from '../domain/time.js';
import { errorResponses } from '../plugins/errors.js';
import type { RouteApp } from './routeApp.js';

/** The region asked for (default: the credential's own, else REGION), when it exists and the credential reaches it. */
const regionOf = (app: RouteApp, code: string | undefined, who: { principal: { region: string | null } | null }) => {
  const c = code ?? rootOf(who) ?? app.config.region;
  if (!app.regions.byCode.has(c)) throw notFound('region', c, ErrorCode.unknownRegion);
  assertReaches(app.regions, rootOf(who), c, 'region');
  return c;
};

/** An optional ISO time in a query, as stored; 400 naming the field otherwise. */
const time = (field: string, raw: string | undefined) => {
  if (raw === undefined || raw === '') return undefined;
  const t = parseQueryTime(raw);
  if (t === null) throw fieldError(field, `'${raw}' is not a date (ISO 8601)`);
  return isoAt(t);
};

/**
 * Notifications: the delivery log, the alerts firing now (what the wall announces) and the
 * working-day calendar for everyone who may read the region; channels, rules, test messages and
 * the calendar's override table for admins. Channel URLs and secrets never leave in full.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  app.get(
    '/notifications/deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary:
          "The delivery log of a region's subtree, newest first: every message, its channel and what became of it",
        querystring: DeliveryQuerySchema,
        response: { 200: DeliveryPageSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      const region = regionOf(app, q.region, request);
      return app.notify.deliveries({
        regions: descendantsOf(app.regions, region).map((r) => r.code),
        channel: q.channel,
        status: q.status,
        from: time('from', q.from),
        to: time('to', q.to),
        cursor: q.cursor,
        limit: q.limit ?? 100,
      });
    },
  );

  app.get(
    '/notifications/alerts',
    {
      schema: {
        tags: ['notifications'],
        summary:
          "Roll-up alerts firing now in a region's subtree, and whether it is quiet hours (the wall's voice reads this)",
        querystring: AlertsQuerySchema,
        response: { 200: AlertsAnswerSchema, ...errorResponses(400, 403, 404) },
      },
    },
    async (request) => {
      const region = regionOf(app, request.query.region, request);
      const q = app.notify.quietState();
      return {
        quiet: q.quiet,
        quietUntil: q.until,
        announceEverySec: q.announceEverySec,
        alerts: app.notify.activeAlerts(region),
      };
    },
  );

  app.get(
    '/notifications/calendar',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'Working days by the official calendar (调休 included) with the override table, for [from, to] (dates, at most 400 days)',
        querystring: WorkdaysQuerySchema,
        response: { 200: WorkdaysSchema, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      if (!isRealDate(from)) throw fieldError('from', `'${from}' is not a calendar date`);
      if (!isRealDate(to) || to < from) throw fieldError('to', `'${to}' is not a calendar date on or after from`);
      return { days: app.notify.calendar.range(from, to) };
    },
  );

  await app.register(adminRoutes);
};

/** Whether an item of `region` is inside the admin's subtree. */
const mine = (app: RouteApp, root: RegionRoot, region: string | null | undefined) =>
  covers(app.regions, root, region ?? null);
/** 404 for a stored channel or rule outside the admin's subtree; 403 for a body naming a region outside it. */
const checkItem = (
  app: RouteApp,
  root: RegionRoot,
  kind: 'channel' | 'rule',
  id: string,
  bodyRegion?: string | null,
) => {
  const stored = kind === 'channel' ? app.notify.channel(id) : app.notify.rules().find((r) => r.id === id);
  if (stored && !mine(app, root, stored.region)) throw notFound(kind, id);
  if (bodyRegion !== undefined && !mine(app, root, bodyRegion)) {
    if (bodyRegion === null) assertWholeTree(root, `a ${kind} without a region`);
    else throw outOfReach(app.regions, root!, bodyRegion, 'region');
  }
};

const sec = { security: [{ bearer: [] }], tags: ['notifications'] };

/** The admin half: channels, rules, test messages and the override table. */
const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  // A channel's or rule's `region` is the subtree whose admins may see and change it (a channel
  // without one, and the calendar, are the whole tree's); outside it, an id is as unknown.
  app.addHook('onRequest', app.requireAdmin);
  settingsRoute(app);
  channelRoutes(app);
  ruleRoutes(app);
  calendarOverrideRoutes(app);
};

/** Everything an admin may change here, in one read. */
function settingsRoute(app: RouteApp): void {
  app.get(
    '/admin/notifications',
    {
      schema: {
        ...sec,
        summary: 'Channels (secrets masked), rules and quiet hours in force',
        response: { 200: NotifySettingsViewSchema, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const q = app.notify.quietState();
      const root = rootOf(request);
      return {
        channels: app.notify.channels().filter((c) => mine(app, root, c.region)),
        rules: app.notify.rules().filter((r) => mine(app, root, r.region)),
        quiet: q.quiet,
        quietUntil: q.until,
      };
    },
  );
}

/** Channels: set, remove, and send a test message. */
function channelRoutes(app: RouteApp): void {
  app.put(
    '/admin/notifications/channels/:id',
    {
      schema: {
        ...sec,
        summary: 'Create or replace a channel (url and secret left out keep the stored ones)',
        params: NotifyIdParamsSchema,
        body: ChannelPutSchema,
        response: { 200: ChannelViewSchema, ...errorResponses(400, 401, 403, 409, 415) },
      },
    },
    async (request) => {
      checkItem(app, rootOf(request), 'channel', request.params.id, request.body.region ?? null);
      return app.notify.putChannel({ ...request.body, id: request.params.id }, requestActor(request));
    },
  );

  app.delete(
    '/admin/notifications/channels/:id',
    {
      schema: {
        ...sec,
        summary: 'Delete a channel no rule uses',
        params: NotifyIdParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      checkItem(app, rootOf(request), 'channel', request.params.id);
      await app.notify.deleteSetting('channel', request.params.id, requestActor(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/admin/notifications/channels/:id/test',
    {
      schema: {
        ...sec,
        summary:
          'Send a test message through a channel now; answers what became of it (sent, or failed with the reason)',
        params: NotifyIdParamsSchema,
        response: { 200: DeliveryOutcomeSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      checkItem(app, rootOf(request), 'channel', request.params.id);
      return app.notify.testChannel(request.params.id, requestActor(request));
    },
  );
}

/** Rules: set, remove, and send now. */
function ruleRoutes(app: RouteApp): void {
  app.put(
    '/admin/notifications/rules/:id',
    {
      schema: {
        ...sec,
        summary: 'Create or replace a rule',
        params: NotifyIdParamsSchema,
        body: RulePutSchema,
        response: { 200: RuleViewSchema, ...errorResponses(400, 401, 403, 409, 415) },
      },
    },
    async (request) => {
      checkItem(app, rootOf(request), 'rule', request.params.id, request.body.region);
      return app.notify.putRule({ ...request.body, id: request.params.id }, requestActor(request));
    },
  );

  app.delete(
    '/admin/notifications/rules/:id',
    {
      schema: {
        ...sec,
        summary: 'Delete a rule',
        params: NotifyIdParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      checkItem(app, rootOf(request), 'rule', request.params.id);
      await app.notify.deleteSetting('rule', request.params.id, requestActor(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/admin/notifications/rules/:id/send',
    {
      schema: {
        ...sec,
        summary: "Send a digest rule's message now (视频运行日报 / 每周一汇报), as of now",
        params: NotifyIdParamsSchema,
        response: { 200: DigestPreviewSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      checkItem(app, rootOf(request), 'rule', request.params.id);
      return app.notify.sendDigest(request.params.id);
    },
  );
}

/** The working-day calendar's override table. */
function calendarOverrideRoutes(app: RouteApp): void {
  app.get(
    '/admin/calendar/overrides',
    {
      schema: {
        ...sec,
        summary: "The working-day override table (days the package's calendar does not know)",
        response: { 200: CalendarOverrideListSchema, ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      assertWholeTree(rootOf(request), 'the working-day calendar');
      return { items: await app.notify.overrides() };
    },
  );

  app.put(
    '/admin/calendar/overrides/:date',
    {
      schema: {
        ...sec,
        summary: 'Declare a day a working day or a holiday (overrides chinese-days)',
        params: DateParamsSchema,
        body: CalendarOverridePutSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 403, 415) },
      },
    },
    async (request, reply) => {
      assertWholeTree(rootOf(request), 'the working-day calendar');
      if (!isRealDate(request.params.date)) throw fieldError('date', `'${request.params.date}' is not a calendar date`);
      await app.notify.putOverride(
        { date: request.params.date, workday: request.body.workday, note: request.body.note ?? null },
        requestActor(request),
      );
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/admin/calendar/overrides/:date',
    {
      schema: {
        ...sec,
        summary: 'Remove the override of a day',
        params: DateParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      assertWholeTree(rootOf(request), 'the working-day calendar');
      await app.notify.deleteOverride(request.params.date, requestActor(request));
      return reply.code(204).send(null);
    },
  );
}

export default routes;
