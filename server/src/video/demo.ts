import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseFlv, writeTag, type FlvClip } from './flv.js';

/** How far ahead of real time frames go out: enough for the player's buffer, little enough to stay live. */
const LEAD_MS = 400;
const TICK_MS = 100;

/** The committed demo clip and snapshot (fixtures/video, made by make-demo.sh). */
export interface DemoAssets {
  clip: FlvClip;
  snapshot: Buffer | null;
}

/** Loads the demo assets from the fixtures folder; null when the clip is missing or unreadable. */
export function loadDemoAssets(fixturesDir: string): DemoAssets | null {
  let clip: FlvClip;
  try {
    clip = parseFlv(readFileSync(path.join(fixturesDir, 'video', 'demo.flv')));
  } catch {
    return null;
  }
  let snapshot: Buffer | null = null;
  try {
    snapshot = readFileSync(path.join(fixturesDir, 'video', 'demo-snapshot.jpg'));
  } catch {
    /* a tile without a snapshot still works */
  }
  return { clip, snapshot };
}

/**
 * The clip as an endless live HTTP-FLV stream: header and decoder configuration once, then the
 * frames again and again with timestamps running on, paced to real time so a player sees what a
 * camera behind a media server would send. Pauses while the client is not reading (backpressure).
 */
export class DemoLiveStream extends Readable {
  readonly #clip: FlvClip;
  readonly #clock: () => number;
  #timer: NodeJS.Timeout | null = null;
  #started = -1;
  #next = 0;
  #loop = 0;
  #waiting = false;

  constructor(clip: FlvClip, clock: () => number = Date.now) {
    super({ highWaterMark: 256 * 1024 });
    this.#clip = clip;
    this.#clock = clock;
  }

  override _read(): void {
    if (this.#started < 0) {
      this.#started = this.#clock();
      this.push(Buffer.concat([this.#clip.header, ...this.#clip.config.map((t) => writeTag(t.type, 0, t.data))]));
      this.#timer = setInterval(() => this.#pump(), TICK_MS);
    }
    this.#waiting = false;
    this.#pump();
  }

  #pump(): void {
    if (this.#waiting || this.destroyed) return;
    const { frames, durationMs } = this.#clip;
    const due = this.#clock() - this.#started + LEAD_MS;
    const out: Buffer[] = [];
    for (;;) {
      const f = frames[this.#next]!;
      const ts = this.#loop * durationMs + f.ts;
      if (ts > due) break;
      out.push(writeTag(f.type, ts, f.data));
      if (++this.#next === frames.length) {
        this.#next = 0;
        this.#loop++;
      }
    }
    if (out.length > 0 && !this.push(Buffer.concat(out))) this.#waiting = true;
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    cb(err);
  }
}
