import { randomBytes } from 'node:crypto';
import type { CameraRecord } from '../store/types.js';
import type { PlayTarget } from './broker.js';
import { VideoUnavailable } from './errors.js';

/** One viewer's hold on a channel: a tile that plays it. */
export interface Session {
  /** Unguessable: the proxied stream's URL carries it. */
  id: string;
  channelId: string;
  expiresAt: number;
  /** Proxied requests of this session in flight (an open FLV stream keeps the session alive). */
  streaming: number;
  /** Aborted when the session is closed: its proxied media in flight ends with it. */
  readonly ended: AbortController;
}

/** Everyone watching one channel, sharing one stream from the platform. */
interface Hold {
  viewers: Set<string>;
  target: Promise<PlayTarget>;
  /** The upstream failed since it was obtained: the next viewer asks the platform again. */
  broken: boolean;
  stopTimer: NodeJS.Timeout | null;
}

export interface SessionsOptions {
  open: (cam: CameraRecord) => Promise<PlayTarget>;
  leaseMs: number;
  maxSessions: number;
  clock?: () => number;
  /** A release (platform stop) that failed: logged, never thrown. */
  onReleaseError?: (channelId: string, err: unknown) => void;
  onRelease?: (channelId: string) => void;
}

/**
 * Viewer counting. The first viewer of a channel obtains its stream (wvp: play/start); later ones
 * share it; when the last one closes, or stops renewing its lease, the stream is released once
 * (wvp: play/stop), after the rule's stop delay so that a carousel coming back, or a tile
 * reconnecting, does not cost a new GB INVITE.
 */
export class Sessions {
  readonly #opts: SessionsOptions;
  readonly #clock: () => number;
  readonly #sessions = new Map<string, Session>();
  readonly #holds = new Map<string, Hold>();

  constructor(opts: SessionsOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? Date.now;
  }

  /** A new viewer of the channel; rejects with VideoUnavailable when the platform gives no stream. */
  async open(cam: CameraRecord): Promise<{ session: Session; target: PlayTarget }> {
    if (this.#sessions.size >= this.#opts.maxSessions)
      throw new VideoUnavailable(
        `too many open video sessions on this server (${this.#opts.maxSessions}); close tiles or retry later`,
        'busy',
      );
    let hold = this.#holds.get(cam.id);
    if (hold?.broken) {
      hold.broken = false;
      hold.target = this.#opts.open(cam);
    }
    if (!hold) {
      hold = { viewers: new Set(), target: this.#opts.open(cam), broken: false, stopTimer: null };
      this.#holds.set(cam.id, hold);
    }
    if (hold.stopTimer) {
      clearTimeout(hold.stopTimer);
      hold.stopTimer = null;
    }
    const session: Session = {
      id: randomBytes(18).toString('base64url'),
      channelId: cam.id,
      expiresAt: this.#clock() + this.#opts.leaseMs,
      streaming: 0,
      ended: new AbortController(),
    };
    hold.viewers.add(session.id);
    this.#sessions.set(session.id, session);
    try {
      return { session, target: await hold.target };
    } catch (err) {
      // Nothing was started: forget the hold without a release, and every viewer waiting on it.
      this.#sessions.delete(session.id);
      hold.viewers.delete(session.id);
      if (this.#holds.get(cam.id) === hold && hold.viewers.size === 0) this.#holds.delete(cam.id);
      throw err;
    }
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** The stream a live session plays. */
  async target(session: Session): Promise<PlayTarget | null> {
    const hold = this.#holds.get(session.channelId);
    return hold ? hold.target : null;
  }

  /** Extends a session's lease; false when it is gone (closed or expired). */
  renew(id: string): boolean {
    const s = this.#sessions.get(id);
    if (!s) return false;
    s.expiresAt = this.#clock() + this.#opts.leaseMs;
    return true;
  }

  /** Counts a proxied request in flight; the returned function ends it. */
  streaming(s: Session): () => void {
    s.streaming++;
    s.expiresAt = this.#clock() + this.#opts.leaseMs;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      s.streaming--;
      s.expiresAt = this.#clock() + this.#opts.leaseMs;
    };
  }

  /** The upstream of a channel failed: its next viewer obtains a fresh stream. */
  markBroken(channelId: string): void {
    const hold = this.#holds.get(channelId);
    if (hold) hold.broken = true;
  }

  /** Ends a session (idempotent); the channel's stream is released after its last viewer. */
  close(id: string): boolean {
    const s = this.#sessions.get(id);
    if (!s) return false;
    this.#sessions.delete(id);
    s.ended.abort();
    const hold = this.#holds.get(s.channelId);
    if (!hold) return true;
    hold.viewers.delete(id);
    if (hold.viewers.size === 0 && !hold.stopTimer) this.#scheduleRelease(s.channelId, hold);
    return true;
  }

  #scheduleRelease(channelId: string, hold: Hold): void {
    const run = () => {
      hold.stopTimer = null;
      if (hold.viewers.size > 0 || this.#holds.get(channelId) !== hold) return;
      this.#holds.delete(channelId);
      void this.#release(channelId, hold);
    };
    void hold.target.then(
      (t) => {
        if (hold.viewers.size > 0 || this.#holds.get(channelId) !== hold) return;
        if (t.stopDelayMs > 0) {
          hold.stopTimer = setTimeout(run, t.stopDelayMs);
          hold.stopTimer.unref();
        } else run();
      },
      () => undefined,
    );
  }

  async #release(channelId: string, hold: Hold): Promise<void> {
    let target: PlayTarget;
    try {
      target = await hold.target;
    } catch {
      return;
    }
    if (!target.release) return;
    try {
      await target.release();
      this.#opts.onRelease?.(channelId);
    } catch (err) {
      this.#opts.onReleaseError?.(channelId, err);
    }
  }

  /** Closes sessions whose lease ran out (a tab that died without saying goodbye). */
  sweep(): number {
    const now = this.#clock();
    let n = 0;
    for (const s of [...this.#sessions.values()]) {
      if (s.streaming === 0 && s.expiresAt <= now) {
        this.close(s.id);
        n++;
      }
    }
    return n;
  }

  /** On shutdown: every stream still held is released now. */
  async closeAll(): Promise<void> {
    const holds = [...this.#holds.entries()];
    this.#sessions.clear();
    this.#holds.clear();
    await Promise.all(
      holds.map(([id, h]) => {
        if (h.stopTimer) clearTimeout(h.stopTimer);
        return this.#release(id, h);
      }),
    );
  }

  stats(): { sessions: number; channels: number } {
    return { sessions: this.#sessions.size, channels: this.#holds.size };
  }
}
