/**
 * `ActorCell`: the runtime's side of one actor — its instance, mailbox, handler table and life
 * cycle (starting, running, waiting for an async handler, stopping, stopped). The receive loop
 * hands it one message at a time.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import type { Mailbox } from "../ring/mod.ts";
import { type Actor, type ActorContext, constructActor, type Received } from "./actor.ts";
import { type ActorRef, type Courier, setAsyncSender, swapCurrentSender } from "./actor_ref.ts";
import { type HandlerTable, handlerTable } from "./handles.ts";
import { ReceiveTimeout, Stop, Stopped } from "./messages.ts";
import {
  checkDelay,
  type LoopTimer,
  type LoopTimers,
  type RepeatOptions,
  type Timer,
} from "./timers.ts";

/** What a cell needs from the system it lives in (one per system and thread). */
export interface CellHost {
  /** A message that will never be handled: counted and reported as a dead letter. */
  deadLetter(
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    reason: string,
  ): void;
  /** A handler (or a hook) threw; the actor goes on with its next message. */
  handlerFailed(cell: ActorCell, message: unknown, error: unknown): void;
  /** The actor has stopped: its mailbox is closed and drained. */
  stopped(cell: ActorCell): void;
}

/** Where a cell is in its life. */
export const CellState = {
  /** Constructed or running `onStart`; messages wait. */
  Starting: 0,
  /** Handling messages. */
  Running: 1,
  /** An async handler (or hook) has not settled; messages wait. */
  Busy: 2,
  /** Got `Stop`: running `onStop`, then answering `Stopped`. */
  Stopping: 3,
  /** Done; its mailbox is closed and drained. */
  Stopped: 4,
} as const;
/** One of {@link CellState}'s values. */
export type CellState = typeof CellState[keyof typeof CellState];

/** The actor that async handlers belong to, kept across their awaits. */
const asyncActor = new AsyncLocalStorage<ActorRef<unknown>>();
setAsyncSender(() => asyncActor.getStore());

// deno-lint-ignore no-explicit-any
type AnyActor = Actor<any> & Record<string | symbol, unknown>;

const AsyncFunction = (async () => {}).constructor;

/** What a cell needs from the loop that serves it. */
export interface CellLoop {
  /** Waits up to `timeoutMs` for the cell's next message; `null` on timeout or when closed. */
  receiveFor(cell: ActorCell, timeoutMs: number): Received | null;
  /** The loop's timers. */
  readonly timers: LoopTimers;
  /** The loop's clock, as last read (every few messages). */
  readonly now: number;
  /** The loop's courier. */
  readonly courier: Courier;
}

/** The runtime state of one actor. */
export class ActorCell implements ActorContext {
  readonly self: ActorRef<unknown>;
  readonly name: string;
  readonly mailbox: Mailbox;
  state: CellState = CellState.Starting;
  actor: AnyActor | null = null;
  /** The last sender decoded for this actor (see Envelope.read). */
  lastSender: ActorRef<unknown> | null = null;
  #table: HandlerTable | null = null;
  readonly #host: CellHost;
  readonly #loop: CellLoop;
  /** Timers this actor set (cancelled when it stops); made on first use. */
  #timers: Set<LoopTimer> | null = null;
  #receiveTimeout = 0;
  #receiveTimer: LoopTimer | null = null;
  /** When this actor last got a message, by the loop's clock (for the receive timeout). */
  #lastActivity = 0;
  /** Who asked this actor to stop, to answer `Stopped` to once it has. */
  #stopRequester: ActorRef<unknown> | null = null;

  constructor(
    self: ActorRef<unknown>,
    name: string,
    mailbox: Mailbox,
    host: CellHost,
    loop: CellLoop,
  ) {
    this.self = self;
    this.name = name;
    this.mailbox = mailbox;
    this.#host = host;
    this.#loop = loop;
  }

  /** The slot of the actor, as in its ref. */
  get slot(): number {
    return this.self.slot;
  }

  /** The generation of the actor, as in its ref. */
  get generation(): number {
    return this.self.generation;
  }

  /**
   * Constructs the actor and runs its `onStart`. Returns a promise when `onStart` is async; the
   * cell is Running once it settles.
   * @throws whatever the constructor throws (the caller reports the spawn as failed).
   */
  start(
    actorClass: new (...args: never[]) => Actor<unknown>,
    args: readonly unknown[],
  ): void | Promise<void> {
    const previous = swapCurrentSender(this.self);
    try {
      this.actor = constructActor(actorClass, args, this) as AnyActor;
    } finally {
      swapCurrentSender(previous);
    }
    this.#table = handlerTable(actorClass);
    const started = this.#hook("onStart", undefined);
    if (started === undefined) {
      this.state = CellState.Running;
      return;
    }
    this.state = CellState.Busy;
    return started.then(() => {
      if (this.state === CellState.Busy) this.state = CellState.Running;
    });
  }

  /** Blocking receive for the actor's own use, from inside a handler. */
  receive(timeoutMs: number): Received | null {
    return this.#loop.receiveFor(this, timeoutMs);
  }

  sendAfter(delayMs: number, target: ActorRef<unknown>, message: unknown): Timer {
    checkDelay("a delay", delayMs, false);
    return this.#own(this.#loop.timers.sendLater(target, message, this.self, delayMs, 0));
  }

