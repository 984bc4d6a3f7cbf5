/**
 * How long a waiting thread spins before it parks, adapted to whether spinning pays.
 *
 * Waking a parked thread costs 10–20 µs on our machines (the guest halts idle CPUs), so a short
 * spin before parking is worth ~50× in ping-pong throughput. But when the cores are
 * oversubscribed, the thread we wait for cannot run while we spin, and spinning only delays it.
 * So: a spin that succeeds after `i` checks keeps the limit at least `2i`; a spin that fails
 * halves the limit; and one wait in every {@link PROBE_EVERY} spins the default limit again, so a
 * policy that shrank under load recovers once the load is gone.
 *
 * @module
 */

/** How a {@link SpinPolicy} is tuned; counts are checks of the awaited condition (~6 ns each). */
export interface SpinOptions {
  /** The limit a new policy starts with and probes again now and then. Default 4096. */
  spins?: number;
  /** The least the limit shrinks to. Default 16. */
  minSpins?: number;
  /** The most the limit grows to. Default 65536. */
  maxSpins?: number;
}

/** One spin-wait in this many uses the default limit, however far the limit has shrunk. */
export const PROBE_EVERY = 32;

/** The spin limits of one waiting thread; not shared between threads. */
export class SpinPolicy {
  /** The current limit. */
  limit: number;
  readonly defaultSpins: number;
  readonly minSpins: number;
  readonly maxSpins: number;
  #uses = 0;

  /** @throws {RangeError} when the limits are not integers with min ≤ spins ≤ max. */
  constructor(options: SpinOptions = {}) {
    const spins = options.spins ?? 4096;
    const minSpins = options.minSpins ?? Math.min(16, spins);
    const maxSpins = options.maxSpins ?? Math.max(65536, spins);
    for (
      const [name, value] of [["spins", spins], ["minSpins", minSpins], [
        "maxSpins",
        maxSpins,
      ]] as const
    ) {
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
      }
    }
    if (!(minSpins <= spins && spins <= maxSpins)) {
      throw new RangeError(
        `need minSpins ≤ spins ≤ maxSpins, got ${minSpins}, ${spins}, ${maxSpins}`,
      );
    }
    this.defaultSpins = spins;
    this.minSpins = minSpins;
    this.maxSpins = maxSpins;
    this.limit = spins;
  }

  /**
   * Calls `ready` until it returns true or the limit is reached; learns from the outcome.
   * @returns whether `ready` became true while spinning.
   */
  spin(ready: () => boolean): boolean {
    const probing = ++this.#uses % PROBE_EVERY === 0 && this.limit < this.defaultSpins;
    const limit = probing ? this.defaultSpins : this.limit;
    for (let i = 0; i < limit; i++) {
      if (ready()) {
        if (2 * i > this.limit) this.limit = Math.min(this.maxSpins, 2 * i);
        return true;
      }
    }
    this.limit = Math.max(this.minSpins, this.limit >> 1);
    return false;
  }
}
