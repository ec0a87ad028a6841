/** Doubling delays with ±20% jitter between `first` and `max` ms, so many clients do not retry in step. */
export class Backoff {
  #attempt = 0;

  constructor(
    readonly first: number,
    readonly max: number,
    readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const base = Math.min(this.max, this.first * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
