/** One alert's durable state: what its condition is, and what people were last told about it. */
export interface AlertRecord {
  key: string;
  rule: string;
  /** Region the alert is about (a township, a clue's township, a source's …). */
  region: string;
  /** The condition has held long enough to count (see `forMs`). */
  active: boolean;
  /** Since when the condition has held (null: it does not hold). */
  pendingSince: number | null;
  /** What people were last told: firing, resolved, or nothing yet. */
  sent: 'firing' | 'resolved' | null;
  sentAt: number | null;
  /** When the firing now in force began. */
  firedAt: number | null;
  /** Changes of `active` since the last message (a flapping subject). */
  flaps: number;
}

/** What to tell people now about an alert. */
export type AlertPhase = 'firing' | 'recovery' | 'reminder';

export interface ObserveOptions {
  /** The condition must hold this long before it counts (township rate for T minutes). */
  forMs: number;
  /** At most one message per key per this interval: a flapping subject stays quiet meanwhile. */
  flapMs: number;
  /** Remind while still firing after this long (0: never). */
  repeatMs: number;
  /** Send a message when it clears (false: clear silently). */
  recovery: boolean;
}

/**
 * The state machine behind every rule: a condition observed over time becomes messages with flap
 * suppression (one message per key per interval; a subject that went down and up again within it
 * produces nothing more, its final state is told once the interval is over), a repeat interval
 * for reminders, and recovery messages. Pure: the engine supplies the clock and persists records.
 */
export class AlertTracker {
  readonly #records = new Map<string, AlertRecord>();
  readonly #dirty = new Set<string>();

  load(records: readonly AlertRecord[]): void {
    for (const r of records) this.#records.set(r.key, r);
  }

  get(key: string): AlertRecord | undefined {
    return this.#records.get(key);
  }

  /** Records whose key starts with `prefix` (a rule's alerts). */
  *withPrefix(prefix: string): Iterable<AlertRecord> {
    for (const r of this.#records.values()) if (r.key.startsWith(prefix)) yield r;
  }

  /**
   * Feeds the condition's current value; returns what to send now (null: nothing). `silent` clears
   * a firing alert without a message: another alert replaced it (a source down covers its channels).
   */
  observe(
    key: string,
    rule: string,
    region: string,
    cond: boolean,
    now: number,
    o: ObserveOptions,
    silent = false,
  ): AlertPhase | null {
    let r = this.#records.get(key);
    if (!r) {
      if (!cond) return null;
      r = { key, rule, region, active: false, pendingSince: null, sent: null, sentAt: null, firedAt: null, flaps: 0 };
      this.#records.set(key, r);
    }
    const before = JSON.stringify(r);
    if (cond) r.pendingSince ??= now;
    else r.pendingSince = null;
    const active = cond && now - r.pendingSince! >= o.forMs;
    if (active !== r.active) r.flaps++;
    r.active = active;
    const phase = silent ? this.#silence(r) : this.#decide(r, now, o);
    if (phase) {
      r.sentAt = now;
      r.flaps = 0;
      if (phase === 'firing') {
        r.sent = 'firing';
        r.firedAt = now;
      } else if (phase === 'recovery') r.sent = 'resolved';
    }
    // A settled record is forgotten once its flap interval is over; until then it still guards.
    if (
      !r.active &&
      r.pendingSince === null &&
      r.sent !== 'firing' &&
      (r.sentAt === null || now - r.sentAt >= o.flapMs)
    ) {
      this.#records.delete(key);
      this.#dirty.add(key);
      return phase;
    }
    if (JSON.stringify(r) !== before) this.#dirty.add(key);
    return phase;
  }

  #silence(r: AlertRecord): AlertPhase | null {
    if (r.sent === 'firing') {
      r.sent = 'resolved';
      r.active = false;
      r.pendingSince = null;
    }
    return null;
  }

  #decide(r: AlertRecord, now: number, o: ObserveOptions): AlertPhase | null {
    const free = r.sentAt === null || now - r.sentAt >= o.flapMs;
    if (r.active && r.sent !== 'firing') return free ? 'firing' : null;
    if (!r.active && r.sent === 'firing') {
      if (!free) return null;
      if (o.recovery) return 'recovery';
      r.sent = 'resolved';
      return null;
    }
    if (r.active && r.sent === 'firing' && o.repeatMs > 0 && r.sentAt !== null && now - r.sentAt >= o.repeatMs)
      return 'reminder';
    return null;
  }

  /** Forgets every record of a rule (it was deleted or changed kind). */
  dropRule(rule: string): void {
    for (const [k, r] of this.#records) {
      if (r.rule === rule) {
        this.#records.delete(k);
        this.#dirty.add(k);
      }
    }
  }

  /** Records changed since the last call (null: deleted), for persisting. */
  takeDirty(): { put: AlertRecord[]; del: string[] } {
    const put: AlertRecord[] = [];
    const del: string[] = [];
    for (const k of this.#dirty) {
      const r = this.#records.get(k);
      if (r) put.push({ ...r });
      else del.push(k);
    }
    this.#dirty.clear();
    return { put, del };
  }
}
