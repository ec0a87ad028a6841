import fp from 'fastify-plugin';
import { createIngest, type IngestService } from '../domain/ingest.js';

export type { IngestService } from '../domain/ingest.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The one write path, shared by the REST routes and the simulator. */
    ingest: IngestService;
  }
}

/** Decorates app.ingest: checks input, commits through app.store, then emits on app.bus. */
export default fp(
  async (app) => {
    app.decorate(
      'ingest',
      createIngest({
        store: app.store,
        regions: () => app.regions,
        bus: app.bus,
        metrics: app.metrics,
        heartbeatTimeoutSec: app.config.heartbeatTimeoutSec,
        heartbeatGraceSec: app.config.heartbeatGraceSec,
      }),
    );
  },
  { name: 'ingest', fastify: '5.x', dependencies: ['config', 'bus', 'store', 'metrics', 'errors'] },
);
