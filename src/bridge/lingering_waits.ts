/**
 * A Bridge's waits on the system for actors' ends, each kept while something of the Bridge needs
 * it and for a while after ({@link LingeringWaits.idleMs}), not until the actor ends, which for a
 * long-lived actor is never. Two things of a Bridge need them:
 * - its calls to the actors of other nodes: a call pending on one settles as soon as it ends, as a
 *   call to an actor of this process does. For such an actor the wait is a watch: a record on
 *   both nodes and a control message each way, sent again whenever records from its node may
 *   have been lost. A long-lived Bridge that called a million actors of other nodes, once each,
 *   held a million watches on both sides before;
 * - `whenTerminated`: a wait given up (a health check's timeout) leaves its actor's wait idle.
 *
 * The while after is what keeps a caller that calls the same actor again and again (or a health
 * check that waits again and again) on one wait, not one made and given up per call. Letting a
 * wait go loses nothing: the next need makes it again, and a wait made on an actor that has
 * ended is answered at once (see SystemCluster.whenEnded and Registry.whenEnded).
 *
 * @module
 */

import { actorKey, type ActorRef, type Terminated } from "../actor/mod.ts";

/** How long a Bridge keeps waiting on an actor's end after nothing of it needs that any more. */
export const WAIT_LINGER_MS = 10_000;

/** The system's wait for an actor's end, given up when `signal` aborts. */
export type WhenEnded = (target: ActorRef<unknown>, signal: AbortSignal) => Promise<Terminated>;

/** What holds a wait: each hold of an actor is released once. */
export interface Holds {
  /** Something of the Bridge needs to hear of `target`'s end. */
  hold(target: ActorRef<unknown>): void;
  /** One of those needs is gone (a call settled, a wait was given up). */
  release(target: ActorRef<unknown>): void;
}

/** One actor's wait. */
interface Wait {
  /** The holds on it. */
  holds: number;
  /** When its last hold was released (`performance.now()`), while `holds` is 0. */
  idleSince: number;
  /** Aborted to give the system's wait up. */
  readonly given: AbortController;
}

/** The waits of one Bridge on the system for actors' ends, by actor (`node:slot.generation`). */
export class LingeringWaits implements Holds {
  /** How long a wait stays once nothing holds it (ms). */
  readonly idleMs: number;
  readonly #whenEnded: WhenEnded;
  readonly #onEnded: (target: ActorRef<unknown>, end: Terminated) => void;
  readonly #waits = new Map<string, Wait>();
  /** The waits nothing holds, in the order their last hold went (a Set keeps that order). */
  readonly #idle = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /**
   * @param whenEnded the system's wait for an actor's end.
   * @param onEnded told when an actor waited on ended, held or not.
   * @param idleMs how long a wait stays once nothing holds it.
   */
  constructor(
    whenEnded: WhenEnded,
    onEnded: (target: ActorRef<unknown>, end: Terminated) => void,
    idleMs: number = WAIT_LINGER_MS,
  ) {
    this.#whenEnded = whenEnded;
    this.#onEnded = onEnded;
    this.idleMs = idleMs;
  }

  /** How many actors are waited on (tests: none once nothing held them for the idle time). */
  get size(): number {
    return this.#waits.size;
  }

  hold(target: ActorRef<unknown>): void {
    if (this.#closed) return;
    const key = actorKey(target);
    const wait = this.#waits.get(key);
    if (wait !== undefined) {
      if (wait.holds++ === 0) this.#idle.delete(key);
      return;
    }
    const made: Wait = { holds: 1, idleSince: 0, given: new AbortController() };
    this.#waits.set(key, made);
    this.#whenEnded(target, made.given.signal).then((end) => {
      if (this.#waits.get(key) !== made) return; // given up meanwhile
      this.#waits.delete(key);
      this.#idle.delete(key);
      this.#onEnded(target, end);
    });
  }

  release(target: ActorRef<unknown>): void {
    const key = actorKey(target);
    const wait = this.#waits.get(key);
    // None: the actor ended (what held it lets go after), or the Bridge closed.
    if (wait === undefined || --wait.holds > 0) return;
    wait.idleSince = performance.now();
    this.#idle.add(key);
    if (this.#timer === undefined) this.#arm(this.idleMs);
  }

  /** The Bridge closed: every wait goes now. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const wait of this.#waits.values()) wait.given.abort();
    this.#waits.clear();
    this.#idle.clear();
  }

  /** Gives up the waits idle for `idleMs`, then waits for the next one to be. */
  #sweep(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (const key of this.#idle) {
      const wait = this.#waits.get(key)!;
      const left = wait.idleSince + this.idleMs - now;
      // In the order they went idle: the first still young says when the next sweep is due.
      if (left > 0) return this.#arm(left);
      this.#idle.delete(key);
      this.#waits.delete(key);
      wait.given.abort();
    }
  }

  #arm(delayMs: number): void {
    this.#timer = setTimeout(() => this.#sweep(), delayMs);
    // Waits about to be given up are no reason for the process to stay.
    Deno.unrefTimer(this.#timer);
  }
}
