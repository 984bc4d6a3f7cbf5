/**
 * What the actor system tells its users as it happens: handler failures and dead letters, each
 * to the listeners subscribed to it (`onFailure`, `onDeadLetter`), on the system's thread. A
 * listener that throws is reported and never lets its error into the runtime; a failure nobody
 * listens to goes to `console.error`, so none passes unseen, and so do the first dead letters
 * nobody listens to (`console.warn`). Bridges listen here too, for dead
 * threads marked dead (whose stalled records they may skip then).
 *
 * @module
 */

import { type ActorRef, swapCurrentSender } from "../actor/mod.ts";
import { decode } from "../codec/mod.ts";
import type { DeadLetterNotice } from "./control.ts";
import type { SystemCourier } from "../delivery/mod.ts";
import type { ActorFailure, DeadLetter } from "./options.ts";

/**
 * Told which calls to `target`, an actor of another node, got no reply: for each reply address
 * of this node (slot, generation), the last tag the actor took, three numbers each (CallsLost).
 */
export type CallsLostListener = (
  target: ActorRef<unknown>,
  reason: string,
  calls: readonly number[],
) => void;

/** The system's listeners, and how a failure or a dead letter reaches them. */
export class SystemEvents {
  readonly #failureListeners = new Set<(failure: ActorFailure) => void>();
  readonly #failureWatchers = new Set<(failure: ActorFailure) => void>();
  readonly #deadLetterWatchers = new Set<(deadLetter: DeadLetter) => void>();
  readonly #nodeDownListeners = new Set<
    (node: number, reason: string) => void
  >();
  readonly #deadLetterListeners = new Set<(deadLetter: DeadLetter) => void>();
  readonly #threadDeathListeners = new Set<() => void>();
  readonly #callsLostListeners = new Set<CallsLostListener>();

  /** Subscribes to handler failures; returns a function that unsubscribes. */
  onFailure(listener: (failure: ActorFailure) => void): () => void {
    this.#failureListeners.add(listener);
    return () => this.#failureListeners.delete(listener);
  }

  /**
   * Watches handler failures without taking them over (a live view): unlike {@link onFailure}'s
   * listeners, a watcher leaves a failure nobody listens to going to `console.error`. Returns a
   * function that stops watching.
   */
  watchFailures(watcher: (failure: ActorFailure) => void): () => void {
    this.#failureWatchers.add(watcher);
    return () => this.#failureWatchers.delete(watcher);
  }

  /**
   * Watches dead letters without taking them over (a live view): unlike {@link onDeadLetter}'s
   * listeners, a watcher leaves the first few nobody listens to going to `console.warn`. Returns
   * a function that stops watching.
   */
  watchDeadLetters(watcher: (deadLetter: DeadLetter) => void): () => void {
    this.#deadLetterWatchers.add(watcher);
    return () => this.#deadLetterWatchers.delete(watcher);
  }

  /** Subscribes to dead letters; returns a function that unsubscribes. */
  onDeadLetter(listener: (deadLetter: DeadLetter) => void): () => void {
    this.#deadLetterListeners.add(listener);
    return () => this.#deadLetterListeners.delete(listener);
  }

  /** Subscribes to other nodes going down (see Peers); returns how to unsubscribe. */
  onNodeDown(listener: (node: number, reason: string) => void): () => void {
    this.#nodeDownListeners.add(listener);
    return () => this.#nodeDownListeners.delete(listener);
  }

