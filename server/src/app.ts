import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import configPlugin from './plugins/config.js';
import { loadConfig, type Config } from './config/env.js';
import errorsPlugin, { frameworkErrorHandler } from './plugins/errors.js';
import busPlugin from './plugins/bus.js';
import storePlugin from './plugins/store.js';
import authPlugin from './plugins/auth.js';
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

/** A URL with the values of secret-bearing query parameters replaced, for logs. */
export function maskSecrets(url: string): string {
  return url.replace(/([?&](?:token|key|access_token)=)[^&#]*/gi, '$1***');
}

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
              req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: maskSecrets(req.url), remoteAddress: req.ip }),
            },
          },
    bodyLimit: 4 * 1024 * 1024,
    trustProxy: config.trustProxy,
    frameworkErrors: frameworkErrorHandler,
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(configPlugin, { config });
  await app.register(errorsPlugin);
  await app.register(securityPlugin);
  await app.register(busPlugin);
  await app.register(metricsPlugin);
  await app.register(docsPlugin);
  await app.register(storePlugin);
  await app.register(authPlugin);
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
  await app.register(staticPlugin);

  await app.ready();
  return app;
}
