import fp from 'fastify-plugin';
import { Bus } from '../bus.js';

declare module 'fastify' {
  interface FastifyInstance {
    bus: Bus;
  }
}

/** The in-process event bus: ingest emits after commit; live state, stream and metrics listen. */
export default fp(
  async (app) => {
    app.decorate('bus', new Bus());
  },
  { name: 'bus', fastify: '5.x' },
);