  sendEvery(
    intervalMs: number,
    target: ActorRef<unknown>,
    message: unknown,
    options: RepeatOptions = {},
  ): Timer {
    checkDelay("an interval", intervalMs, true);
    const initial = checkDelay("an initial delay", options.initialDelay ?? intervalMs, false);
    return this.#own(this.#loop.timers.sendLater(target, message, this.self, initial, intervalMs));
  }

  setReceiveTimeout(ms: number | null): void {
    if (ms !== null) checkDelay("a receive timeout", ms, true);
    this.#receiveTimer?.cancel();
    this.#receiveTimer = null;
    this.#receiveTimeout = ms ?? 0;
    if (ms === null) return;
    this.#lastActivity = this.#loop.now || performance.now();
    this.#receiveTimer = this.#own(this.#loop.timers.schedule(ms, 0, () => this.#quiet()));
  }

  /** The receive timeout's timer is due: quiet long enough, or check again later. */
  #quiet(): void {
    const ms = this.#receiveTimeout;
    if (ms === 0 || this.state === CellState.Stopped) return;
    const now = this.#loop.now || performance.now();
    const idle = now - this.#lastActivity;
    if (idle >= ms) {
      this.#lastActivity = now;
      // Through the mailbox, in order with the actor's other messages.
      this.#loop.courier.deliver(this.self, new ReceiveTimeout(), null);
    }
    const wait = idle >= ms ? ms : ms - idle;
    this.#receiveTimer = this.#own(this.#loop.timers.schedule(wait, 0, () => this.#quiet()));
  }

  /** Remembers a timer of this actor, to cancel it when the actor stops. */
  #own(timer: LoopTimer): LoopTimer {
    const timers = this.#timers ??= new Set();
    timers.add(timer);
    timer.onDone = (done) => timers.delete(done);
    return timer;
  }

  /**
   * Handles one message. Returns a promise when the handler is async (or the actor is stopping
   * asynchronously): the next message must wait until it settles.
   */
  deliver(message: unknown, sender: ActorRef<unknown> | null): void | Promise<void> {
    if (this.#receiveTimeout !== 0 && !(message instanceof ReceiveTimeout)) {
      this.#lastActivity = this.#loop.now;
    }
    if (message instanceof Stop) return this.stop(sender);
    const handler = this.#table!.lookup(message);
    if (handler === null) {
      this.#host.deadLetter(this.self, sender, message, `${this.name} has no handler for it`);
      return;
    }
    const actor = this.actor!;
    const method = handler.method;
    const previous = swapCurrentSender(this.self);
    let result: unknown;
    try {
      result = handler.isAsync
        ? asyncActor.run(this.self, () => method.call(actor, message, sender))
        : method.call(actor, message, sender);
    } catch (error) {
      this.#host.handlerFailed(this, message, error);
      return;
    } finally {
      swapCurrentSender(previous);
    }
    if (!isThenable(result)) return;
    this.state = CellState.Busy;
    return Promise.resolve(result).then(
      () => {
        if (this.state === CellState.Busy) this.state = CellState.Running;
      },
      (error) => {
        if (this.state === CellState.Busy) this.state = CellState.Running;
        this.#host.handlerFailed(this, message, error);
      },
    );
  }

  /**
   * Stops the actor: closes its mailbox to new messages, runs `onStop`, answers `Stopped` to
   * whoever asked. Its remaining messages become dead letters as the loop drains them.
   */
  stop(requester: ActorRef<unknown> | null): void | Promise<void> {
    if (this.state === CellState.Stopping || this.state === CellState.Stopped) {
      // A second Stop that was already in the mailbox: answer it too, the actor is stopping.
      this.#answerStopped(requester);
      return;
    }
    this.state = CellState.Stopping;
    this.#stopRequester = requester;
    this.mailbox.close();
    const stopped = this.#hook("onStop", undefined);
    if (stopped === undefined) {
      this.#answerStopped(this.#stopRequester);
      return;
    }
    return stopped.then(() => this.#answerStopped(this.#stopRequester));
  }

  /** The mailbox is closed and every record in it was read: the actor is gone. */
  finish(): void {
    if (this.state === CellState.Stopped) return;
    this.state = CellState.Stopped;
    this.#receiveTimeout = 0;
    if (this.#timers !== null) { for (const timer of [...this.#timers]) timer.cancel(); }
    this.actor = null;
    this.#host.stopped(this);
  }

  #answerStopped(requester: ActorRef<unknown> | null): void {
    if (requester === null) return;
    const previous = swapCurrentSender(this.self);
    try {
      requester.send(new Stopped());
    } catch (error) {
      this.#host.handlerFailed(this, new Stop(), error);
    } finally {
      swapCurrentSender(previous);
    }
  }

  /** Runs an optional lifecycle hook; a promise when it is async; failures are reported. */
  #hook(name: "onStart" | "onStop", message: unknown): Promise<void> | undefined {
    const hook = this.actor?.[name];
    if (typeof hook !== "function") return undefined;
    const previous = swapCurrentSender(this.self);
    let result: unknown;
    try {
      result = hook instanceof AsyncFunction
        ? asyncActor.run(this.self, () => hook.call(this.actor))
        : hook.call(this.actor);
    } catch (error) {
      this.#host.handlerFailed(this, message ?? `${name}()`, error);
      return undefined;
    } finally {
      swapCurrentSender(previous);
    }
    if (!isThenable(result)) return undefined;
    return Promise.resolve(result).then(
      () => {},
      (error) => this.#host.handlerFailed(this, `${name}()`, error),
    );
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}
