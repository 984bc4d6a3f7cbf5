/**
 * How a receive loop waits when it has nothing to serve, and the turns it gives its thread's event
 * loop: it spins briefly (per the spin policy), may then sleep blocked for a while (a Worker wakes
 * sooner from `Atomics.wait` than through its event loop), and parks with `Atomics.waitAsync`,
 * which leaves the event loop free for timers, I/O and the promises of async handlers. A park
 * lasts no longer than until the loop's next timer: timers need no thread and no polling.
 *
 * Only on the loop's thread. The one shared word it touches is the doorbell's bell (see
 * src/ring/doorbell.ts for who writes it).
 *
 * @module
 */

import type { Doorbell, SpinPolicy } from "../ring/mod.ts";
import { ActorStat, type LoopTimers, statClock, type StatCounters } from "../actor/mod.ts";
import { nextTask } from "./loop_options.ts";

/**
 * The longest a spin after quiet requests from another node lasts by the clock, whatever its
 * count of checks (~0.6 ms unhindered): a thread preempted while it spins is holding a core that
 * others want (64 pairs ping-ponging across processes on 2 cores: spins of 100,000 checks lasted
 * ~2.8 ms on average). 0.6 ms cut sequential calls short as well: 1.07–1.25× raw request/reply
 * against 0.99–1.09× with 2 ms, in alternating runs.
 */
const REMOTE_SPIN_MS = 2;

/** What a loop's parking is told: the loop's own settings, defaults applied. */
export interface ParkingOptions {
  /** The thread's spin policy. */
  readonly spin: SpinPolicy;
  /** See ReceiveLoopOptions.remoteSpin. */
  readonly remoteSpin: SpinPolicy | null;
  /** See ReceiveLoopOptions.sliceMs. */
  readonly sliceMs: number;
  /** See ReceiveLoopOptions.blockedParkMs. */
  readonly blockedParkMs: number;
  /** The thread's counters (see ReceiveLoopOptions.threadCounters): its parked time. */
  readonly threadCounters: StatCounters;
  /** Whether the loop has a cell to serve (cheap enough for a spin loop). */
  readonly hasWork: () => boolean;
  /** Whether the loop was closed (or its thread given up): a park ends. */
  readonly closed: () => boolean;
}

/** The waiting of one receive loop: spin, blocked sleep, async park, event loop turns. */
export class Parking {
  readonly #doorbell: Doorbell;
  readonly #timers: LoopTimers;
  readonly #options: ParkingOptions;
  /** Handlers of this loop's actors whose promises have not settled yet (see track). */
  #awaiting = 0;
  /** When the thread's event loop last had a turn (a task, or an async park). */
  #eventLoopTurnAt = 0;
  /** What ends a park: the loop closed, an earlier timer, or work. */
  readonly #parkEnds = (): boolean =>
    this.#options.closed() || this.#earlierTimer || this.#options.hasWork();
  /** Whether the loop waits in waitAsync (local mail posted outside a turn must ring its bell). */
  #parked = false;
  /** Set when a timer earlier than the others was added: the park's timeout is stale. */
  #earlierTimer = false;
  /** The part of a millisecond parked not yet counted (the counter counts whole ones). */
  #parkedCarry = 0;
  /** The policy of the last spin: told how long the park after it lasted. */
  #lastSpin: SpinPolicy;

  constructor(doorbell: Doorbell, timers: LoopTimers, options: ParkingOptions) {
    this.#doorbell = doorbell;
    this.#timers = timers;
    this.#options = options;
    this.#lastSpin = options.spin;
  }

  /**
   * Spins a while for work (see SpinPolicy.spin): longer after a quiet request from another node
   * (`afterRemote`, see ReceiveLoopOptions.remoteSpin), unless a handler awaits something: what
   * it awaits needs the event loop, which a long spin would hold up; and never past the loop's
   * next timer. @returns whether work came.
   */
  spin(afterRemote: boolean): boolean {
    const options = this.#options;
    const policy = afterRemote && options.remoteSpin !== null && this.#awaiting === 0
      ? options.remoteSpin
      : options.spin;
    this.#lastSpin = policy;
    if (policy === options.spin) return policy.spin(options.hasWork);
    // Not past the loop's next timer either: it fires when the loop stops spinning.
    const until = this.#timers.nextDelay(performance.now());
    return policy.spin(options.hasWork, until < REMOTE_SPIN_MS ? until : REMOTE_SPIN_MS);
  }

