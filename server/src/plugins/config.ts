import fp from 'fastify-plugin';
import type { Config } from '../config/env.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

/** Decorates the app with its configuration, resolved once at start (config/env.ts, config/file.ts). */
export default fp<{ config: Config }>(
  async (app, opts) => {
    app.decorate('config', opts.config);
  },
  { name: 'config', fastify: '5.x' },
);
