/** Something the wall says out loud: an urgent clue or a new roll-up alert. */
export interface Announcement {
  /** Said once per key (a clue id, an alert key with its start). */
  key: string;
  kind: 'urgent' | 'rollup';
  /** The zh-CN line: "紧急线索:冶河镇,河道旁有人焚烧垃圾" or "冶河镇 29路视频离线". */
  text: string;
}

export interface AnnouncerOptions {
  /** At most one announcement per this many ms. */
  minIntervalMs: number;
  now: () => number;
  /** Plays one announcement; `more` others were folded into it. */
  play: (a: Announcement, more: number) => void;
}

const SEEN_MAX = 500;

/**
 * Paces the wall's voice: each key is said once, at most one announcement per interval (what
 * arrives meanwhile is folded into the next one, urgent clues first, "等 N 条"), nothing during
 * quiet hours (what arrives then is dropped: the wall still shows it).
 */
export class Announcer {
  readonly #o: AnnouncerOptions;
  #interval: number;
  readonly #seen = new Set<string>();
  #pending: Announcement[] = [];
  #last = Number.NEGATIVE_INFINITY;
  #quiet = false;

  constructor(o: AnnouncerOptions) {
    this.#o = o;
    this.#interval = o.minIntervalMs;
  }

  /** Changes the pace (the server's setting, or the wall's URL option, arrives after start). */
  setMinInterval(ms: number): void {
    this.#interval = ms;
  }

  /** Marks keys as already known (what was on the wall before it started speaking). */
  know(keys: Iterable<string>): void {
    for (const k of keys) this.#remember(k);
  }

  setQuiet(quiet: boolean): void {
    this.#quiet = quiet;
    if (quiet) this.#pending = [];
  }

  push(a: Announcement): void {
    if (this.#seen.has(a.key)) return;
    this.#remember(a.key);
    if (this.#quiet) return;
    this.#pending.push(a);
    this.tick();
  }

  /** Plays what is pending once the interval allows; call it on a timer too. */
  tick(): void {
    if (this.#pending.length === 0 || this.#quiet) return;
    const now = this.#o.now();
    if (now - this.#last < this.#interval) return;
    const urgent = this.#pending.filter((p) => p.kind === 'urgent');
    const first = (urgent.length > 0 ? urgent : this.#pending)[0]!;
    const more = this.#pending.length - 1;
    this.#pending = [];
    this.#last = now;
    this.#o.play(first, more);
  }

  #remember(k: string): void {
    if (this.#seen.size >= SEEN_MAX) this.#seen.delete(this.#seen.values().next().value!);
    this.#seen.add(k);
  }
}

/** The line said for an announcement, with what was folded into it. */
export function spokenLine(a: Announcement, more: number): string {
  return more > 0 ? `${a.text}。另有 ${more} 条告警` : a.text;
}
