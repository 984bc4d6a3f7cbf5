/**
 * What the counters in an actor's mailbox header count (the ring's `Mailbox.stat` words, written
 * by the thread that runs the actor with plain stores, read by `ActorSystem.inspect()` from any
 * thread as they stand). The three last are the thread's, kept in its agent's mailbox. Failures
 * are not here: every one is reported to the system's thread, which counts them there.
 *
 * @module
 */

/** The index of each counter (see the module doc). */
export const ActorStat = {
  /** Messages the actor's handlers took. */
  Handled: 0,
  /** Messages the actor sent with itself as the sender. */
  Sent: 1,
  /** How often its supervisor restarted it (in its Worker; the system counts its own). */
  Restarts: 2,
  /** In a Worker's agent mailbox: messages all actors of the Worker took. */
  ThreadHandled: 3,
  /** In a Worker's agent mailbox: milliseconds the Worker spent parked, waiting for mail. */
  ThreadParkedMs: 4,
  /**
   * In a Worker's agent mailbox: when its current park began, by {@link statClock}; 0 while it
   * runs. {@link ThreadParkedMs} counts a park once it ends: a Worker parked for seconds would
   * otherwise look busy all that time.
   */
  ThreadParkedSince: 5,
} as const;

/**
 * Wall-clock milliseconds, modulo 2^32 and never 0: a time one thread stores in a counter word
 * and another reads (`performance.now()` alone has each thread's own origin).
 */
export function statClock(): number {
  return (Math.floor(performance.timeOrigin + performance.now()) >>> 0) || 1;
}

/** Milliseconds since `since` (a {@link statClock} time; 0: not parked, so 0). */
export function parkedFor(since: number, now: number = statClock()): number {
  // Signed: two threads' clocks may differ by a fraction of a millisecond either way.
  return since === 0 ? 0 : Math.max(0, (now - since) | 0);
}

/** Where an actor's counters are: its mailbox, as its own thread holds it. */
export interface StatCounters {
  /** Adds `by` (default 1) to counter `which` (see {@link ActorStat}). */
  countStat(which: number, by?: number): void;
  /** Sets counter `which` to `value`. */
  setStat(which: number, value: number): void;
}
