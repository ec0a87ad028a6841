import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorBodySchema, ErrorCode } from '@zhihui/shared';
import { HttpError } from '../domain/errors.js';
import { BAD_CURSOR } from '../store/types.js';

export { HttpError, validationError, fieldError, notFound } from '../domain/errors.js';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input: malformed JSON (BAD_JSON), a field that fails its schema (VALIDATION_ERROR, details name the fields), an unknown reference',
  401: 'Missing or wrong API key (UNAUTHORIZED)',
  404: 'Unknown id or region (NOT_FOUND, UNKNOWN_REGION, UNKNOWN_WORKER)',
  409: 'A lifecycle transition that is not allowed (BAD_TRANSITION, naming both states)',
  413: 'Body larger than the limit (PAYLOAD_TOO_LARGE)',
  415: 'Unsupported content-type (UNSUPPORTED_MEDIA_TYPE)',
  503: 'The store is unavailable (STORE_UNAVAILABLE)',
};

/** Response schemas for the error statuses a route can answer, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBodySchema> {
  const out: Record<number, typeof ErrorBodySchema> = {};
  for (const s of statuses)
    out[s] = Object.assign({}, ErrorBodySchema, { description: ERROR_DESCRIPTIONS[s] ?? 'Error' });
  return out;
}

interface SchemaIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** One validation issue as `{ field, message }`, with the field relative to the request part. */
function fieldOf(issue: SchemaIssue): { field: string; message: string } {
  let field = (issue.instancePath ?? '').replace(/^\//, '');
  const p = issue.params ?? {};
  const missing =
    (p.missingProperty as string | undefined) ??
    (Array.isArray(p.requiredProperties) ? String(p.requiredProperties[0]) : undefined);
  if (issue.keyword === 'required' && missing)
    return { field: field ? `${field}/${missing}` : missing, message: 'is required' };
  if (issue.keyword === 'additionalProperties' && p.additionalProperty) {
    return {
      field: field ? `${field}/${String(p.additionalProperty)}` : String(p.additionalProperty),
      message: 'is not a known field',
    };
  }
  if (issue.keyword === 'maxItems' && p.limit !== undefined)
    return {
      field: field || '(body)',
      message: `at most ${String(p.limit)} items per request; split it into smaller batches`,
    };
  if ((issue.keyword === 'enum' || issue.keyword === 'anyOf') && Array.isArray(p.allowedValues)) {
    return { field: field || '(body)', message: `must be one of ${p.allowedValues.join(', ')}` };
  }
  if (!field) field = '(body)';
  return { field, message: issue.message ?? 'is invalid' };
}

/**
 * A store failure the client should hear about as 503 STORE_UNAVAILABLE (retry later), not as a
 * 500: the database locked by another process, a full disk, an I/O error, a read-only or missing
 * file (SQLite's extended codes such as SQLITE_BUSY_SNAPSHOT or SQLITE_IOERR_WRITE included), or
 * PostgreSQL unreachable, out of resources or shutting down.
 */
export function storeUnavailable(err: {
  code?: unknown;
}): { kind: string; message: string; retryAfterSec: number } | null {
  const code = typeof err.code === 'string' ? err.code : '';
  if (/^SQLITE_(BUSY|LOCKED)/.test(code))
    return {
      kind: 'busy',
      message: 'the store is locked by another process; the request did not complete, retry shortly',
      retryAfterSec: 2,
    };
  if (/^SQLITE_FULL/.test(code))
    return {
      kind: 'full',
      message: "the store's disk is full; the request did not complete. Free disk space, then retry",
      retryAfterSec: 60,
    };
  if (/^SQLITE_(IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|PROTOCOL)/.test(code)) {
    return {
      kind: 'io',
      message:
        'the store cannot read or write its database file; the request did not complete. The server log has the details',
      retryAfterSec: 30,
    };
  }
  // PostgreSQL: connection exceptions (08…), insufficient resources (53…), operator intervention (57P…); and the socket itself.
  if (
    /^(08\d{3}|53\d{3}|57P0\d)$/.test(code) ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)
  ) {
    return {
      kind: 'database',
      message: 'the database is unreachable or out of resources; the request did not complete, retry shortly',
      retryAfterSec: 5,
    };
  }
  return null;
}

