import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createRequire } from 'node:module';
import { HealthSchema, toShanghaiIso } from '@zhihui/shared';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

/**
 * GET /healthz: 200 when the store answers, 503 otherwise (for load balancers and monitors).
 * GET /metrics: Prometheus text, open by default; METRICS=key asks for a Bearer key with the
 * metrics scope, METRICS=off does not serve it.
 */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const started = Date.now();
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['ops'],
        summary: 'Liveness and store reachability',
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (request, reply) => {
      let reachable = true;
      try {
        await app.store.isEmpty();
      } catch (err) {
        reachable = false;
        request.log.error({ err }, 'health: store unreachable');
      }
      return reply.code(reachable ? 200 : 503).send({
        status: reachable ? 'ok' : 'unavailable',
        version,
        store: { kind: app.store.kind, reachable },
        uptimeSec: Math.round((Date.now() - started) / 1000),
        time: toShanghaiIso(Date.now()),
      });
    },
  );

  const access = app.config.metricsAccess;
  if (access !== 'off') {
    app.get(
      '/metrics',
      { schema: { hide: true }, ...(access === 'key' ? { onRequest: app.requireScope('metrics') } : {}) },
      async (_request, reply) => {
        reply.type('text/plain; version=0.0.4; charset=utf-8');
        return app.metrics.render();
      },
    );
  }
};

export default routes;
