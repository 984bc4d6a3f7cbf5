/**
 * `InstanceContext`: what one instance of an actor gets as `this.context`. A cell lives through
 * restarts, each a fresh instance behind the same ref and mailbox; code an instance left behind
 * (a timer's callback, a promise's `then`, an event listener) still holds that instance's context
 * after a restart, or after its actor stopped. So each instance gets a context of its own, which
 * hands every call to the cell while its instance is the cell's, and to a
 * {@link ReplacedContext} once a restart or the stop retired it: nothing the old instance's code
 * does reaches the fresh one, nor the cell of an actor that has stopped.
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
import type { AsyncRunner } from "./async_actor.ts";
import { type InstanceEnd, ReplacedContext } from "./replaced_context.ts";
import type { RepeatOptions, Timer } from "./timers.ts";

/** The context of one instance of an actor: its cell's, until a restart or the stop ends it. */
export class InstanceContext implements ActorContext, AsyncRunner {
  #to: ActorContext;
  #implicitSender: ActorRef<unknown> | null;

  constructor(cell: ActorContext) {
    this.#to = cell;
    this.#implicitSender = cell.self;
  }

  /**
   * @internal Who the instance's async code sends as: its actor while the instance is current;
   * no one once replaced, so that replies to its left-behind code never reach the fresh instance.
   * Still its actor once it stopped: replies then are dead letters to a stopped actor (a ref
   * never reaches the actor that reuses its slot), which tell whoever reads them who sent.
   */
  get implicitSender(): ActorRef<unknown> | null {
    return this.#implicitSender;
  }

  /**
   * @internal The instance ended (`end`: a restart replaced it, or its actor stopped): from now
   * on its calls reach nothing.
   */
  retire(end: InstanceEnd): void {
    const cell = this.#to;
    this.#to = new ReplacedContext(cell.self, cell.name, cell.parent, end);
    if (end === "restart") this.#implicitSender = null;
  }

  get self(): ActorRef<unknown> {
    return this.#to.self;
  }

  get name(): string {
    return this.#to.name;
  }

  get parent(): ActorRef<unknown> | null {
    return this.#to.parent;
  }

  get children(): readonly ActorRef<unknown>[] {
    return this.#to.children;
  }

  spawn(actorClass: ActorClass, ...args: unknown[]): ActorRef<never> {
    return this.#to.spawn(actorClass, ...args) as ActorRef<never>;
  }

  spawnWith(actorClass: ActorClass, options: ChildOptions, ...args: unknown[]): ActorRef<never> {
    return this.#to.spawnWith(actorClass, options, ...args) as ActorRef<never>;
  }

  watch(target: ActorRef<unknown>): void {
    this.#to.watch(target as ActorRef<never>);
  }

  unwatch(target: ActorRef<unknown>): void {
    this.#to.unwatch(target as ActorRef<never>);
  }

  receive(timeoutMs?: number): Received | null {
    return this.#to.receive(timeoutMs);
  }

  ask(target: ActorRef<unknown>, request: unknown, options?: AskOptions): Promise<never> {
    return this.#to.ask(target, request, options) as Promise<never>;
  }

  pipeToSelf<T>(
    promise: PromiseLike<T>,
    map: (value: T | undefined, error: unknown) => unknown,
  ): void {
    this.#to.pipeToSelf(promise, map);
  }

  sendAfter(delayMs: number, target: ActorRef<unknown>, message: unknown): Timer {
    return this.#to.sendAfter(delayMs, target, message);
  }

  sendEvery(
    intervalMs: number,
    target: ActorRef<unknown>,
    message: unknown,
    options?: RepeatOptions,
  ): Timer {
    return this.#to.sendEvery(intervalMs, target, message, options);
  }

  setReceiveTimeout(ms: number | null): void {
    this.#to.setReceiveTimeout(ms);
  }

  become(
    behavior: (message: unknown, sender: ActorRef<unknown> | null) => unknown,
    options?: BecomeOptions,
  ): void {
    this.#to.become(behavior, options);
  }

  unbecome(): void {
    this.#to.unbecome();
  }

  stash(): void {
    this.#to.stash();
  }

  unstashAll(): void {
    this.#to.unstashAll();
  }

  stop(): void {
    this.#to.stop();
  }
}
