import fp from 'fastify-plugin';
import { LiveService } from '../live/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Live state of every region: wall figures and snapshots, kept current from the bus. */
    live: LiveService;
  }
}

const TICK_MS = 1000;

/**
 * Loads the live state from the store once the app is ready (after seeding), then follows the
 * bus. A one-second tick turns clues overdue, starts and ends maintenance windows, rolls the
 * trend's hour and, at midnight (Asia/Shanghai), reloads the engine for the new periods. A new
 * region tree (`regions`) or events possibly missed from other processes (`resync`) reload it too.
 */
export default fp(
  async (app) => {
    let timer: NodeJS.Timeout | null = null;
    let service: LiveService | null = null;

    app.decorate('live', {
      getter() {
        if (!service) throw new Error('live state is not loaded yet (app not ready)');
        return service;
      },
    });

    /** Reloads until the engine runs on the current tree (a reload already under way may have read the old one). */
    const reload = async (why: string): Promise<void> => {
      if (!service) return;
      try {
        await service.reload();
        if (service.engine.tree !== app.regions) await service.reload();
      } catch (err) {
        app.log.error({ err }, `live reload (${why}) failed`);
      }
    };
    const offRegions = app.bus.on('regions', () => void reload('new region tree'));
    const offResync = app.bus.on('resync', ({ why }) => void reload(`resync: ${why}`));

    app.addHook('onReady', async () => {
      service = await LiveService.create({ store: app.store, tree: async () => app.regions }, app.bus);
      timer = setInterval(() => {
        try {
          service?.tick();
        } catch (err) {
          app.log.error(err, 'live tick failed');
        }
      }, TICK_MS);
      timer.unref();
    });

    app.addHook('onClose', async () => {
      offRegions();
      offResync();
      if (timer) clearInterval(timer);
      service?.close();
    });
  },
  { name: 'live', fastify: '5.x', dependencies: ['config', 'bus', 'store'] },
);
