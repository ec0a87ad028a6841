import { ErrorCode, type VideoFailureKind } from '@zhihui/shared';
import { HttpError } from '../domain/errors.js';

/**
 * A channel's stream cannot be had now: the platform refused or did not answer, or the upstream
 * is unreachable. 503 with a message a tile can show as the outage reason; it never carries a
 * platform URL or credential.
 */
export class VideoUnavailable extends HttpError {
  constructor(message: string, kind: VideoFailureKind = 'platform') {
    super(503, ErrorCode.videoUnavailable, message, { kind });
  }
}
