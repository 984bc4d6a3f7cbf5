/**
 * `CellContext`: the cell's side of `this.context` (the `ActorContext` contract), as the base of
 * its `ActorCell`: the actor's current instance reaches it through its own context
 * (instance_context.ts), which a restart or the actor's stop retires (so no call here need ask
 * whether the actor has stopped: code left behind never gets here). The cell itself
 * (actor_cell.ts) is the runtime's side: life cycle and the delivery of each message. Here each
 * of the actor's calls is handed to the object of its concern (Pekko's `actor/dungeon/`), made
 * when the actor first needs it: children.ts, death_watch.ts, cell_timers.ts (timers and the
 * receive timeout), behavior.ts (`become`), stash.ts, asking.ts.
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
import type { ActorCell } from "./actor_cell.ts";
import { ActorNotStartedError, type ActorRef, checkRef } from "./actor_ref.ts";
import { ask, pipeToSelf } from "./asking.ts";
import { type Behavior, Behaviors } from "./behavior.ts";
import { type CellHost, type CellLoop, type CellState, isEnding } from "./cell_host.ts";
import { CellTimers, type ReceiveTimeoutWatch } from "./cell_timers.ts";
import { ReceiveTimeout } from "./messages.ts";
import { Children } from "./children.ts";
import { DeathWatch } from "./death_watch.ts";
import type { Stash } from "./stash.ts";
import type { RepeatOptions, Timer } from "./timers.ts";
import { describeValue } from "../util/describe_value.ts";
import { notMsError } from "../util/timer_ms.ts";

/** A context is its cell's (ActorCell is the one subclass): the host and loop want that. */
function cellOf(context: CellContext): ActorCell {
  return context as unknown as ActorCell;
}

/** The base of {@link ActorCell}: the actor's side of it, reached through InstanceContext. */
export abstract class CellContext implements ActorContext {
  readonly self: ActorRef<unknown>;
  readonly name: string;
  readonly parent: ActorRef<unknown> | null;
  /** Where the cell is in its life (see CellState). */
  abstract state: CellState;
  protected readonly host: CellHost;
  protected readonly loop: CellLoop;
  // Read by the cell for each message: fields of their own, not behind their concern's object.
  /** The current behaviour, which takes the handlers' messages; null: the handlers. */
  protected behavior: Behavior | null = null;
  /** Only for a class with `static readonly stashCapacity` (see Stash). */
  protected stashed: Stash | null = null;
  /** On while a receive timeout is set: each message but a `ReceiveTimeout` notes the time. */
  protected receiveTimeoutWatch: ReceiveTimeoutWatch | null = null;
  /** Children not yet gone; made on first spawn. */
  protected childSet: Children | null = null;
  /** What this actor watches; made on first watch. */
  protected deathWatch: DeathWatch | null = null;
  #timers: CellTimers | null = null;
  #behaviors: Behaviors | null = null;

  constructor(
    self: ActorRef<unknown>,
    name: string,
    parent: ActorRef<unknown> | null,
    host: CellHost,
    loop: CellLoop,
  ) {
    this.self = self;
    this.name = name;
    this.parent = parent;
    this.host = host;
    this.loop = loop;
  }

  get children(): readonly ActorRef<unknown>[] {
    return this.childSet === null ? [] : this.childSet.list();
  }

  abstract stop(): void;

  /**
   * Takes `message` (read by {@link receive}) for the runtime when it is one of the cell's own
   * notices, which never reach the actor's code.
   * @returns whether it did: receive() then waits on for the next message.
   */
  protected abstract takesOwn(message: unknown, sender: ActorRef<unknown> | null): boolean;

  /** Blocking receive for the actor's own use, from inside a handler. */
  receive(timeoutMs: number = Infinity): Received | null {
    if (typeof timeoutMs !== "number") throw notMsError("receive's timeout", timeoutMs);
    if (!(timeoutMs >= 0)) {
      throw new RangeError(
        `receive's timeout must be a number of ms, 0 or more (or left out: forever), got ${timeoutMs}`,
      );
    }
    const cell = cellOf(this);
    // Its thread reads its mailbox once preStart has finished: before, nothing would wake it.
    if (!cell.mailbox.bound) {
      throw new ActorNotStartedError(
        `receive() in ${cell.name}'s preStart: an actor takes messages only once its preStart ` +
          `has finished. Call receive() from a handler instead (to wait for a first message ` +
          `before working, handle it in a handler and stash what comes before it)`,
      );
    }
    const until = performance.now() + timeoutMs;
    for (;;) {
      const received = this.loop.receiveFor(cell, Math.max(0, until - performance.now()));
      if (received === null) return null;
      if (this.takesOwn(received.message, received.sender)) continue;
      // A message taken here is activity too (see ReceiveTimeoutWatch).
      const watch = this.receiveTimeoutWatch;
      if (watch !== null && !(received.message instanceof ReceiveTimeout)) {
        watch.lastActivity = performance.now();
      }
      return received;
    }
  }