  /** Another node of the cluster is down. */
  nodeDown(node: number, reason: string): void {
    for (const listener of this.#nodeDownListeners) listener(node, reason);
  }

  /**
   * Subscribes to actors of other nodes whose calls get no reply (see CallsLost); returns how
   * to unsubscribe.
   */
  onCallsLostAfar(listener: CallsLostListener): () => void {
    this.#callsLostListeners.add(listener);
    return () => this.#callsLostListeners.delete(listener);
  }

  /**
   * The calls to `target`, an actor of another node, that it took get no reply (see CallsLost:
   * `calls` says which, by reply address).
   */
  callsLostAfar(target: ActorRef<unknown>, reason: string, calls: readonly number[]): void {
    for (const listener of this.#callsLostListeners) listener(target, reason, calls);
  }

  /** Subscribes to dead threads marked dead (see recovery.ts); returns how to unsubscribe. */
  onThreadMarkedDead(listener: () => void): () => void {
    this.#threadDeathListeners.add(listener);
    return () => this.#threadDeathListeners.delete(listener);
  }

  /** A dead thread was marked dead: its records that stall a mailbox can be skipped now. */
  threadMarkedDead(): void {
    for (const listener of this.#threadDeathListeners) listener();
  }

  /** A handler (or a start) failed: to the listeners, or to `console.error` if there are none. */
  failure(
    actor: ActorRef<unknown> | null,
    actorName: string,
    messageClass: string,
    error: unknown,
  ): void {
    const failure: ActorFailure = {
      actor,
      actorName,
      messageClass,
      error: error instanceof Error ? error : new Error(String(error)),
    };
    if (!this.#tell(failure)) {
      console.error(
        `ringmail: ${actorName} failed while handling ${messageClass}:`,
        failure.error.stack ?? failure.error,
      );
    }
  }

  /**
   * One failure of several actors at once (a Worker's death took them all): to the watchers and
   * listeners, one report per actor; with no listener, one `console.error` for all of them, so
   * that a pool Worker of thousands of actors dying does not print thousands of stacks.
   */
  failures(
    actors: readonly { actor: ActorRef<unknown>; actorName: string }[],
    messageClass: string,
    error: Error,
  ): void {
    if (actors.length === 1) {
      return this.failure(actors[0].actor, actors[0].actorName, messageClass, error);
    }
    let heard = true;
    for (const { actor, actorName } of actors) {
      heard = this.#tell({ actor, actorName, messageClass, error });
    }
    if (heard || actors.length === 0) return;
    const names = [...new Set(actors.map(({ actorName }) => actorName))];
    const shown = names.length <= NAMES_SHOWN
      ? names.join(", ")
      : `${names.slice(0, NAMES_SHOWN).join(", ")}, …`;
    console.error(
      `ringmail: ${actors.length} actors (${shown}) failed while handling ${messageClass}:`,
      error.stack ?? error,
    );
  }

  /** Tells `failure` to the watchers and listeners. @returns whether a listener heard it. */
  #tell(failure: ActorFailure): boolean {
    for (const watcher of this.#failureWatchers) callListener(watcher, failure, "onFailure");
    if (this.#failureListeners.size === 0) return false;
    for (const listener of this.#failureListeners) callListener(listener, failure, "onFailure");
    return true;
  }

  /**
   * A message was not delivered: to the dead-letter listeners; with none, the first few go to
   * `console.warn`, so that a program that listens to nothing still sees that messages are lost.
   */
  deadLetter(deadLetter: DeadLetter): void {
    for (const watcher of this.#deadLetterWatchers) {
      callListener(watcher, deadLetter, "onDeadLetter");
    }
    if (this.#deadLetterListeners.size === 0) return this.#warnUnheard(deadLetter);
    for (const listener of this.#deadLetterListeners) {
      callListener(listener, deadLetter, "onDeadLetter");
    }
  }

  /** Dead letters told to `console.warn` so far, for want of a listener (see {@link deadLetter}). */
  #warned = 0;

  #warnUnheard({ target, messageClass, kind, reason, count }: DeadLetter): void {
    if (this.#warned >= WARNED_DEAD_LETTERS) return;
    this.#warned++;
    const what = count === 1 ? messageClass : `${count} messages (${messageClass})`;
    const last = this.#warned === WARNED_DEAD_LETTERS
      ? `; no more are told here: listen with system.onDeadLetter (system.deadLetters counts all)`
      : "";
    console.warn(
      `ringmail: dead letter "${kind}": ${what} to ${target ?? "no actor"} was not handled: ` +
        `${reason}${last}`,
    );
  }
}

/** The actors' names one console.error for several actors' failure shows, at most. */
const NAMES_SHOWN = 3;

/** Dead letters a system with no dead-letter listener tells `console.warn` of, at most. */
export const WARNED_DEAD_LETTERS = 10;

/** A dead-letter notice from a Worker, as listeners see it (its message decoded afresh). */
export function noticeToDeadLetter(
  notice: DeadLetterNotice,
  courier: SystemCourier,
): DeadLetter {
  let message: unknown = undefined;
  if (notice.message.length > 0) {
    try {
      message = decode(notice.message, courier);
    } catch {
      // Its class is not registered on this thread: the listener still gets its description.
    }
  }
  return {
    target: notice.target,
    sender: notice.sender,
    message,
    messageClass: notice.messageClass,
    kind: notice.kind,
    reason: notice.reason,
    count: notice.count,
  };
}

/**
 * Calls a user's listener; what it throws is reported, never let into the runtime. It runs as
 * code outside any actor: the guardian's handler that tells it is no sender of what it sends
 * (as the system's, those messages would be nobody's dead letters if lost).
 */
function callListener<T>(
  listener: (value: T) => void,
  value: T,
  kind: string,
): void {
  const previous = swapCurrentSender(null);
  try {
    listener(value);
  } catch (error) {
    console.error(`ringmail: an ${kind} listener threw:`, error);
  } finally {
    swapCurrentSender(previous);
  }
}
