import fp from 'fastify-plugin';
import { createIngest, type IngestService } from '../domain/ingest/index.js';
import { createLiveness } from '../sources/settings.js';

export type { IngestService } from '../domain/ingest/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The one write path, shared by the REST routes, the simulator and the status sources. */
    ingest: IngestService;
  }
}

/** Decorates app.ingest: checks input, commits through app.store, then emits on app.bus. */
export default fp(
  async (app) => {
    const { config } = app;
    app.decorate(
      'ingest',
      createIngest({
        store: app.store,
        regions: () => app.regions,
        bus: app.bus,
        metrics: app.metrics,
        heartbeatTimeoutSec: config.heartbeatTimeoutSec,
        heartbeatGraceSec: config.heartbeatGraceSec,
        lateReportMaxDays: config.lateReportMaxDays,
        // Who feeds each channel decides its heartbeat timeout; kept beside the data across restarts.
        liveness: await createLiveness(config.file.sources, config.heartbeatTimeoutSec, config.dataDir),
        // Registered later (it listens to what ingest commits): read when a clue needs it.
        workdays: () => (app.hasDecorator('notify') ? app.notify.calendar : null),
      }),
    );
  },
  { name: 'ingest', fastify: '5.x', dependencies: ['config', 'bus', 'store', 'metrics', 'errors'] },
);
