import fp from 'fastify-plugin';
import { Bus } from '../bus.js';
import { bridgeBus } from '../scaleout/redisBus.js';

declare module 'fastify' {
  interface FastifyInstance {
    bus: Bus;
  }
}

/**
 * The event bus: ingest emits after commit; live state, stream and metrics listen. With
 * REDIS_URL it is bridged across server processes, so every process's live state sees every
 * committed change; when events may have been missed (a Redis outage), the live state reloads
 * from the store, which is the truth.
 */
export default fp(
  async (app) => {
    const bus = new Bus();
    app.decorate('bus', bus);
    const unbridge = await bridgeBus(bus, app.config, {
      log: app.log,
      onGap: () => {
        const live = app.hasDecorator('live') ? (app as unknown as { live: { reload(): Promise<void> } }).live : null;
        live?.reload().catch((err: unknown) => app.log.error({ err }, 'live reload after a bus gap failed'));
      },
    });
    app.addHook('onClose', async () => {
      await unbridge();
    });
  },
  { name: 'bus', fastify: '5.x', dependencies: ['config'] },
);
