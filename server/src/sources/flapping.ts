/**
 * Flap damping, per channel: a channel that changes state more than `changes` times within
 * `windowMs` is held in the state last applied before the change that crossed the line, and
 * marked flapping. While held, its changes are noted but not applied (so they count neither as
 * failures nor as repairs); the episode is counted once. When it has been quiet for a whole
 * window it is released, and its latest reported state applies.
 */
export class FlapDamper {
  /** Change times inside the window, per channel with recent changes. */
  readonly #changes = new Map<string, number[]>();
  /** Held channels: since when, and the time of their latest change. */
  readonly #held = new Map<string, { since: number; lastChange: number; changes: number }>();
  /** Flapping episodes so far (each counted once, however long it lasts). */
  episodes = 0;

  constructor(
    readonly changes: number,
    readonly windowMs: number,
  ) {}

  /**
   * Notes a change of `cameraId` at `now`. True when the change must be held back (the channel is
   * flapping, or starts to with this change).
   */
  change(cameraId: string, now: number): boolean {
    const held = this.#held.get(cameraId);
    if (held) {
      held.lastChange = now;
      held.changes++;
      return true;
    }
    let times = this.#changes.get(cameraId);
    if (!times) this.#changes.set(cameraId, (times = []));
    times.push(now);
    while (times.length > 0 && times[0]! <= now - this.windowMs) times.shift();
    if (times.length <= this.changes) return false;
    this.#held.set(cameraId, { since: now, lastChange: now, changes: 1 });
    this.#changes.delete(cameraId);
    this.episodes++;
    return true;
  }

  isHeld(cameraId: string): boolean {
    return this.#held.has(cameraId);
  }

  /** Channels quiet for a whole window: no longer held. Also forgets old change times. */
  release(now: number): string[] {
    const out: string[] = [];
    for (const [id, h] of this.#held) {
      if (now - h.lastChange >= this.windowMs) {
        this.#held.delete(id);
        out.push(id);
      }
    }
    for (const [id, times] of this.#changes)
      if (times[times.length - 1]! <= now - this.windowMs) this.#changes.delete(id);
    return out;
  }

  /** Held channels with since when and how many changes were held back. */
  heldList(): { cameraId: string; since: number; heldChanges: number }[] {
    return [...this.#held].map(([cameraId, h]) => ({ cameraId, since: h.since, heldChanges: h.changes }));
  }

  get heldCount(): number {
    return this.#held.size;
  }
}
