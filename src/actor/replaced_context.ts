/**
 * `ReplacedContext`: what an actor instance's `this.context` does once that instance has ended:
 * a restart replaced it with a fresh one, or the actor stopped (see instance_context.ts). The
 * instance is gone (Akka's rule), but code it left behind — a timer's callback, a promise's
 * `then`, an event listener — still runs and still holds its context. Nothing it does may reach
 * the cell: not the fresh instance, nor a stopped actor's cell, whose mailbox may be another
 * actor's by then and which nothing would clean up after again. What would start something (a
 * behaviour, a timer, a watch, a child, a stash, a receive, an ask, a pipe) is refused with a
 * TypeError that says which end it was; what would only take back what the instance had
 * (unbecome, unwatch, unstashAll, clearing its receive timeout, stop) does nothing: the restart
 * or the stop took all of that back already.
 *
 * @module
 */

import type {
  ActorClass,
  ActorContext,
  AskOptions,
  BecomeOptions,
  ChildOptions,
  Received,
} from "./actor.ts";
import type { ActorRef } from "./actor_ref.ts";
import type { RepeatOptions, Timer } from "./timers.ts";

/** How an instance ended: a restart replaced it, or its actor stopped. */
export type InstanceEnd = "restart" | "stop";

/** The context of an actor instance that has ended (see {@link InstanceEnd}). */
export class ReplacedContext implements ActorContext {
  readonly self: ActorRef<unknown>;
  readonly name: string;
  readonly parent: ActorRef<unknown> | null;
  readonly #end: InstanceEnd;

  constructor(
    self: ActorRef<unknown>,
    name: string,
    parent: ActorRef<unknown> | null,
    end: InstanceEnd,
  ) {
    this.self = self;
    this.name = name;
    this.parent = parent;
    this.#end = end;
  }

  /**
   * The instance's children were stopped with it (restart or stop); a fresh instance's are not
   * its.
   */
  get children(): readonly ActorRef<unknown>[] {
    return [];
  }

  spawn(_actorClass: ActorClass, ..._args: unknown[]): ActorRef<never> {
    throw this.#refused("spawns no children");
  }

  spawnWith(_actorClass: ActorClass, _options: ChildOptions, ..._args: unknown[]): ActorRef<never> {
    throw this.#refused("spawns no children");
  }

  watch(_target: ActorRef<unknown>): void {
    throw this.#refused("watches no actors");
  }

  unwatch(_target: ActorRef<unknown>): void {}

  receive(_timeoutMs?: number): Received | null {
    throw this.#refused(
      this.#end === "restart"
        ? "receives no messages (they are the fresh instance's)"
        // A stopped actor's mailbox went back to its Worker's pool: another actor's, maybe.
        : "receives no messages (its mailbox may be another actor's by now)",
    );
  }

  ask(_target: ActorRef<unknown>, _request: unknown, _options?: AskOptions): Promise<never> {
    return Promise.reject(this.#refused("asks nothing"));
  }

  pipeToSelf<T>(
    _promise: PromiseLike<T>,
    _map: (value: T | undefined, error: unknown) => unknown,
  ): void {
    throw this.#refused("pipes nothing to the actor");
  }

  sendAfter(_delayMs: number, _target: ActorRef<unknown>, _message: unknown): Timer {
    throw this.#refused("sets no timers");
  }

  sendEvery(
    _intervalMs: number,
    _target: ActorRef<unknown>,
    _message: unknown,
    _options?: RepeatOptions,
  ): Timer {
    throw this.#refused("sets no timers");
  }

  setReceiveTimeout(ms: number | null): void {
    // Clearing it: the restart or the stop already cleared the instance's.
    if (ms !== null) throw this.#refused("sets no receive timeout");
  }

  become(
    _behavior: (message: unknown, sender: ActorRef<unknown> | null) => unknown,
    _options?: BecomeOptions,
  ): void {
    throw this.#refused("changes no behaviour");
  }

  unbecome(): void {}

  stash(): void {
    throw this.#refused("stashes nothing");
  }

  unstashAll(): void {}

  /** The instance it would stop has ended already; a fresh one is not its to stop. */
  stop(): void {}

  #refused(what: string): TypeError {
    return new TypeError(
      this.#end === "restart"
        ? `${this.name}'s instance was replaced by a restart: its context ${what} any more ` +
          `(code it left behind, such as a callback, still runs: cancel that code in postStop, ` +
          `which runs before the restart)`
        : `${this.name} has stopped: its context ${what} any more (code it left behind, such ` +
          `as a callback, still runs: cancel that code in postStop, which runs as the actor ` +
          `stops)`,
    );
  }
}
