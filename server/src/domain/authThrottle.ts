/**
 * Failed authentications slow down whoever keeps failing; they never lock anyone out.
 *
 * Each failure is counted against several keys at once: the client address (X-Forwarded-For only
 * from a trusted proxy), the TCP peer when that differs (so rotating X-Forwarded-For through a
 * trusted hop does not escape), and the presented secret (so one wrong key retried from many
 * addresses is slowed too). A key's count decays by half every minute. Past `freePerMinute`, the
 * answer to the next failure waits, twice as long each time up to `maxDelayMs`.
 *
 * A valid credential is checked first and never waits here: a NAT'd office keeps working while
 * someone behind the same address guesses. What protects against guessing is the strength of the
 * secrets (stored tokens carry 256 random bits); the delays make sequential guessing slow and
 * keep failing clients from costing the server much.
 */

export interface FailureThrottleOptions {
  /** Failures per key and minute answered at once (RATE_LIMIT_AUTH_FAILURES); 0 turns the throttle off. */
  freePerMinute: number;
  /** Delay of the first failure past the free ones, doubled for each further one. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Answers held back at once, per key and in all: past these a failure is refused (429) at once. */
  maxHeldPerKey?: number;
  maxHeld?: number;
  /** Keys remembered; the least recently failing are forgotten first. */
  maxKeys?: number;
  now?: () => number;
}

const HALF_LIFE_MS = 60_000;

/** What to do with a failed attempt: answer after `waitMs`, or refuse at once because too many already wait. */
export type FailureVerdict = { waitMs: number } | { refuse: true; retryAfterSec: number };

export class FailureThrottle {
  readonly #o: Required<FailureThrottleOptions>;
  readonly #scores = new Map<string, { score: number; at: number }>();
  readonly #held = new Map<string, number>();
  #heldTotal = 0;
  readonly #waiting = new Set<() => void>();

  constructor(opts: FailureThrottleOptions) {
    this.#o = {
      baseDelayMs: 250,
      maxDelayMs: 10_000,
      maxHeldPerKey: 8,
      maxHeld: 1000,
      maxKeys: 50_000,
      now: Date.now,
      ...opts,
    };
  }

  /** The current score of a key (failures, decayed). */
  score(key: string): number {
    const e = this.#scores.get(key);
    if (!e) return 0;
    return e.score * 2 ** (-(this.#o.now() - e.at) / HALF_LIFE_MS);
  }

  /** The delay a failure with this score earns. */
  delayFor(score: number): number {
    const excess = Math.ceil(score - this.#o.freePerMinute);
    if (this.#o.freePerMinute <= 0 || excess <= 0) return 0;
    return Math.min(this.#o.maxDelayMs, this.#o.baseDelayMs * 2 ** Math.min(30, excess - 1));
  }

  /** Counts one failure against every key and says how to answer it. */
  fail(keys: readonly string[]): FailureVerdict {
    if (this.#o.freePerMinute <= 0) return { waitMs: 0 };
    const now = this.#o.now();
    let worst = 0;
    for (const k of keys) {
      const score = this.score(k) + 1;
      this.#scores.delete(k); // re-inserted last: the map's order is least recently failing first
      this.#scores.set(k, { score, at: now });
      worst = Math.max(worst, this.delayFor(score));
    }
    while (this.#scores.size > this.#o.maxKeys) this.#scores.delete(this.#scores.keys().next().value!);
    if (worst === 0) return { waitMs: 0 };
    const full =
      this.#heldTotal >= this.#o.maxHeld || keys.some((k) => (this.#held.get(k) ?? 0) >= this.#o.maxHeldPerKey);
    return full ? { refuse: true, retryAfterSec: Math.ceil(worst / 1000) } : { waitMs: worst };
  }

  /** Waits `ms` holding a place for each key (see maxHeld); `close` ends every wait at once. */
  async hold(keys: readonly string[], ms: number): Promise<void> {
    if (ms <= 0) return;
    this.#heldTotal++;
    for (const k of keys) this.#held.set(k, (this.#held.get(k) ?? 0) + 1);
    try {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.#waiting.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        timer.unref();
        this.#waiting.add(done);
      });
    } finally {
      this.#heldTotal--;
      for (const k of keys) {
        const n = (this.#held.get(k) ?? 1) - 1;
        if (n <= 0) this.#held.delete(k);
        else this.#held.set(k, n);
      }
    }
  }

  /** Ends every wait (shutdown: held answers go out now). */
  close(): void {
    for (const done of [...this.#waiting]) done();
  }
}
