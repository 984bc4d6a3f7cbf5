/**
 * What the counters in an actor's mailbox header count (the ring's `Mailbox.stat` words, written
 * by the thread that runs the actor with plain stores, read by `ActorSystem.inspect()` from any
 * thread as they stand). The two last are the thread's, kept in its agent's mailbox. Failures
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
} as const;

/** Where an actor's counters are: its mailbox, as its own thread holds it. */
export interface StatCounters {
  /** Adds `by` (default 1) to counter `which` (see {@link ActorStat}). */
  countStat(which: number, by?: number): void;
}
