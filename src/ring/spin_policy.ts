/**
 * How long a waiting thread spins before it parks, adapted to whether spinning pays.
 *
 * Waking a parked thread costs 10–20 µs on our machines (the guest halts idle CPUs), so a spin
 * before parking is worth ~50× in ping-pong throughput: it pays whenever the awaited work comes
 * within the spin. It does not pay when work comes rarely, nor when the cores are oversubscribed
 * (the thread we wait for cannot run while we spin, so spinning only delays it).
 *
 * So the policy keeps a moving average of how often a spin ended in success, and spins in
 * proportion to it: `limit = maxSpins × hitRate`, at least `minSpins`, and a success after `i`
 * checks keeps the limit at least `2i`. One miss barely moves the
 * average — that matters, because in a ping-pong one side that parks makes the other side's next
 * spin miss too (waking takes longer than any spin), and halving on each miss would collapse both
 * sides into parking every round trip. Work that comes rarely drives the average, and the spin,
 * to nothing within a few dozen waits. One wait in every {@link PROBE_EVERY} spins the full
 * budget whatever the average, so a policy that stopped spinning notices when spinning pays
 * again, and goes back to spinning as long as it takes.
 *
 * One more signal breaks the collapse for good: a park that ended within {@link SHORT_PARK_MS}
 * means the work came just after we gave up, so a longer spin would have paid — but only if the
 * spin that gave up was cut short by a low hit rate. When even the full budget missed and the
 * work came right after, the likely story is oversubscribed cores (our spinning kept the other
 * thread from running): then the budget is left to shrink.
 *
 * @module
 */

/** How a {@link SpinPolicy} is tuned; counts are checks of the awaited condition (~6 ns each). */
export interface SpinOptions {
  /** The full spin budget: the most checks before parking. Default 10000 (~60 µs). */
  maxSpins?: number;
  /** The least a spin is cut down to. Default 16. */
  minSpins?: number;
}

/** One spin-wait in this many uses the full budget, however low the hit rate has fallen. */
export const PROBE_EVERY = 32;
/** Weight of the newest outcome in the hit-rate average (1/16: ~16 waits of memory). */
const RATE_WEIGHT = 1 / 16;
/** A park shorter than this means the awaited work was close behind the spin. */
export const SHORT_PARK_MS = 0.1;

/** The spin budget of one waiting thread; not shared between threads. */
export class SpinPolicy {
  readonly maxSpins: number;
  readonly minSpins: number;
  /** Moving average of spins that ended in success, from 0 to 1. */
  hitRate = 1;
  #uses = 0;
  /** Checks the last spin was allowed (for `parked`). */
  #lastLimit = 0;

  /** @throws {RangeError} when the budgets are not integers with 0 ≤ minSpins ≤ maxSpins. */
  constructor(options: SpinOptions = {}) {
    const maxSpins = options.maxSpins ?? 10_000;
    const minSpins = options.minSpins ?? Math.min(16, maxSpins);
    for (
      const [name, value] of [["maxSpins", maxSpins], [
        "minSpins",
        minSpins,
      ]] as const
    ) {
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(
          `${name} must be a non-negative integer, got ${value}`,
        );
      }
    }
    if (minSpins > maxSpins) {
      throw new RangeError(
        `need minSpins ≤ maxSpins, got ${minSpins} and ${maxSpins}`,
      );
    }
    this.maxSpins = maxSpins;
    this.minSpins = minSpins;
  }

  /** How many checks the next spin makes (unless it is a probe). */
  get limit(): number {
    return Math.max(this.minSpins, Math.round(this.maxSpins * this.hitRate));
  }

  /**
   * Calls `ready` until it returns true or the budget is spent, or `maxMs` have passed (a long
   * spin's checks take much longer than their count says when the thread is preempted: the cores
   * are wanted elsewhere); learns from the outcome.
   * @returns whether `ready` became true while spinning.
   */
  spin(ready: () => boolean, maxMs = Infinity): boolean {
    const limit = this.#lastLimit = ++this.#uses % PROBE_EVERY === 0 ? this.maxSpins : this.limit;
    const found = maxMs === Infinity
      ? checksUntil(ready, limit)
      : timedChecksUntil(ready, limit, performance.now() + maxMs);
    if (found >= 0) {
      // A success after n checks says a spin of 2n would pay: never budget less than that.
      const rate = this.hitRate + (1 - this.hitRate) * RATE_WEIGHT;
      this.hitRate = Math.min(1, Math.max(rate, (2 * found) / this.maxSpins));
      return true;
    }
    this.hitRate -= this.hitRate * RATE_WEIGHT;
    return false;
  }

  /**
   * Tells the policy how long the park after a failed spin lasted, in ms. A short park after a
   * spin that was cut short doubles the hit rate (so two or three of them restore full spins).
   */
  parked(ms: number): void {
    if (ms < SHORT_PARK_MS && this.#lastLimit < this.maxSpins) {
      this.hitRate = Math.min(1, Math.max(this.hitRate * 2, 1 / 8));
    }
  }
}

/**
 * Calls `ready` up to `limit` times. @returns how many calls came before the one that returned
 * true, or -1.
 *
 * The loop is apart from the learning in {@link SpinPolicy.spin} because V8 compiles a long loop
 * on its own (on-stack replacement) from the feedback it has then: the code after a loop that
 * is left rarely has none, and that code deopts each time the loop is left that way, without
 * being thrown away. Measured with the learning after the loop: ~35 deopts a second of
 * ping-pong between two Workers, each spin that missed running on unoptimized code. After this
 * loop, nothing needs feedback.
 */
function checksUntil(ready: () => boolean, limit: number): number {
  for (let i = 0; i < limit; i++) {
    if (ready()) return i;
  }
  return -1;
}

/**
 * {@link checksUntil}, giving up once the clock passes `until` (read every 64 calls).
 * @returns as checksUntil: -1 when the budget or the time ran out.
 */
function timedChecksUntil(ready: () => boolean, limit: number, until: number): number {
  for (let i = 0; i < limit; i++) {
    if (ready()) return i;
    if ((i & 63) === 63 && performance.now() > until) return -1;
  }
  return -1;
}
