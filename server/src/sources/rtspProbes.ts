import type { RtspSourceConfig } from '../config/sections/sources.js';
import { Backoff } from './backoff.js';
import { probeRtsp, splitCredentials, type ProbeResult, type RtspCredentials } from './rtsp.js';
import type { SourceAdapter, SourceContext } from './types.js';

interface Target {
  id: string;
  /** Without credentials: this is what is logged and shown. */
  url: string;
  credentials: RtspCredentials | null;
  nextAt: number;
  backoff: Backoff;
  last: ProbeResult['status'] | null;
}

/** A binary min-heap of targets by their next probe time. */
class Schedule {
  readonly #a: Target[] = [];
  get size(): number {
    return this.#a.length;
  }
  peek(): Target | undefined {
    return this.#a[0];
  }
  push(t: Target): void {
    const a = this.#a;
    a.push(t);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.nextAt <= a[i]!.nextAt) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): Target | undefined {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.nextAt < a[m]!.nextAt) m = l;
        if (r < a.length && a[r]!.nextAt < a[m]!.nextAt) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Active RTSP probes for cameras no platform reports: each camera is probed every `interval`
 * (jittered by ±10%, first probes spread over one interval), at most `concurrency` at once; a
 * failing camera waits longer each time (doubling up to `maxBackoff`). Credentials stay inside:
 * URLs are shown and logged without them.
 */
export class RtspProbes implements SourceAdapter {
  readonly #c: RtspSourceConfig;
  readonly #ctx: SourceContext;
  readonly #schedule = new Schedule();
  readonly #targets: Target[];
  readonly #random: () => number;
  #running = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(config: RtspSourceConfig, ctx: SourceContext, random: () => number = Math.random) {
    this.#c = config;
    this.#ctx = ctx;
    this.#random = random;
    const intervalMs = this.#intervalMs;
    const shared =
      config.username !== undefined ? { username: config.username, password: config.password ?? '' } : null;
    this.#targets = config.cameras.map((cam) => {
      const { url, credentials } = splitCredentials(cam.url);
      const own = cam.username !== undefined ? { username: cam.username, password: cam.password ?? '' } : null;
      return {
        id: cam.id,
        url,
        credentials: own ?? credentials ?? shared,
        nextAt: 0,
        backoff: new Backoff(intervalMs, (config.maxBackoff ?? 900) * 1000, random),
        last: null,
      };
    });
  }

  get #intervalMs(): number {
    return (this.#c.interval ?? 60) * 1000;
  }

  describe(): Record<string, unknown> {
    const counts = { online: 0, offline: 0, pending: 0 };
    for (const t of this.#targets) counts[t.last ?? 'pending']++;
    return {
      cameras: this.#targets.length,
      intervalSeconds: this.#c.interval ?? 60,
      timeoutSeconds: this.#c.timeout ?? 5,
      concurrency: this.#c.concurrency ?? 8,
      maxBackoffSeconds: this.#c.maxBackoff ?? 900,
      probing: this.#running,
      lastResults: counts,
      // Addresses without credentials, so an admin can tell the cameras apart.
      sample: this.#targets.slice(0, 20).map((t) => ({ id: t.id, url: t.url, login: t.credentials !== null })),
    };
  }

  async start(): Promise<void> {
    this.#stopped = false;
    const now = this.#ctx.now();
    // Spread the first round over one interval so a thousand cameras are not probed at once.
    for (const t of this.#targets) {
      t.nextAt = now + Math.floor(this.#random() * Math.min(this.#intervalMs, 10_000 + this.#targets.length * 50));
      this.#schedule.push(t);
    }
    this.#ctx.connection(true);
    this.#tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.all(this.#inFlight);
  }

  #tick(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const limit = this.#c.concurrency ?? 8;
    const now = this.#ctx.now();
    while (this.#running < limit && (this.#schedule.peek()?.nextAt ?? Infinity) <= now)
      this.#probe(this.#schedule.pop()!);
    const next = this.#schedule.peek();
    if (next && this.#running < limit) {
      this.#timer = setTimeout(() => this.#tick(), Math.max(10, next.nextAt - now));
      this.#timer.unref();
    }
  }

  #probe(t: Target): void {
    this.#running++;
    const p = probeRtsp(t.url, t.credentials, (this.#c.timeout ?? 5) * 1000)
      .then((r) => this.#done(t, r))
      .finally(() => {
        this.#running--;
        this.#inFlight.delete(p);
        this.#tick();
      });
    this.#inFlight.add(p);
  }

  #done(t: Target, r: ProbeResult): void {
    const ctx = this.#ctx;
    ctx.received();
    if (this.#stopped) return;
    t.last = r.status;
    if (r.status === 'offline' && r.garbage) ctx.bad('bad_response', `${t.id} ${t.url}: ${r.detail}`);
    ctx.report([
      r.status === 'online'
        ? { cameraId: t.id, status: 'online' }
        : { cameraId: t.id, status: 'offline', reason: r.reason },
    ]);
    const jitter = 0.9 + 0.2 * this.#random();
    if (r.status === 'online') {
      t.backoff.reset();
      t.nextAt = ctx.now() + this.#intervalMs * jitter;
    } else t.nextAt = ctx.now() + t.backoff.next();
    this.#schedule.push(t);
  }
}
