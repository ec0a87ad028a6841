import fp from 'fastify-plugin';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '@zhihui/shared';
import { HttpError } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Hook for write routes (use as onRequest or preHandler): checks `Authorization: Bearer <key>`
     * against API_KEYS and sets request.actor; 401 otherwise, before anything is written.
     */
    requireWriter(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
  interface FastifyRequest {
    /** Who is acting: the API key's name on authenticated writes, 'anonymous' on open reads. */
    actor: string;
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Write authorisation by API key. Reads are open for now; viewer tokens and roles will grow here.
 * Keys are compared as SHA-256 digests with timingSafeEqual, every key every time, so neither a
 * key's length nor its prefix leaks through timing.
 */
export default fp(
  async (app) => {
    const keys = app.config.apiKeys.map((k) => ({ name: k.name, digest: digest(k.key) }));
    app.decorateRequest('actor', 'anonymous');

    app.decorate('requireWriter', async function requireWriter(request: FastifyRequest, reply: FastifyReply) {
      const header = request.headers.authorization;
      const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
      if (!m) {
        reply.header('www-authenticate', 'Bearer realm="zhihui"');
        throw new HttpError(401, ErrorCode.unauthorized, 'writes need Authorization: Bearer <key> (one of API_KEYS)');
      }
      const given = digest(m[1]!);
      let who: string | null = null;
      for (const k of keys) if (timingSafeEqual(given, k.digest) && who === null) who = k.name;
      if (who === null) {
        reply.header('www-authenticate', 'Bearer realm="zhihui", error="invalid_token"');
        throw new HttpError(401, ErrorCode.unauthorized, 'the API key is not valid');
      }
      request.actor = who;
    });
  },
  { name: 'auth', fastify: '5.x', dependencies: ['config', 'errors'] },
);
