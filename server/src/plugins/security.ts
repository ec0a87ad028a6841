import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { credentialRef } from '../domain/credentials.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The origin of a configured tile URL template, or null when it is on our own origin (or unusable). */
export function tileOrigin(tileUrl: string | null): string | null {
  if (!tileUrl || tileUrl.startsWith('/')) return null;
  try {
    const u = new URL(tileUrl.replace(/\{[^}]*\}/g, '0'));
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * The Content-Security-Policy: nothing from another origin (command centres run on isolated
 * networks, and an injected script must not be able to call out), with the exceptions the wall
 * needs: maplibre's blob workers and data/blob images, inline styles that React and ECharts set,
 * and an intranet tile server when one is configured. socket.io's WebSocket to this server is
 * covered by 'self' (CSP 3 matches ws:/wss: of the page's own host); bare `ws:` would allow any host.
 */
export function cspDirectives(tileUrl: string | null, videoOrigins: readonly string[] = []): Record<string, string[]> {
  const tiles = tileOrigin(tileUrl);
  const extra = tiles ? [tiles] : [];
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...extra],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'", ...extra, ...videoOrigins],
    // Video tiles: players feed <video> through Media Source Extensions (blob: URLs); native HLS
    // and `direct` video rules load media from the origins listed in video.origins.
    'media-src': ["'self'", 'blob:', ...videoOrigins],
    'worker-src': ["'self'", 'blob:'],
    'child-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'frame-ancestors': ["'self'"],
    'form-action': ["'self'"],
    'manifest-src': ["'self'"],
  };
}

/**
 * The client a write is counted against: the credential it authenticated as (however the header
 * was spelled), its address when it has none. Counted after authentication (preHandler).
 */
function writeClient(request: FastifyRequest): string {
  return request.principal ? `w:c:${credentialRef(request.principal)}` : `w:ip:${request.ip}`;
}

/**
 * HTTP hardening: security headers and CSP (helmet), write rate limits per credential
 * (@fastify/rate-limit; failed authentications are throttled by the identify plugin), and CORS
 * only for the origins in CORS_ORIGINS. Registered before the routes so the limiter's onRoute
 * hook sees every route.
 */
export default fp(
  async (app) => {
    const { config } = app;
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: cspDirectives(config.tileUrl, config.file.video?.origins ?? []),
      },
      // TLS is the reverse proxy's business (it sets HSTS); on plain-HTTP intranets HSTS and
      // upgrade-insecure-requests would only break things.
      hsts: false,
      crossOriginEmbedderPolicy: false,
      // The wall may be opened from an intranet portal page on another origin.
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' },
    });

    await app.register(rateLimit, {
      global: true,
      // After the route's onRequest authentication, so the limit is per credential, not per header spelling.
      hook: 'preHandler',
      max: Math.max(1, config.rateLimitWrites),
      timeWindow: 60_000,
      // Reads are cheap and walls poll nothing; only writes (and failed auth, see identify.ts) are limited.
      allowList: (request) => config.rateLimitWrites <= 0 || !WRITE_METHODS.has(request.method),
      keyGenerator: writeClient,
      errorResponseBuilder: (_request, context) =>
        Object.assign(
          new Error(`too many writes: at most ${context.max} per minute per client; retry in ${context.after}`),
          { statusCode: 429 },
        ),
    });

    if (config.corsOrigins.length > 0) {
      const allowed = new Set(config.corsOrigins);
      app.addHook('onRequest', async (request, reply) => {
        const origin = request.headers.origin;
        if (typeof origin === 'string' && allowed.has(origin)) {
          reply.header('access-control-allow-origin', origin);
          reply.header(
            'access-control-expose-headers',
            'retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset',
          );
        }
        reply.header('vary', 'Origin');
      });
      app.options('*', { schema: { hide: true } }, async (request, reply) => {
        const origin = request.headers.origin;
        if (typeof origin === 'string' && allowed.has(origin)) {
          reply.header('access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
          reply.header('access-control-allow-headers', 'authorization, content-type');
          reply.header('access-control-max-age', '600');
        }
        return reply.code(204).send();
      });
    }
  },
  { name: 'security', fastify: '5.x', dependencies: ['config', 'errors'] },
);
