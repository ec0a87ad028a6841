import fp from 'fastify-plugin';
import type { LiveService } from '../live/service.js';
import { NotifyService } from '../notify/service.js';
import { acquireLeadership } from '../scaleout/leader.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Alerts that reach people: channels, rules, digests, quiet hours, the delivery log. */
    notify: NotifyService;
  }
}

/**
 * Notifications (the config file's `notifications:` section plus the admin API). Listens to the
 * bus and reads app.live; sends from its own per-channel queues, so a slow or dead robot never
 * holds up ingest or the wall. With several processes only the leader evaluates and sends.
 */
export default fp(
  async (app) => {
    const leadership = await acquireLeadership(app.config, 'notify', { log: app.log });
    const section = app.config.file.notifications;
    const host = app.config.host === '0.0.0.0' || app.config.host === '::' ? '127.0.0.1' : app.config.host;
    const service = new NotifyService({
      store: app.store,
      bus: app.bus,
      tree: () => app.regions,
      live: () => {
        try {
          return app.live as LiveService;
        } catch {
          return null; // before the app is ready
        }
      },
      section,
      baseUrl: section?.baseUrl ?? `http://${host}:${app.config.port}`,
      defaultRegion: app.config.region,
      log: app.log,
      isLeader: () => leadership.isLeader(),
      metrics: app.metrics,
    });
    app.decorate('notify', service);
    app.metrics.describe(
      'zhihui_notify_deliveries_total',
      'Notification deliveries finished, by channel and status (sent, failed)',
    );
    app.addHook('onReady', async () => {
      await service.start();
    });
    app.addHook('onClose', async () => {
      await service.close();
      await leadership.close();
    });
  },
  { name: 'notify', fastify: '5.x', dependencies: ['config', 'bus', 'store', 'metrics', 'live'] },
);
