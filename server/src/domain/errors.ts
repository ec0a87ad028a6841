import { ErrorCode, type FieldError } from '@zhihui/shared';

/** An error meant for the client: its status, code and message go out as they are. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly details: unknown;
  /** Seconds to send as retry-after (a 429 or 503 that will pass). */
  retryAfterSec?: number;
  constructor(statusCode: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

/** 400 naming the fields, from checker errors (prefix: where in the body, e.g. `reports/3`). */
export function validationError(errors: readonly FieldError[], prefix = ''): HttpError {
  const details = errors.map((e) => ({ field: prefix ? `${prefix}/${e.field}` : e.field, message: e.message }));
  const first = details[0];
  const message = first ? `${first.field}: ${first.message}` : 'invalid input';
  return new HttpError(400, ErrorCode.validation, message, details);
}

/** 400 for one field. */
export function fieldError(field: string, message: string, code: string = ErrorCode.validation): HttpError {
  return new HttpError(400, code, `${field}: ${message}`, [{ field, message }]);
}

export function notFound(what: string, id: string, code: string = ErrorCode.notFound): HttpError {
  return new HttpError(404, code, `${what} '${id}' not found`);
}
