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
 * committed change; when events may have been missed (a Redis outage), `resync` tells the live
 * state to reload from the store, which is the truth.
 */
export default fp(
  async (app) => {
    const bus = new Bus();
    app.decorate('bus', bus);
    const unbridge = await bridgeBus(bus, app.config, {
      log: app.log,
      // Whoever keeps state from events (the live state) listens for `resync` and re-reads the store.
      onGap: (why) => bus.deliver('resync', { why }),
    });
    app.addHook('onClose', async () => {
      await unbridge();
    });
  },
  { name: 'bus', fastify: '5.x', dependencies: ['config'] },
);
