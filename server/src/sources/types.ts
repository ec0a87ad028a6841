import type { FastifyBaseLogger } from 'fastify';
import type { CameraReason } from '@zhihui/shared';
import type { SourceSettings } from './settings.js';

/** One status a source observed for one channel. */
export interface SourceReport {
  cameraId: string;
  status: 'online' | 'offline';
  reason?: CameraReason | null;
  /** When it was true (ISO 8601 with offset); now when the source does not say. */
  at?: string;
}

/**
 * What an adapter (wvp, ZLMediaKit, MQTT, RTSP) gets from the sources machinery: it turns its
 * outside signal into these calls and never touches the store itself.
 */
export interface SourceContext {
  readonly settings: SourceSettings;
  readonly log: FastifyBaseLogger;
  now(): number;
  /** Queues observations; they go through precedence, repeat dropping and flap damping, then the ingest. */
  report(reports: readonly SourceReport[]): void;
  /** Resolves when everything reported so far has been committed (or rejected). */
  flushed(): Promise<void>;
  /** The connection to the outside system (or its keepalive) is there, or lost with why. */
  connection(connected: boolean, error?: string | null): void;
  /**
   * After a full resync (REST reconciliation, retained messages, a media list): channels this source
   * feeds that it did not mention and that are still unknown because it was down become plain unknown.
   */
  reconciled(mentioned: ReadonlySet<string>): Promise<void>;
  /** Counts (and at most once a minute per kind logs) bad input; `detail` must hold no secret. */
  bad(kind: string, detail: string): void;
  /** Counts messages received (for the per-minute rates and the last-message time). */
  received(n?: number): void;
  /** Channels whose state currently comes from this source. */
  owned(): string[];
}

/** One kind of source, started and stopped by the registry. */
export interface SourceAdapter {
  /** Connects and keeps connecting; connection problems go to ctx.connection, never thrown. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The source's settings as the admin API shows them: addresses, topics, counts — never a secret. */
  describe(): Record<string, unknown>;
}