  ask(
    target: ActorRef<unknown>,
    request: unknown,
    options: AskOptions = {},
  ): Promise<never> {
    return ask(cellOf(this), this.host, target, request, options);
  }

  pipeToSelf<T>(
    promise: PromiseLike<T>,
    map: (value: T | undefined, error: unknown) => unknown,
  ): void {
    pipeToSelf(cellOf(this), this.loop, this.host, promise, map);
  }

  sendAfter(
    delayMs: number,
    target: ActorRef<unknown>,
    message: unknown,
  ): Timer {
    return CellContext.#ownTimers(this).sendAfter(delayMs, target, message);
  }

  sendEvery(
    intervalMs: number,
    target: ActorRef<unknown>,
    message: unknown,
    options: RepeatOptions = {},
  ): Timer {
    return CellContext.#ownTimers(this).sendEvery(intervalMs, target, message, options);
  }

  setReceiveTimeout(ms: number | null): void {
    if (ms === null && this.#timers === null) {
      this.receiveTimeoutWatch = null;
      return;
    }
    this.receiveTimeoutWatch = CellContext.#ownTimers(this).setReceiveTimeout(ms);
  }

  // Static, as every private method of a cell: an instance one would cost each cell a word.
  static #ownTimers(context: CellContext): CellTimers {
    return context.#timers ??= new CellTimers(cellOf(context), context.loop);
  }

  become(
    behavior: (message: unknown, sender: ActorRef<unknown> | null) => unknown,
    options: BecomeOptions = {},
  ): void {
    this.behavior = (this.#behaviors ??= new Behaviors()).become(
      behavior,
      options,
    );
  }

  unbecome(): void {
    if (this.#behaviors !== null) this.behavior = this.#behaviors.unbecome();
  }

  stash(): void {
    if (this.stashed === null) {
      throw new TypeError(
        `${this.name} has no stash: declare one in its class, with the most messages it may ` +
          `hold: static readonly stashCapacity = 1000`,
      );
    }
    this.stashed.stash();
  }

  unstashAll(): void {
    this.stashed?.unstashAll();
  }

  spawn(actorClass: ActorClass, ...args: unknown[]): ActorRef<never> {
    return this.spawnChild(actorClass, {}, args) as ActorRef<never>;
  }

  spawnWith(
    actorClass: ActorClass,
    options: ChildOptions,
    ...args: unknown[]
  ): ActorRef<never> {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`spawnWith's options must be an object, got ${describeValue(options)}`);
    }
    return this.spawnChild(actorClass, options, args) as ActorRef<never>;
  }

  spawnChild(
    actorClass: ActorClass,
    options: ChildOptions,
    args: unknown[],
  ): ActorRef<unknown> {
    if (isEnding(this.state)) {
      throw new TypeError(
        `${this.name} is stopping: it cannot spawn children any more`,
      );
    }
    const child = this.host.spawnChild(cellOf(this), actorClass, options, args);
    (this.childSet ??= new Children()).add(child);
    return child;
  }

  watch(target: ActorRef<unknown>): void {
    checkRef(target, "watch");
    (this.deathWatch ??= new DeathWatch(cellOf(this), this.host)).watch(target);
  }

  unwatch(target: ActorRef<unknown>): void {
    checkRef(target, "unwatch");
    this.deathWatch?.unwatch(target);
  }

  /**
   * Sends each child `Stop`: the actor stops (they stay listed for its postStop), or restarts
   * (`forget`: the fresh instance has no children).
   */
  protected stopChildren(forget: boolean): void {
    this.childSet?.stopAll(this.loop.courier, forget);
  }

  /** Cancels the actor's timers and its receive timeout (it stops or restarts). */
  protected cancelTimers(): void {
    this.#timers?.cancelAll();
    this.receiveTimeoutWatch = null;
  }

  /**
   * Lets go of what the instance set up through its context (a restart): its children stop, its
   * behaviours, timers and watches go.
   */
  protected dropInstanceState(): void {
    this.stopChildren(true);
    this.#behaviors = null;
    this.behavior = null;
    this.cancelTimers();
    this.deathWatch?.unwatchAll();
  }
}
