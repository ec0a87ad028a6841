import { randomUUID } from 'node:crypto';
import { isoAt } from '../domain/time.js';
import type { DeliveryRecord, DeliveryStatus } from '../store/types.js';
import { DeliveryError, type Transport } from './channels/index.js';
import { mergeMessages, type Message } from './message.js';

const WINDOW_MS = 60_000;
/** How long a robot that said "too fast" is left alone (DingTalk throttles for 10 minutes; we wait one window). */
const THROTTLED_WAIT_MS = WINDOW_MS;

/** Where the queue writes the delivery log (the store, with failures reported, never thrown). */
export interface DeliverySink {
  add(d: DeliveryRecord): void;
  update(
    id: string,
    patch: Partial<Pick<DeliveryRecord, 'status' | 'attempts' | 'error' | 'mergedInto' | 'sentAt' | 'updatedAt'>>,
  ): void;
}

/** What became of a message: sent on its own or merged into another that was sent, or not. */
export interface DeliveryOutcome {
  id: string;
  status: Extract<DeliveryStatus, 'sent' | 'failed'>;
  /** The message it went out in, when merged. */
  via: string | null;
  attempts: number;
  error: string | null;
}

export interface ChannelQueueOptions {
  channel: string;
  transport: Transport;
  /** Messages a minute (every attempt counts, as the robots count requests). */
  ratePerMinute: number;
  /** Further attempts after a failure that may heal. */
  retries: number;
  sink: DeliverySink;
  /** Removes the channel's secrets from an error text. */
  scrub: (text: string) => string;
  /** Backoff before attempt n + 1 (n ≥ 1); default 1 s, 2 s, 4 s … up to 60 s, ±20%. */
  backoffMs?: (attempt: number) => number;
  onOutcome?: (o: DeliveryOutcome, m: Message) => void;
}

interface Entry {
  id: string;
  message: Message;
}
interface Group {
  entries: Entry[];
  why: 'overflow' | 'quiet' | null;
}

export const defaultBackoff = (attempt: number): number =>
  Math.min(60_000, 1000 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);

/**
 * One channel's outbox. Messages go out one at a time, in order, on their own timers: whoever
 * enqueues never waits for the far end. At most `ratePerMinute` requests leave per sliding
 * minute; what would exceed that goes out as one merged message in the window's last slot,
 * never dropped. A failure that may heal is retried with backoff; every message has a line in
 * the delivery log that says what became of it.
 */
export class ChannelQueue {
  #o: ChannelQueueOptions;
  readonly #queue: Group[] = [];
  #held: Entry[] = [];
  readonly #sentAt: number[] = [];
  readonly #waiters = new Map<string, ((o: DeliveryOutcome) => void)[]>();
  #running = false;
  #timer: NodeJS.Timeout | null = null;
  #pause: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  #closed = false;

  constructor(o: ChannelQueueOptions) {
    this.#o = o;
  }

  get channel(): string {
    return this.#o.channel;
  }