  /**
   * Counts `work` (an async handler, an async preStart) as awaited until it settles: meanwhile the
   * loop parks only asynchronously, leaving the event loop to what `work` awaits.
   */
  track(work: Promise<unknown>): void {
    this.#awaiting++;
    work.then(() => {
      this.#awaiting--;
    }, (error) => {
      this.#awaiting--;
      throw error; // still unhandled, as before it was tracked: a bug must not pass silently
    });
  }

  /** A timer earlier than the others was added: a parked loop must park again, until it. */
  timerEarlier(): void {
    this.#earlierTimer = true;
    this.ringIfParked();
  }

  /** Wakes the loop if it waits in waitAsync: work came from outside a turn (a timer, a promise). */
  ringIfParked(): void {
    if (this.#parked) this.#doorbell.ring();
  }

  /** Gives the thread's event loop a turn (a macrotask: timers, I/O and microtasks run). */
  async yieldTask(): Promise<void> {
    await nextTask();
    this.#eventLoopTurnAt = performance.now();
  }

  /**
   * Waits until work comes, the loop closes or its next timer is due: blocked a while first if it
   * may, then with waitAsync. Counts the time parked on the thread's counters.
   */
  async park(): Promise<void> {
    const parkedAt = performance.now();
    if (this.#blocksOut(parkedAt)) {
      // Mail has ended every blocked sleep for a slice: the event loop's turn, first.
      await this.yieldTask();
      return;
    }
    this.#earlierTimer = false;
    const counters = this.#options.threadCounters;
    counters.setStat(ActorStat.ThreadParkedSince, statClock());
    // Parked no longer than until the next timer: timers need no thread and no polling.
    if (this.#parkBlocked(parkedAt)) {
      // The microtasks of what the handlers started, before the next message.
      await undefined;
    } else {
      this.#parked = true;
      await this.#doorbell.waitAsync(
        this.#parkEnds,
        this.#timers.nextDelay(performance.now()),
      );
      this.#eventLoopTurnAt = performance.now();
    }
    this.#parked = false;
    const parkedMs = performance.now() - parkedAt;
    this.#lastSpin.parked(parkedMs);
    this.#countParked(parkedMs);
    counters.setStat(ActorStat.ThreadParkedSince, 0);
  }

  /**
   * Whether blocked sleeps have kept the event loop from a turn for a slice: each one a ring ends
   * early goes straight back to serving, so mail coming more often than a sleep lasts would
   * otherwise starve the thread's timers and I/O.
   */
  #blocksOut(now: number): boolean {
    const options = this.#options;
    return options.blockedParkMs > 0 && now - this.#eventLoopTurnAt >= options.sliceMs;
  }

  /**
   * Sleeps blocked for a while first (see ReceiveLoopOptions.blockedParkMs), unless a handler
   * awaits something: its promise needs the event loop. Returns whether a ring ended it.
   */
  #parkBlocked(parkedAt: number): boolean {
    const most = this.#options.blockedParkMs;
    if (most <= 0 || this.#awaiting !== 0) return false;
    const timeout = Math.min(most, this.#timers.nextDelay(parkedAt));
    return timeout > 0 && this.#doorbell.park(this.#parkEnds, timeout);
  }

  /** Adds `ms` to the thread's parked time, in whole milliseconds (the rest carried over). */
  #countParked(ms: number): void {
    const total = this.#parkedCarry + ms;
    const whole = Math.floor(total);
    this.#parkedCarry = total - whole;
    if (whole > 0) this.#options.threadCounters.countStat(ActorStat.ThreadParkedMs, whole);
  }
}
