import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';

const YEAR_S = 365 * 24 * 3600;

/**
 * The built client: hashed assets with a long cache, index.html for the SPA routes (/wall/*,
 * /meeting/*), `/` → /wall/<REGION>. Without a built client the API still runs; pages say so.
 */
export default fp(
  async (app) => {
    const { clientDir, region } = app.config;
    // A wall whose viewer token is bound to a region opens on that region.
    app.get('/', { schema: { hide: true } }, async (request, reply) =>
      reply.redirect(`/wall/${request.principal?.region ?? region}`, 302),
    );

    const built = existsSync(path.join(clientDir, 'index.html'));
    if (!built) {
      app.log.warn({ clientDir }, 'client not built (no index.html): pages answer 503; run `npm run build -w client`');
      const notBuilt = async (_request: unknown, reply: import('fastify').FastifyReply) =>
        reply
          .code(503)
          .type('text/html; charset=utf-8')
          .send(
            '<!doctype html><meta charset="utf-8"><title>Zhihui</title><p>The wall client is not built yet. Run <code>npm run build -w client</code> and restart. The API is up: <a href="/docs">/docs</a>.</p>',
          );
      app.get('/wall/*', { schema: { hide: true } }, notBuilt);
      app.get('/meeting/*', { schema: { hide: true } }, notBuilt);
      app.get('/admin/*', { schema: { hide: true } }, notBuilt);
      app.get('/login', { schema: { hide: true } }, notBuilt);
      app.get('/desk/*', { schema: { hide: true } }, notBuilt);
      return;
    }

    await app.register(fastifyStatic, {
      root: clientDir,
      prefix: '/',
      index: false,
      wildcard: true,
      // Cache headers are decided per file below.
      cacheControl: false,
      // The build writes .br and .gz beside each text asset (client/vite.config.ts): sent by the
      // request's Accept-Encoding with Vary, the plain file otherwise. No compression per request.
      preCompressed: true,
      // Source maps are never served, even if a build left some behind: they carry the sources.
      allowedPath: (pathName) => !pathName.endsWith('.map'),
      setHeaders(res, sent) {
        // `sent` may be the precompressed twin: headers follow the file it stands for.
        const file = sent.replace(/\.(br|gz)$/, '');
        // Module workers (maplibre's) are refused unless served as JavaScript.
        if (file.endsWith('.mjs')) res.header('content-type', 'text/javascript; charset=utf-8');
        const rel = path.relative(clientDir, file).split(path.sep).join('/');
        res.header('cache-control', rel.startsWith('assets/') ? `public, max-age=${YEAR_S}, immutable` : 'no-cache');
      },
    });
    const spa = async (_request: unknown, reply: import('fastify').FastifyReply) => {
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    };
    app.get('/wall/*', { schema: { hide: true } }, spa);
    app.get('/meeting/*', { schema: { hide: true } }, spa);
    // The admin pages hold no data themselves: every call they make needs the admin key.
    app.get('/admin/*', { schema: { hide: true } }, spa);
    // Sign-in, and the duty desk (its own hook sends those not signed in to /login).
    app.get('/login', { schema: { hide: true } }, spa);
    app.get('/desk/*', { schema: { hide: true } }, spa);
  },
  { name: 'static', fastify: '5.x', dependencies: ['config', 'viewerGate'] },
);
