import { Type, type Static } from 'typebox';

/** Error codes every API answer and socket ack uses. */
export const ErrorCode = {
  validation: 'VALIDATION_ERROR',
  badJson: 'BAD_JSON',
  notFound: 'NOT_FOUND',
  unknownRegion: 'UNKNOWN_REGION',
  unknownCamera: 'UNKNOWN_CAMERA',
  unknownWorker: 'UNKNOWN_WORKER',
  badTransition: 'BAD_TRANSITION',
  conflict: 'CONFLICT',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  tooLarge: 'PAYLOAD_TOO_LARGE',
  tooMany: 'RATE_LIMITED',
  timeout: 'REQUEST_TIMEOUT',
  unsupportedMedia: 'UNSUPPORTED_MEDIA_TYPE',
  unavailable: 'STORE_UNAVAILABLE',
  /** An outside system Zhihui asked on the caller's behalf (a video platform) did not answer. */
  upstream: 'UPSTREAM_UNAVAILABLE',
  /** The PDF report cannot be rendered now (no Chromium, it cannot start, or too many waiting); report.html prints the same. */
  pdfUnavailable: 'PDF_UNAVAILABLE',
  /** A channel's stream cannot be had now (platform refused, unreachable, or no source serves it). */
  videoUnavailable: 'VIDEO_UNAVAILABLE',
  internal: 'INTERNAL',
  /** A person's account is locked after repeated failed sign-ins (423, with the time it opens again). */
  locked: 'ACCOUNT_LOCKED',
  /** A write authenticated by the session cookie came without the session's CSRF token. */
  csrf: 'CSRF_REFUSED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** `{ error: { code, message, details? } }` — the one error shape. */
export const ErrorBodySchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  }),
});
export type ErrorBody = Static<typeof ErrorBodySchema>;