  /** Messages waiting to be sent, and held through quiet hours. */
  get pending(): { queued: number; held: number } {
    return { queued: this.#queue.reduce((n, g) => n + g.entries.length, 0), held: this.#held.length };
  }

  /** Queues a message; the promise says what became of it (callers may ignore it). */
  enqueue(m: Message): Promise<DeliveryOutcome> {
    const e = this.#entry(m, 'queued');
    this.#queue.push({ entries: [e], why: null });
    this.#kick();
    return this.#wait(e.id);
  }

  /** Keeps a message until the quiet hours end (releaseHeld). */
  hold(m: Message): void {
    this.#held.push(this.#entry(m, 'held'));
  }

  /** Sends what was held through quiet hours, as one merged message (or as is when alone). */
  releaseHeld(): void {
    if (this.#held.length === 0) return;
    const entries = this.#held;
    this.#held = [];
    const now = isoAt(Date.now());
    for (const e of entries) this.#o.sink.update(e.id, { status: 'queued', updatedAt: now });
    this.#queue.push({ entries, why: 'quiet' });
    this.#kick();
  }

  /** Takes back messages a previous run left queued or held (their log lines exist already). */
  restore(d: DeliveryRecord): void {
    const e = { id: d.id, message: d.message as unknown as Message };
    if (d.status === 'held') this.#held.push(e);
    else {
      this.#queue.push({ entries: [e], why: null });
      this.#kick();
    }
  }

  /**
   * Takes a channel's new settings (URL, secret, limits) without losing what waits: the message
   * in flight finishes with the old transport, the rest go out with the new one.
   */
  reconfigure(o: ChannelQueueOptions): void {
    const old = this.#o.transport;
    this.#o = o;
    if (old !== o.transport) void old.close().catch(() => {});
  }

  /** Stops sending; whatever is still queued stays `queued` in the log for the next start. */
  close(): void {
    this.#closed = true;
    void this.#o.transport.close().catch(() => {});
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#pause) {
      clearTimeout(this.#pause.timer);
      this.#pause.resolve();
    }
  }

  #entry(m: Message, status: 'queued' | 'held'): Entry {
    const id = randomUUID();
    const now = isoAt(Date.now());
    this.#o.sink.add({
      id,
      channel: this.#o.channel,
      rule: m.rule,
      region: m.region,
      kind: m.kind,
      title: m.title,
      status,
      attempts: 0,
      error: null,
      mergedInto: null,
      createdAt: now,
      updatedAt: now,
      sentAt: null,
      message: m as unknown as Record<string, unknown>,
    });
    return { id, message: m };
  }

  #wait(id: string): Promise<DeliveryOutcome> {
    return new Promise((resolve) => {
      const list = this.#waiters.get(id) ?? [];
      list.push(resolve);
      this.#waiters.set(id, list);
    });
  }

  #settle(ids: readonly string[], o: Omit<DeliveryOutcome, 'id'>, m: Message): void {
    for (const id of ids) {
      const out = { ...o, id };
      for (const w of this.#waiters.get(id) ?? []) w(out);
      this.#waiters.delete(id);
    }
    this.#o.onOutcome?.({ ...o, id: o.via ?? ids[0]! }, m);
  }

  #kick(): void {
    if (this.#running || this.#closed || this.#timer) return;
    this.#running = true;
    this.#run()
      .catch(() => {})
      .finally(() => {
        this.#running = false;
      });
  }

  /** Ms until a request may leave without exceeding the window (0: now). */
  #slotIn(now: number): number {
    while (this.#sentAt.length > 0 && this.#sentAt[0]! <= now - WINDOW_MS) this.#sentAt.shift();
    return this.#sentAt.length < this.#o.ratePerMinute ? 0 : this.#sentAt[0]! + WINDOW_MS - now;
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closed) {
      const wait = this.#slotIn(Date.now());
      if (wait > 0) {
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.#kick();
        }, wait);
        return;
      }
      const free = this.#o.ratePerMinute - this.#sentAt.length;
      // What would exceed the window goes out as one message in its last free slot.
      if (this.#queue.length > free) {
        const tail = this.#queue.splice(Math.max(0, free - 1));
        this.#queue.push({
          entries: tail.flatMap((g) => g.entries),
          why: tail.every((g) => g.why === 'quiet') ? 'quiet' : 'overflow',
        });
      }
      await this.#deliver(this.#queue.shift()!);
    }
  }

  /** The first entries of a group that fit one message; the rest go back to the front. */
  #fit(g: Group): { message: Message; id: string; parts: Entry[] } {
    if (g.entries.length === 1) return { message: g.entries[0]!.message, id: g.entries[0]!.id, parts: [] };
    const region = commonRegion(g.entries.map((e) => e.message.region));
    const why = g.why ?? 'overflow';
    let n = g.entries.length;
    const fits = (k: number) =>
      Buffer.byteLength(
        this.#o.transport.render(
          mergeMessages(
            g.entries.slice(0, k).map((e) => e.message),
            why,
            region,
          ),
        ),
      ) <= this.#o.transport.maxBytes;
    while (n > 2 && !fits(n)) n = Math.max(2, Math.floor(n * 0.75));
    if (n < g.entries.length) this.#queue.unshift({ entries: g.entries.slice(n), why: g.why });
    const parts = g.entries.slice(0, n);
    const message = mergeMessages(
      parts.map((e) => e.message),
      why,
      region,
    );
    const merged = this.#entry(message, 'queued');
    const now = isoAt(Date.now());
    for (const p of parts) this.#o.sink.update(p.id, { status: 'merged', mergedInto: merged.id, updatedAt: now });
    return { message, id: merged.id, parts };
  }

  async #deliver(g: Group): Promise<void> {
    const { message, id, parts } = this.#fit(g);
    const ids = parts.length > 0 ? parts.map((p) => p.id) : [id];
    const via = parts.length > 0 ? id : null;
    let error: string | null = null;
    for (let attempt = 1; ; attempt++) {
      const wait = this.#slotIn(Date.now());
      if (wait > 0) await this.#sleep(wait);
      if (this.#closed) return;
      this.#sentAt.push(Date.now());
      try {
        await this.#o.transport.send(message);
        const now = isoAt(Date.now());
        this.#o.sink.update(id, { status: 'sent', attempts: attempt, error, sentAt: now, updatedAt: now });
        this.#settle(ids, { status: 'sent', via, attempts: attempt, error }, message);
        return;
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message ?? String(err), true);
        error = this.#o.scrub(e.message);
        const last = !e.retriable || attempt > this.#o.retries;
        this.#o.sink.update(id, {
          status: last ? 'failed' : 'queued',
          attempts: attempt,
          error,
          updatedAt: isoAt(Date.now()),
        });
        if (last) {
          this.#settle(ids, { status: 'failed', via, attempts: attempt, error }, message);
          return;
        }
        await this.#sleep(e.throttled ? THROTTLED_WAIT_MS : (this.#o.backoffMs ?? defaultBackoff)(attempt));
        if (this.#closed) return;
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pause = null;
        resolve();
      }, ms);
      this.#pause = { timer, resolve };
    });
  }
}

/**
 * The deepest region containing every code: NBS codes nest by prefix (130111 ⊃ 130111103), and
 * above the county a shorter prefix padded with zeros names the city or province (1301 → 130100).
 */
export function commonRegion(codes: readonly string[]): string {
  let common = codes[0] ?? '';
  for (const c of codes) {
    while (common.length > 0 && !c.startsWith(common))
      common = common.length > 6 ? common.slice(0, common.length === 12 ? 9 : 6) : common.slice(0, -2);
  }
  return common.length >= 6 ? common : common.padEnd(6, '0');
}