const STATUS_CODES: Record<number, string> = {
  400: ErrorCode.validation,
  401: ErrorCode.unauthorized,
  403: ErrorCode.forbidden,
  404: ErrorCode.notFound,
  409: ErrorCode.conflict,
  413: ErrorCode.tooLarge,
  415: ErrorCode.unsupportedMedia,
  429: ErrorCode.tooMany,
};

function send(reply: FastifyReply, status: number, code: string, message: string, details?: unknown): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: details === undefined ? { code, message } : { code, message, details } });
}

/**
 * Fastify's `frameworkErrors` option: errors it raises before any hook or route runs (a URL it
 * cannot decode) leave in the same shape as every other error.
 */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  reply.header('x-content-type-options', 'nosniff');
  void send(
    reply,
    status,
    ErrorCode.validation,
    err.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid (bad percent-encoding?)' : err.message,
  );
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request (a
 * URL or headers too long, a request that did not arrive in time, bytes that are not HTTP)
 * leaves in the one error shape too, then the connection closes.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, text, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          ErrorCode.tooLarge,
          'the URL or the headers are too large (16 KB at most together)',
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', ErrorCode.timeout, 'the request did not arrive in time; send it whole, faster']
        : [400, 'Bad Request', ErrorCode.validation, 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * The one error handler: every failure leaves as `{ error: { code, message, details? } }`.
 * Client mistakes are 4xx naming the field; anything else is a logged 5xx with a generic message.
 */
export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError & { details?: unknown }, request: FastifyRequest, reply: FastifyReply) => {
      if (err instanceof HttpError) {
        if (err.retryAfterSec !== undefined) reply.header('retry-after', String(err.retryAfterSec));
        return send(reply, err.statusCode, err.code, err.message, err.details);
      }
      if (err.validation) {
        const part = err.validationContext ?? 'body';
        const details = (err.validation as SchemaIssue[]).map(fieldOf);
        const uniq = details.filter((d, i) => details.findIndex((x) => x.field === d.field) === i);
        const first = uniq[0]!;
        return send(
          reply,
          400,
          ErrorCode.validation,
          `${part === 'body' ? '' : `${part} `}${first.field}: ${first.message}`,
          uniq,
        );
      }
      switch (err.code) {
        case 'FST_ERR_CTP_INVALID_JSON_BODY':
          return send(reply, 400, ErrorCode.badJson, 'body is not valid JSON');
        case 'FST_ERR_CTP_EMPTY_JSON_BODY':
          return send(reply, 400, ErrorCode.badJson, "body is empty but content-type is 'application/json'");
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
          return send(
            reply,
            413,
            ErrorCode.tooLarge,
            `body is larger than ${request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit} bytes; split it into smaller requests`,
          );
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
          return send(
            reply,
            415,
            ErrorCode.unsupportedMedia,
            `content-type '${request.headers['content-type'] ?? ''}' is not supported here; use application/json`,
          );
        case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
          return send(reply, 400, ErrorCode.validation, 'content-length does not match the body');
        case BAD_CURSOR:
          return send(reply, 400, ErrorCode.validation, 'cursor: not a cursor this server issued', [
            { field: 'cursor', message: 'not a cursor this server issued' },
          ]);
      }
      const unavailable = storeUnavailable(err);
      if (unavailable) {
        // Nothing of the request was committed (each write is one transaction): the sender may retry.
        request.log.error({ err, url: request.url, method: request.method }, `store unavailable: ${unavailable.kind}`);
        reply.header('retry-after', String(unavailable.retryAfterSec));
        return send(reply, 503, ErrorCode.unavailable, unavailable.message);
      }
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        // Fastify's own client errors (bad headers, rate limits …) keep their status with our shape.
        const code = STATUS_CODES[status] ?? ErrorCode.validation;
        return send(reply, status, code, err.message || code);
      }
      request.log.error({ err, url: request.url, method: request.method }, 'request failed');
      return send(
        reply,
        status >= 500 && status < 600 ? status : 500,
        ErrorCode.internal,
        'internal error; the server logged the details',
      );
    });

    app.setNotFoundHandler((request, reply) =>
      send(reply, 404, ErrorCode.notFound, `no route ${request.method} ${request.url.split('?')[0]}`),
    );
  },
  { name: 'errors', fastify: '5.x', dependencies: ['config'] },
);
