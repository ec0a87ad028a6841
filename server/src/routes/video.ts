import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  ChannelParamsSchema,
  ErrorCode,
  KeyChannelsSchema,
  MediaStreamSchema,
  NearChannelsSchema,
  NearQuerySchema,
  NoContentSchema,
  PlayRequestSchema,
  PlaySessionSchema,
  RegionQuerySchema,
  SessionParamsSchema,
  SnapshotImageSchema,
  VideoChannelSchema,
} from '@zhihui/shared';
import { HttpError, notFound } from '../domain/errors.js';
import { errorResponses } from '../plugins/errors.js';
import { assertReaches, rootOf } from '../domain/reach.js';
import type { RouteApp } from './routeApp.js';

/** Opens per minute per client: a wall's carousel needs a few; a loop gone wrong must not flood the platform with INVITEs. */
const OPEN_LIMIT = { max: 600, timeWindow: 60_000 };

/** Every read of a play URL, a stream or a snapshot is region-scoped: a principal reaches its own region subtree only (domain/reach.ts). */
function assertRegionReadable(app: RouteApp, request: FastifyRequest, region: string): void {
  assertReaches(app.regions, rootOf(request), region);
}

function regionOr404(app: RouteApp, code: string): void {
  if (!app.live.engine.tree.byCode.has(code)) throw notFound('region', code, ErrorCode.unknownRegion);
}

/**
 * Live video: a channel as a tile shows it, the wall's key channels, the channels nearest a
 * point, and play sessions. A session is a viewer: opening one obtains (or shares) the channel's
 * stream, closing the last one releases it on the platform. Media is proxied under the session,
 * so platform addresses and credentials stay on this server.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  channelRoutes(app);
  channelListRoutes(app);
  sessionRoutes(app);
  mediaRoute(app);
};

/** One channel as a tile shows it, and its snapshot. */
function channelRoutes(app: RouteApp): void {
  app.get(
    '/video/channels/:id',
    {
      schema: {
        tags: ['video'],
        summary: 'A channel as a video tile shows it: names, status, and whether (and from where) it plays',
        params: ChannelParamsSchema,
        response: { 200: VideoChannelSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const cam = app.video.camera(request.params.id);
      assertRegionReadable(app, request, cam.region);
      return app.video.channel(cam.id);
    },
  );

  app.get(
    '/video/channels/:id/snapshot',
    {
      schema: {
        tags: ['video'],
        summary: "The channel's last snapshot from its platform (an image), for a tile of an offline channel",
        description:
          '404 when the platform offers none. The image comes through this server: the platform is never named to the browser.',
        params: ChannelParamsSchema,
        response: { 200: SnapshotImageSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const cam = app.video.camera(request.params.id);
      assertRegionReadable(app, request, cam.region);
      const ctl = new AbortController();
      reply.raw.once('close', () => ctl.abort());
      const img = await app.video.snapshot(cam.id, ctl.signal);
      if (!img) throw new HttpError(404, ErrorCode.notFound, `the platform offers no snapshot of channel ${cam.id}`);
      return reply.type(img.type).header('cache-control', 'private, max-age=30').send(img.body);
    },
  );
}

/** Channel lists: the wall's key channels and the channels nearest a point. */
function channelListRoutes(app: RouteApp): void {
  app.get(
    '/video/key-channels',
    {
      schema: {
        tags: ['video'],
        summary:
          "The key channels (重点点位) a region's wall cycles through, with the carousel's interval and the tile cap",
        querystring: RegionQuerySchema,
        response: { 200: KeyChannelsSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      regionOr404(app, request.query.region);
      assertRegionReadable(app, request, request.query.region);
      return app.video.keyChannels(request.query.region);
    },
  );

  app.get(
    '/video/nearest',
    {
      schema: {
        tags: ['video'],
        summary: "A region's channels nearest a point (a clue's place), nearest first",
        querystring: NearQuerySchema,
        response: { 200: NearChannelsSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      regionOr404(app, q.region);
      assertRegionReadable(app, request, q.region);
      return { channels: await app.video.nearest(q.region, q.lon, q.lat, q.limit ?? 4, q.live ?? false) };
    },
  );
}

/** Play sessions: open (or share) a channel's stream, keep it, close it. */
function sessionRoutes(app: RouteApp): void {
  app.post(
    '/video/sessions',
    {
      // POST/DELETE of sessions are not reads, so the viewer gate's own hook does not see them: the gate, as a hook.
      onRequest: app.viewerGate.require,
      config: { rateLimit: OPEN_LIMIT },
      schema: {
        tags: ['video'],
        summary: 'Open a channel: a play session whose URL the player opens (proxied through this server)',
        description:
          'The first viewer of a channel obtains its stream (wvp: /api/play/start); later viewers share it; when the last session closes, or stops renewing, the stream is released (wvp: /api/play/stop). 503 VIDEO_UNAVAILABLE says why a stream cannot be had.',
        body: PlayRequestSchema,
        response: { 201: PlaySessionSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request, reply) => {
      const cam = app.video.camera(request.body.channelId);
      assertRegionReadable(app, request, cam.region);
      const session = await app.video.open(cam.id);
      return reply.code(201).header('cache-control', 'no-store').send(session);
    },
  );

  app.post(
    '/video/sessions/:id/renew',
    {
      onRequest: app.viewerGate.require,
      config: { rateLimit: false },
      schema: {
        tags: ['video'],
        summary: "Renew a session's lease (a tile does every 20 s; a session not renewed for 60 s ends)",
        params: SessionParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      if (!app.video.renew(request.params.id))
        throw new HttpError(404, ErrorCode.notFound, 'video session not found (closed or expired): open a new one');
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/video/sessions/:id',
    {
      onRequest: app.viewerGate.require,
      config: { rateLimit: false },
      schema: {
        tags: ['video'],
        summary: 'Close a session (idempotent); the last one of a channel releases its stream on the platform',
        params: SessionParamsSchema,
        response: { 204: NoContentSchema, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      app.video.close(request.params.id);
      return reply.code(204).send(null);
    },
  );
}

/** Media proxied under a session, so platform addresses stay on this server. */
function mediaRoute(app: RouteApp): void {
  app.get(
    '/video/sessions/:id/*',
    {
      schema: {
        tags: ['video'],
        summary: "A session's media, proxied: stream.flv / stream.ts (live), or hls/<playlist or segment>",
        // The file after the id is the route's wildcard (TypeBox cannot name a `*` key).
        params: SessionParamsSchema,
        response: { 200: MediaStreamSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const cam = app.video.sessionChannel(request.params.id);
      assertRegionReadable(app, request, cam.region);
      const ctl = new AbortController();
      reply.raw.once('close', () => ctl.abort());
      const file = (request.params as { '*'?: string })['*'] ?? '';
      const media = await app.video.media(request.params.id, file.slice(0, 500), ctl.signal);
      reply.raw.once('close', media.done);
      // A closed session's stream ends now, cleanly (the browser may not cancel it: see
      // MediaReply.ended; a reset would read as a failed load in its console).
      const end = () => {
        if (typeof media.body !== 'string') media.body.unpipe(reply.raw);
        reply.raw.end();
      };
      if (media.ended.aborted) end();
      else media.ended.addEventListener('abort', end, { once: true });
      reply.raw.once('close', () => media.ended.removeEventListener('abort', end));
      if (typeof media.body !== 'string') media.body.once('error', media.done);
      return reply.type(media.type).header('cache-control', 'no-store').send(media.body);
    },
  );
}

export default routes;
