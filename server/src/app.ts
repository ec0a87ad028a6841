import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import configPlugin from './plugins/config.js';
import { loadConfig, type Config } from './config/env.js';
import errorsPlugin, { clientErrorHandler, frameworkErrorHandler } from './plugins/errors.js';
import busPlugin from './plugins/bus.js';
import storePlugin from './plugins/store.js';
import credentialsPlugin from './plugins/credentials.js';
import peoplePlugin from './plugins/people.js';
import identifyPlugin from './plugins/identify.js';
import viewerGatePlugin from './plugins/viewerGate.js';
import auditPlugin from './plugins/audit.js';
import securityPlugin from './plugins/security.js';
import socketAuthPlugin from './plugins/socketAuth.js';
import ingestPlugin from './plugins/ingest.js';
import heartbeatPlugin from './plugins/heartbeat.js';
import livePlugin from './plugins/live.js';
import streamPlugin from './plugins/stream.js';
import simulatorPlugin from './plugins/simulator.js';
import sourcesPlugin from './plugins/sources.js';
import notifyPlugin from './plugins/notify.js';
import videoPlugin from './plugins/video.js';
import docsPlugin from './plugins/docs.js';
import metricsPlugin from './plugins/metrics.js';
import staticPlugin from './plugins/static.js';
import healthRoutes from './routes/health.js';
import cameraRoutes from './routes/cameras.js';
import clueRoutes from './routes/clues.js';
import gridRoutes from './routes/grid.js';
import regionRoutes from './routes/regions.js';
import geoRoutes from './routes/geo.js';
import meetingRoutes from './routes/meeting.js';
import adminRoutes from './routes/admin.js';
import sourceRoutes from './routes/sources.js';
import notificationRoutes from './routes/notifications.js';
import videoRoutes from './routes/video.js';
import sessionRoutes from './routes/session.js';
import appealRoutes from './routes/appeals.js';

const SECRET_PARAMS = new Set(['token', 'key', 'access_token', 'api_key', 'apikey']);

/** A query parameter's name as the server will read it: percent-decoded (and `+` as a space). */
function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim().toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/**
 * A URL with the values of secret-bearing query parameters replaced, for logs. Names are compared
 * after decoding, as the query parser reads them, so `?%74oken=` is masked like `?token=`.
 */
export function maskSecrets(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const params = url
    .slice(q + 1, end)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      return SECRET_PARAMS.has(decodedName(name)) ? `${name}=***` : part;
    });
  return `${url.slice(0, q + 1)}${params.join('&')}${url.slice(end)}`;
}

/** How long one plugin may take to start (see the store plugin's seeding, in buildApp). */
const PLUGIN_TIMEOUT_MS = 120_000;

export interface BuildOptions {
  /** Configuration overrides on top of the environment (tests use them). */
  config?: Partial<Config>;
  /** Environment to read; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  logger?: boolean;
}

/** Builds the whole server from its plugins, one per capability. Does not listen. */
export async function buildApp(opts: BuildOptions = {}): Promise<FastifyInstance> {
  const config = loadConfig(opts.env ?? process.env, opts.config);
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            // Viewer tokens travel in the URL once (?token=): keep them out of the logs.
            serializers: {
              req: (req: { method: string; url: string; ip?: string }) => ({
                method: req.method,
                url: maskSecrets(req.url),
                remoteAddress: req.ip,
              }),
            },
          },
    bodyLimit: 4 * 1024 * 1024,
    // The store plugin migrates and, on a first start, seeds the store before the plugins after it
    // can read the region tree; seeding a large store on a loaded machine outlasts Fastify's 10 s
    // default. A plugin that really hangs still stops the start, after this long.
    pluginTimeout: PLUGIN_TIMEOUT_MS,
    // A request must arrive whole within this (slow bodies and headers are cut with 408); the
    // check runs a few times per period. Long polls and WebSockets are not requests being received.
    requestTimeout: config.requestTimeoutMs,
    http: { connectionsCheckingInterval: Math.max(250, Math.min(5000, Math.floor(config.requestTimeoutMs / 4))) },
    trustProxy: config.trustProxy,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Headers must come within the request timeout too (Node's default waits a minute), and the
  // number of open connections is capped: past it new ones are closed at once.
  app.server.headersTimeout = Math.min(config.requestTimeoutMs, 60_000);
  if (config.maxConnections > 0) app.server.maxConnections = config.maxConnections;

  await app.register(configPlugin, { config });
  await app.register(errorsPlugin);
  await app.register(securityPlugin);
  await app.register(busPlugin);
  await app.register(metricsPlugin);
  await app.register(docsPlugin);
  await app.register(storePlugin);
  await app.register(credentialsPlugin);
  await app.register(peoplePlugin);
  await app.register(identifyPlugin);
  await app.register(viewerGatePlugin);
  await app.register(auditPlugin);
  await app.register(ingestPlugin);
  await app.register(livePlugin);
  await app.register(heartbeatPlugin);
  await app.register(streamPlugin);
  await app.register(socketAuthPlugin);
  await app.register(simulatorPlugin);
  await app.register(sourcesPlugin);
  await app.register(notifyPlugin);
  await app.register(videoPlugin);

  await app.register(healthRoutes);
  await app.register(cameraRoutes, { prefix: '/api/v1' });
  await app.register(clueRoutes, { prefix: '/api/v1' });
  await app.register(gridRoutes, { prefix: '/api/v1' });
  await app.register(regionRoutes, { prefix: '/api/v1' });
  await app.register(geoRoutes, { prefix: '/api/v1' });
  await app.register(meetingRoutes, { prefix: '/api/v1' });
  await app.register(adminRoutes, { prefix: '/api/v1' });
  await app.register(sourceRoutes, { prefix: '/api/v1' });
  await app.register(notificationRoutes, { prefix: '/api/v1' });
  await app.register(videoRoutes, { prefix: '/api/v1' });
  await app.register(sessionRoutes, { prefix: '/api/v1' });
  await app.register(appealRoutes, { prefix: '/api/v1' });
  await app.register(staticPlugin);

  await app.ready();
  return app;
}
