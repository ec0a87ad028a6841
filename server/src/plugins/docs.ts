import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

/**
 * OpenAPI document built from the route schemas, and the Swagger UI page at /docs (served from
 * the package's own files: nothing is fetched from outside). Registered before the routes so
 * its onRoute hook sees every one of them.
 */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Zhihui (指挥) API',
          description:
            'Ingest camera status, inventory, clues and grid reports; read region figures, rankings and reports. Writes need `Authorization: Bearer <key>`: a key from API_KEYS (every write scope), a scoped key created by an admin (status, inventory, clues, grid), or ADMIN_KEY. With viewer tokens required, reads need a viewer token (`?token=` once, then a cookie). Errors are `{ error: { code, message, details? } }`.',
          version,
        },
        components: {
          securitySchemes: {
            bearer: {
              type: 'http',
              scheme: 'bearer',
              description: 'A write key (API_KEYS or a scoped key), or ADMIN_KEY for /admin routes',
            },
          },
        },
        tags: [
          { name: 'cameras', description: 'Video channels: inventory, status, maintenance' },
          { name: 'clues', description: 'Clues (线索) and their lifecycle' },
          { name: 'grid', description: 'Grid workers (网格员) and their reports' },
          { name: 'regions', description: 'The region tree and its figures' },
          { name: 'meeting', description: 'Dispatch meeting: ranking, reports, exports' },
          { name: 'admin', description: 'Keys, viewer tokens, maintenance windows and the audit log (admin role)' },
          { name: 'wall', description: 'What the wall client loads: map geometry and deployment settings' },
          { name: 'ops', description: 'Health and metrics' },
        ],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  },
  { name: 'docs', fastify: '5.x' },
);
