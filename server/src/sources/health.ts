import type { FastifyBaseLogger } from 'fastify';

/** Counts of the last 60 seconds, one bucket per second: a per-minute rate without keeping events. */
export class RateWindow {
  readonly #counts = new Float64Array(60);
  readonly #second = new Float64Array(60).fill(-1);

  add(n: number, now: number): void {
    const s = Math.floor(now / 1000);
    const i = s % 60;
    if (this.#second[i] !== s) {
      this.#second[i] = s;
      this.#counts[i] = 0;
    }
    this.#counts[i]! += n;
  }

  /** Sum over the 60 seconds before `now`. */
  perMinute(now: number): number {
    const s = Math.floor(now / 1000);
    let sum = 0;
    for (let i = 0; i < 60; i++) if (s - this.#second[i]! < 60) sum += this.#counts[i]!;
    return sum;
  }
}

/** How often a kind of bad input from one source may reach the log. */
const LOG_EVERY_MS = 60_000;
const EXAMPLE_CHARS = 160;

/** A source's health as GET /api/v1/sources and /metrics show it. */
export interface HealthView {
  connected: boolean;
  /** `starting` until the first connection or the first down. */
  state: 'starting' | 'up' | 'down';
  /** Since when in `state`. */
  stateSince: string;
  lastMessageAt: string | null;
  messages: number;
  messagesPerMinute: number;
  rejectsPerMinute: number;
  /** Bad input since the start, per kind (malformed payload, unknown id, …). */
  rejects: Record<string, number>;
  lastError: string | null;
  lastErrorAt: string | null;
}

/**
 * One source's counters: messages, bad input per kind (each kind logged at most once a minute,
 * with how many were held back), connection state and the last error.
 */
export class SourceHealth {
  connected = false;
  state: HealthView['state'] = 'starting';
  stateSince: number;
  lastMessageAt: number | null = null;
  lastError: string | null = null;
  lastErrorAt: number | null = null;
  messages = 0;
  readonly #messageRate = new RateWindow();
  readonly #rejectRate = new RateWindow();
  readonly rejects = new Map<string, number>();
  readonly #logged = new Map<string, { at: number; held: number }>();

  constructor(
    readonly source: string,
    readonly log: FastifyBaseLogger,
    readonly now: () => number,
  ) {
    this.stateSince = now();
  }

  received(n = 1): void {
    const t = this.now();
    this.messages += n;
    this.lastMessageAt = t;
    this.#messageRate.add(n, t);
  }

  /** Counts one piece of bad input of `kind`; returns true when it was logged. */
  bad(kind: string, detail: string): boolean {
    const t = this.now();
    this.rejects.set(kind, (this.rejects.get(kind) ?? 0) + 1);
    this.#rejectRate.add(1, t);
    const last = this.#logged.get(kind);
    if (last && t - last.at < LOG_EVERY_MS) {
      last.held++;
      return false;
    }
    const example = detail.length > EXAMPLE_CHARS ? `${detail.slice(0, EXAMPLE_CHARS)}…` : detail;
    this.log.warn(
      { source: this.source, kind, heldBack: last?.held ?? 0, example },
      `source ${this.source}: bad input (${kind}); the same kind is logged at most once a minute`,
    );
    this.#logged.set(kind, { at: t, held: 0 });
    return true;
  }

  error(message: string): void {
    this.lastError = message;
    this.lastErrorAt = this.now();
  }

  setState(state: HealthView['state']): void {
    if (state === this.state) return;
    this.state = state;
    this.stateSince = this.now();
  }

  view(iso: (t: number) => string): HealthView {
    const t = this.now();
    return {
      connected: this.connected,
      state: this.state,
      stateSince: iso(this.stateSince),
      lastMessageAt: this.lastMessageAt === null ? null : iso(this.lastMessageAt),
      messages: this.messages,
      messagesPerMinute: this.#messageRate.perMinute(t),
      rejectsPerMinute: this.#rejectRate.perMinute(t),
      rejects: Object.fromEntries(this.rejects),
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt === null ? null : iso(this.lastErrorAt),
    };
  }
}
