/**
 * `Stash`: the messages an actor set aside with `this.context.stash()`, to be put back in front
 * of its mailbox by `this.context.unstashAll()` (Akka's Stash). Only actors whose class declares
 * `static readonly stashCapacity` have one, so that the cell notes the message in hand (what
 * `stash()` takes) only for them: the others pay a field check per message, nothing more.
 *
 * @module
 */

import type { ActorCell } from "./actor_cell.ts";
import type { ActorRef } from "./actor_ref.ts";
import { type CellHost, type CellLoop, isEnding } from "./cell_host.ts";
import { ActorDefinitionError, StashOverflowError } from "./errors.ts";
import { ReceiveTimeout, Terminated } from "./messages.ts";

/** {@link Stash.current} when no message is in hand: outside any handler. */
export const NOT_HANDLING: unique symbol = Symbol("ringmail.notHandling");
/** {@link Stash.current} once the message in hand was stashed: it cannot be stashed twice. */
export const STASHED: unique symbol = Symbol("ringmail.stashed");

/** The stash of one actor: what it set aside, in order, and the message it has in hand. */
export class Stash {
  /** The most messages it holds. */
  readonly capacity: number;
  /** The message being handled (set by the cell around each handler), or a marker. */
  current: unknown = NOT_HANDLING;
  /** The sender of {@link current}. */
  currentSender: ActorRef<unknown> | null = null;
  /** Stashed (message, sender) pairs, flat, oldest first. */
  #entries: unknown[] = [];
  /**
   * The runtime's messages that the actor got, stashed, and had put back: the checks they passed
   * as they first came (a watch still on, a receive timeout not stale) do not run again. A second
   * look would drop them unseen: the watch ended with the first, and the actor was active since.
   */
  readonly #admitted = new WeakSet<object>();
  readonly #owner: ActorCell;
  readonly #loop: CellLoop;
  readonly #host: CellHost;

  constructor(
    capacity: number,
    owner: ActorCell,
    loop: CellLoop,
    host: CellHost,
  ) {
    this.capacity = capacity;
    this.#owner = owner;
    this.#loop = loop;
    this.#host = host;
  }

  /** How many messages are stashed. */
  get length(): number {
    return this.#entries.length >> 1;
  }

  /**
   * Stashes the message in hand.
   * @throws {TypeError} outside a handler, or when it was stashed already.
   * @throws {StashOverflowError} when the stash is full.
   */
  stashCurrent(actorName: string): void {
    const message = this.current;
    if (message === NOT_HANDLING) {
      throw new TypeError(
        `stash() stashes the message being handled: call it in a handler (or behaviour) of ` +
          `${actorName} before it returns or settles, not in preStart, postStop or a timer`,
      );
    }
    if (message === STASHED) {
      throw new TypeError(
        `${actorName} already stashed the message in hand: stash it once`,
      );
    }
    if (this.length >= this.capacity) {
      throw new StashOverflowError(
        `${actorName}'s stash is full (${this.capacity} messages): call ` +
          `this.context.unstashAll() sooner, or raise its class's static stashCapacity`,
      );
    }
    this.#entries.push(message, this.currentSender);
    this.current = STASHED;
  }

  /**
   * `this.context.stash()`: stashes the message in hand, counted with the owner's local mail (a
   * stashed message dies with the thread, like local mail).
   * @throws as {@link stashCurrent}.
   */
  stash(): void {
    const owner = this.#owner;
    this.stashCurrent(owner.name);
    this.#loop.setStashed(owner, this.length);
    // Stopping already (stashed by an async handler's tail): it will never be unstashed.
    if (isEnding(owner.state)) this.drop();
  }

  /** `this.context.unstashAll()`: puts what is stashed back in front of the owner's mailbox. */
  unstashAll(): void {
    // After the actor stopped, they were dead letters already (see drop).
    if (this.length === 0) return;
    const entries = this.#takeAll();
    for (let i = 0; i < entries.length; i += 2) {
      const message = entries[i];
      if (message instanceof Terminated || message instanceof ReceiveTimeout) {
        this.#admitted.add(message);
      }
    }
    this.#loop.unstash(this.#owner, entries);
  }

  /** Whether `message` is one of the runtime's that the actor had already got (see #admitted). */
  admitted(message: object): boolean {
    return this.#admitted.has(message);
  }

  /** The owner stops: what the stash holds becomes dead letters, oldest first. */
  drop(): void {
    if (this.length === 0) return;
    const owner = this.#owner;
    const entries = this.#takeAll();
    if (owner.local !== null) this.#loop.setStashed(owner, 0);
    for (let i = 0; i < entries.length; i += 2) {
      this.#host.deadLetter({
        target: owner.self,
        sender: entries[i + 1] as ActorRef<unknown> | null,
        message: entries[i],
        kind: "stopped",
        reason: `${owner.name} stopped with it stashed`,
      });
    }
  }

  /** Empties the stash: its (message, sender) pairs, flat, oldest first. */
  #takeAll(): unknown[] {
    const entries = this.#entries;
    this.#entries = [];
    return entries;
  }
}

/**
 * The stash an actor class asks for with `static readonly stashCapacity`, or `null` when it asks
 * for none.
 * @throws {ActorDefinitionError} when the capacity is not a positive integer.
 */
export function stashOf(
  actorClass: object,
  owner: ActorCell,
  loop: CellLoop,
  host: CellHost,
): Stash | null {
  const capacity = (actorClass as { stashCapacity?: unknown }).stashCapacity;
  if (capacity === undefined) return null;
  if (!(Number.isSafeInteger(capacity) && (capacity as number) > 0)) {
    throw new ActorDefinitionError(
      `${(actorClass as { name?: string }).name ?? "an actor class"} has static stashCapacity ` +
        `${String(capacity)}: it must be a positive integer (how many messages it may stash)`,
    );
  }
  return new Stash(capacity as number, owner, loop, host);
}
