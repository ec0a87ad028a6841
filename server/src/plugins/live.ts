import fp from 'fastify-plugin';
import type { RegionTree } from '@zhihui/shared';
import type { Store } from '../store/types.js';
import { LiveService, treeFromStore } from '../live/service.js';

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
 * trend's hour and, at midnight (Asia/Shanghai), reloads the engine for the new periods.
 */
export default fp(
  async (app) => {
    // Until the store plugin decorates them, run on an empty tree rather than fail to boot.
    const host = app as unknown as { store?: Store; regions?: RegionTree };
    let timer: NodeJS.Timeout | null = null;
    let service: LiveService | null = null;

    app.decorate('live', {
      getter() {
        if (!service) throw new Error('live state is not loaded yet (app not ready)');
        return service;
      },
    });

    app.addHook('onReady', async () => {
      const store = host.store ?? null;
      service = await LiveService.create({ store, tree: async () => host.regions ?? (await treeFromStore(store)) }, app.bus);
      timer = setInterval(() => {
        try {
          // Regions written through the API replace app.regions: follow with a reload.
          if (service && host.regions && host.regions !== service.engine.tree) service.reload().catch((err: unknown) => app.log.error({ err }, 'live reload failed'));
          else service?.tick();
        } catch (err) {
          app.log.error(err, 'live tick failed');
        }
      }, TICK_MS);
      timer.unref();
    });

    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
      service?.close();
    });
  },
  { name: 'live', fastify: '5.x', dependencies: ['config', 'bus'] },
);
