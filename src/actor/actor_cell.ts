/**
 * `ActorCell`: the runtime's side of one actor — its instance, mailbox, handler table and life
 * cycle (starting, running, waiting for an async handler, stopping, stopped). The receive loop
 * hands it one message at a time.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import type { Mailbox } from "../ring/mod.ts";
import {
  type Actor,
  type ActorClass,
  type ActorContext,
  type AskOptions,
  type BecomeOptions,
  checkActorMembers,
  type ChildOptions,
  constructActor,
  type Received,
} from "./actor.ts";
import {
  type ActorRef,
  type Courier,
  isCurrentSender,
  setAsyncSender,
  swapCurrentSender,
} from "./actor_ref.ts";
import { type HandlerTable, handlerTable } from "./handles.ts";
import {
  ChildGone,
  type DeadLetterKind,
  Failed,
  ReceiveTimeout,
  Stop,
  Stopped,
  Terminated,
  type TerminationKind,
} from "./messages.ts";
import { NOT_HANDLING, type Stash, stashOf } from "./stash.ts";
import { describeError, portableError } from "./portable_error.ts";
import { type SupervisionStrategy, Supervisor } from "./supervision.ts";
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
    kind: DeadLetterKind,
    reason: string,
  ): void;
  /**
   * A handler threw while handling `message` (or, for an {@link Activity}, a hook or a child
   * failed); reported before the supervisor decides.
   */
  handlerFailed(cell: ActorCell, message: unknown, error: unknown): void;
  /** The actor has stopped (see {@link ActorCell.endKind}): its mailbox is closed and drained. */
  stopped(cell: ActorCell): void;
  /** Starts a child of `parent`'s actor; returns its ref at once. */
  spawnChild(
    parent: ActorCell,
    actorClass: ActorClass,
    options: ChildOptions,
    args: unknown[],
  ): ActorRef<unknown>;
  /** `watcher` wants `Terminated` when `target` ends. */
  watch(watcher: ActorCell, target: ActorRef<unknown>): void;
  /** `watcher` no longer wants `Terminated` for `target`. */
  unwatch(watcher: ActorCell, target: ActorRef<unknown>): void;
  /**
   * Sends `request` to `target` on behalf of `asker`'s actor and settles with the reply, or
   * with the error a Bridge call would get (see ActorContext.ask); `timeout` is checked.
   * Missing where actors cannot ask (the system's own thread).
   */
  ask?(
    asker: ActorCell,
    target: ActorRef<unknown>,
    request: unknown,
    timeout: number,
  ): Promise<unknown>;
}

/** What an actor was doing when it failed, when it was not handling a message. */
export class Activity {
  constructor(readonly label: string) {}
}

/** Who supervises a cell: its parent (`null`: the system) and the strategy that applies. */
export interface Supervision {
  readonly parent: ActorRef<unknown> | null;
  readonly strategy: SupervisionStrategy;
}

const UNSUPERVISED: Supervision = { parent: null, strategy: {} };

/**
 * Marks the system messages a cell handles itself before user dispatch: one property load per
 * message instead of a chain of instanceof checks.
 */
const CONTROL: unique symbol = Symbol("ringmail.control");
for (const type of [Stop, Failed, ChildGone, Terminated]) {
  Object.defineProperty(type.prototype, CONTROL, { value: true });
}

/** Where a cell is in its life. */
export const CellState = {
  /** Constructed or running `preStart`; messages wait. */
  Starting: 0,
  /** Handling messages. */
  Running: 1,
  /** An async handler (or hook) has not settled; messages wait. */
  Busy: 2,
  /** Got `Stop`: running `postStop`, then answering `Stopped`. */
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

/** An ask's timeout when none is given, as a Bridge call's. */
const DEFAULT_ASK_TIMEOUT_MS = 5000;

/** What a cell needs from the loop that serves it. */
export interface CellLoop {
  /** Waits up to `timeoutMs` for the cell's next message; `null` on timeout or when closed. */
  receiveFor(cell: ActorCell, timeoutMs: number): Received | null;
  /** The loop's timers. */
  readonly timers: LoopTimers;
  /** The loop's clock, as last read (every few messages, after each slow one). */
  readonly now: number;
  /** The loop's courier. */
  readonly courier: Courier;
  /** Queues a message from the loop's own thread for `cell` and gets the cell served. */
  postLocal(
    cell: ActorCell,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
  ): void;
  /** Counts `count` stashed messages with the cell's local mail (they die with the thread). */
  setStashed(cell: ActorCell, count: number): void;
  /** The cell's mailbox closed: this thread's sends to it go through the ring from now on. */
  closeLocal(cell: ActorCell): void;
  /**
   * Puts stashed (message, sender) pairs (flat, oldest first) in front of the cell's local mail,
   * in that order, and gets the cell served.
   */
  unstash(cell: ActorCell, entries: readonly unknown[]): void;
}

/** What the cell reads of the local mail its loop keeps for it. */
export interface LocalQueue {
  /** Messages waiting. */
  readonly length: number;
}

/** A behaviour set with {@link ActorCell.become}. */
interface Behavior {
  readonly call: (message: unknown, sender: ActorRef<unknown> | null) => unknown;
  readonly isAsync: boolean;
}

/** The runtime state of one actor. */
export class ActorCell implements ActorContext {
  readonly self: ActorRef<unknown>;
  readonly name: string;
  readonly mailbox: Mailbox;
  readonly parent: ActorRef<unknown> | null;
  state: CellState = CellState.Starting;
  actor: AnyActor | null = null;
  /** The last sender decoded for this actor (see Envelope.read). */
  lastSender: ActorRef<unknown> | null = null;
  /**
   * Messages from this thread, served before the mailbox's (the loop's LocalMail); made on first
   * use. This field and `ringSkips`, `localRun` and `ringMark` are the loop's: they sit on the
   * cell so that the hot loop reads one object per actor.
   */
  local: LocalQueue | null = null;
  /** Turns that ended without reading the ring (see ReceiveLoop.#serveCell). */
  ringSkips = 0;
  /**
   * How many of its messages the loop handles between two reads of its clock: doubled (up to
   * MAX_CLOCK_EVERY) while they take little time, back to 1 as soon as they take long. A new actor's
   * first message may well be slow: it starts at 1.
   */
  clockEvery = 1;
  /** Local messages taken so far (every few, the ring may go first; see LocalMail). */
  localRun = 0;
  /** A position in the mailbox's ring not past its write position: local mail's stamp. */
  ringMark = 0;
  /** Why the actor ended (read once it has stopped). */
  endKind: TerminationKind = "stopped";
  /** Why the actor ended, in words. */
  endReason = "stopped";
  /** What failed, when the actor ended by failing. */
  endError: Error | null = null;
  #table: HandlerTable | null = null;
  readonly #host: CellHost;
  readonly #loop: CellLoop;
  readonly #strategy: SupervisionStrategy;
  /** Made on the first failure: most actors never fail. */
  #supervisor: Supervisor | null = null;
  /** The class and a maker of fresh constructor arguments: what a restart needs. */
  #actorClass: (new (...args: never[]) => Actor<unknown>) | null = null;
  #makeArgs: () => readonly unknown[] = () => [];
  /** Timers this actor set (cancelled when it stops); made on first use. */
  #timers: Set<LoopTimer> | null = null;
  #receiveTimeout = 0;
  #receiveTimer: LoopTimer | null = null;
  /** When this actor last got a message, by the loop's clock (for the receive timeout). */
  #lastActivity = 0;
  /** Who asked this actor to stop, to answer `Stopped` to once it has. */
  #stopRequester: ActorRef<unknown> | null = null;
  /** Whether an instance has ever finished `preStart`: a failure before is a failed start. */
  #ran = false;
  /** Children not yet gone, by slot; made on first spawn. */
  #children: Map<number, ActorRef<unknown>> | null = null;
  /** Actors this one watches, by slot; made on first watch. */
  #watching: Map<number, ActorRef<unknown>> | null = null;
  /** The behaviours set with become, the current one last; made on first use. */
  #behaviors: Behavior[] | null = null;
  /** The current behaviour, which takes the handlers' messages; null: the handlers. */
  #behavior: Behavior | null = null;
  /** Only for a class with `static readonly stashCapacity` (see Stash). */
  #stash: Stash | null = null;

  constructor(
    self: ActorRef<unknown>,
    name: string,
    mailbox: Mailbox,
    host: CellHost,
    loop: CellLoop,
    supervision: Supervision = UNSUPERVISED,
  ) {
    this.self = self;
    this.name = name;
    this.mailbox = mailbox;
    this.#host = host;
    this.#loop = loop;
    this.parent = supervision.parent;
    this.#strategy = supervision.strategy;
  }

  /** The slot of the actor, as in its ref. */
  get slot(): number {
    return this.self.slot;
  }

  /** The generation of the actor, as in its ref. */
  get generation(): number {
    return this.self.generation;
  }

  /** The actor's class (null before start). */
  get actorClass(): (new (...args: never[]) => Actor<unknown>) | null {
    return this.#actorClass;
  }

  get children(): readonly ActorRef<unknown>[] {
    return this.#children === null ? [] : [...this.#children.values()];
  }

  /**
   * Constructs the actor and runs its `preStart`. Returns a promise when `preStart` is async; the
   * cell is Running once it settles. A failing `preStart` is a failure like a handler's: the
   * supervisor decides.
   * @param makeArgs makes the constructor's arguments, afresh for each restart.
   * @throws whatever the constructor throws (the caller reports the spawn as failed).
   */
  start(
    actorClass: new (...args: never[]) => Actor<unknown>,
    makeArgs: () => readonly unknown[],
  ): void | Promise<void> {
    this.#actorClass = actorClass;
    this.#makeArgs = makeArgs;
    this.#table = handlerTable(actorClass);
    this.#stash = stashOf(actorClass);
    this.#construct();
    return this.#begin();
  }

  #construct(): void {
    const previous = swapCurrentSender(this.self);
    try {
      const actor = constructActor(this.#actorClass!, this.#makeArgs(), this) as AnyActor;
      checkActorMembers(actor);
      this.actor = actor;
    } finally {
      swapCurrentSender(previous);
    }
  }

  /** Runs `preStart` of a freshly constructed actor; Running once it has. */
  #begin(): void | Promise<void> {
    this.state = CellState.Busy;
    const running = () => {
      if (this.state === CellState.Busy) this.state = CellState.Running;
      this.#ran = true;
    };
    // An actor whose preStart failed was never ready: it cannot be resumed, only restarted.
    const started = this.#hook("preStart");
    if (started === undefined) return running();
    if (started instanceof Failure) {
      return this.#failed(new Activity("preStart()"), started.error, false);
    }
    return started.then((outcome) => {
      if (outcome instanceof Failure) {
        return this.#failed(new Activity("preStart()"), outcome.error, false);
      }
      running();
    });
  }

  postLocal(message: unknown, sender: ActorRef<unknown> | null, deadline: number): void {
    this.#loop.postLocal(this, message, sender, deadline);
  }

  /** Whether messages from this thread wait in {@link local}. */
  get hasLocal(): boolean {
    return this.local !== null && this.local.length > 0;
  }

  /** Blocking receive for the actor's own use, from inside a handler. */
  receive(timeoutMs: number): Received | null {
    return this.#loop.receiveFor(this, timeoutMs);
  }

  ask(target: ActorRef<unknown>, request: unknown, options: AskOptions = {}): Promise<never> {
    const timeout = options.timeout ?? DEFAULT_ASK_TIMEOUT_MS;
    if (!(timeout > 0)) {
      return Promise.reject(
        new RangeError(`ask timeout must be a positive number of ms, got ${options.timeout}`),
      );
    }
    const host = this.#host;
    if (host.ask === undefined) {
      return Promise.reject(new TypeError(`${this.name} runs where actors cannot ask`));
    }
    return host.ask(this, target, request, timeout) as Promise<never>;
  }

  pipeToSelf<T>(
    promise: PromiseLike<T>,
    map: (value: T | undefined, error: unknown) => unknown,
  ): void {
    const self = this.self;
    const send = (value: T | undefined, error: unknown) => {
      let message: unknown;
      try {
        message = map(value, error);
        // From the actor itself, through its mailbox; after it stopped, a dead letter.
        this.#loop.courier.deliver(self, message, self);
      } catch (failure) {
        this.#host.handlerFailed(
          this,
          new Activity("pipeToSelf's map, or sending its message"),
          failure,
        );
      }
    };
    promise.then((value) => send(value, undefined), (error) => send(undefined, error));
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

  become(
    behavior: (message: unknown, sender: ActorRef<unknown> | null) => unknown,
    options: BecomeOptions = {},
  ): void {
    if (typeof behavior !== "function") {
      throw new TypeError(
        `become takes a function (message, sender) => ..., got ${typeof behavior}`,
      );
    }
    const entry: Behavior = { call: behavior, isAsync: behavior instanceof AsyncFunction };
    const behaviors = this.#behaviors ??= [];
    if ((options.discardOld ?? true) && behaviors.length > 0) {
      behaviors[behaviors.length - 1] = entry;
    } else behaviors.push(entry);
    this.#behavior = entry;
  }

  unbecome(): void {
    const behaviors = this.#behaviors;
    if (behaviors === null || behaviors.length === 0) return;
    behaviors.pop();
    this.#behavior = behaviors.length === 0 ? null : behaviors[behaviors.length - 1];
  }

  stash(): void {
    const stash = this.#stash;
    if (stash === null) {
      throw new TypeError(
        `${this.name} has no stash: declare one in its class, with the most messages it may ` +
          `hold: static readonly stashCapacity = 1000`,
      );
    }
    stash.stashCurrent(this.name);
    this.#loop.setStashed(this, stash.length);
    // Stopping already (stashed by an async handler's tail): it will never be unstashed.
    if (this.state === CellState.Stopping || this.state === CellState.Stopped) {
      this.#dropStash(`${this.name} stopped with it stashed`);
    }
  }

  unstashAll(): void {
    const stash = this.#stash;
    if (stash === null || stash.length === 0) return;
    // After the actor stopped, they were dead letters already (see #dropStash).
    this.#loop.unstash(this, stash.takeAll());
  }

  /** Reports what the stash holds as dead letters, oldest first, and empties it. */
  #dropStash(reason: string): void {
    const stash = this.#stash;
    if (stash === null || stash.length === 0) return;
    const entries = stash.takeAll();
    if (this.local !== null) this.#loop.setStashed(this, 0);
    for (let i = 0; i < entries.length; i += 2) {
      this.#host.deadLetter(
        this.self,
        entries[i + 1] as ActorRef<unknown> | null,
        entries[i],
        "stopped",
        reason,
      );
    }
  }

  spawn(actorClass: ActorClass, ...args: unknown[]): ActorRef<never> {
    return this.spawnChild(actorClass, {}, args) as ActorRef<never>;
  }

  spawnWith(actorClass: ActorClass, options: ChildOptions, ...args: unknown[]): ActorRef<never> {
    return this.spawnChild(actorClass, options, args) as ActorRef<never>;
  }

  stop(): void {
    // Inside a handler of this actor (or while an async one runs), after it: the handler may
    // still be using the actor. Elsewhere (a timer's callback), at once.
    if (isCurrentSender(this.self) || this.state === CellState.Busy) {
      this.#stopAfterMessage = true;
    } else void this.#stopItself(undefined);
  }

  spawnChild(actorClass: ActorClass, options: ChildOptions, args: unknown[]): ActorRef<unknown> {
    if (this.state === CellState.Stopping || this.state === CellState.Stopped) {
      throw new TypeError(`${this.name} is stopping: it cannot spawn children any more`);
    }
    const child = this.#host.spawnChild(this, actorClass, options, args);
    (this.#children ??= new Map()).set(child.slot, child);
    return child;
  }

  watch(target: ActorRef<unknown>): void {
    if (target.equals(this.self)) throw new TypeError(`${this.name} cannot watch itself`);
    if (target.courier !== this.self.courier) {
      throw new TypeError(`${target} belongs to another actor system than ${this.name}`);
    }
    const watching = this.#watching ??= new Map();
    const known = watching.get(target.slot);
    if (known !== undefined && known.generation === target.generation) return;
    watching.set(target.slot, target);
    this.#host.watch(this, target);
  }

  unwatch(target: ActorRef<unknown>): void {
    const known = this.#watching?.get(target.slot);
    if (known === undefined || known.generation !== target.generation) return;
    this.#watching!.delete(target.slot);
    this.#host.unwatch(this, target);
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
      this.#loop.courier.deliver(this.self, new ReceiveTimeout(), null, 0, true);
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
   * or restarting asynchronously): the next message must wait until it settles.
   */
  deliver(message: unknown, sender: ActorRef<unknown> | null): void | Promise<void> {
    if (this.#receiveTimeout !== 0 && !(message instanceof ReceiveTimeout)) {
      this.#lastActivity = this.#loop.now;
    }
    if (
      typeof message === "object" && message !== null &&
      (message as { [CONTROL]?: true })[CONTROL] === true && this.#control(message, sender)
    ) {
      return this.#controlResult;
    }
    let method: (message: unknown, sender: ActorRef<unknown> | null) => unknown;
    let isAsync: boolean;
    const behavior = this.#behavior;
    if (behavior === null) {
      const handler = this.#table!.lookup(message);
      if (handler === null) {
        this.#host.deadLetter(
          this.self,
          sender,
          message,
          "no-handler",
          `${this.name} has no handler for it`,
        );
        return;
      }
      method = handler.method;
      isAsync = handler.isAsync;
    } else {
      // A behaviour set with become takes every message the handlers would have.
      method = behavior.call;
      isAsync = behavior.isAsync;
    }
    const actor = this.actor!;
    const stash = this.#stash;
    if (stash !== null) {
      stash.current = message;
      stash.currentSender = sender;
    }
    const previous = swapCurrentSender(this.self);
    let result: unknown;
    try {
      result = isAsync
        ? asyncActor.run(this.self, () => method.call(actor, message, sender))
        : method.call(actor, message, sender);
    } catch (error) {
      if (stash !== null) this.#handled(stash);
      const failed = this.#failed(message, error);
      return this.#stopAfterMessage ? this.#stopItself(failed) : failed;
    } finally {
      swapCurrentSender(previous);
    }
    if (!isThenable(result)) {
      if (stash !== null) this.#handled(stash);
      return this.#stopAfterMessage ? this.#stopItself(undefined) : undefined;
    }
    this.state = CellState.Busy;
    return Promise.resolve(result).then(
      () => {
        if (stash !== null) this.#handled(stash);
        if (this.state === CellState.Busy) this.state = CellState.Running;
        if (this.#stopAfterMessage) return this.#stopItself(undefined);
      },
      (error) => {
        if (stash !== null) this.#handled(stash);
        if (this.state === CellState.Busy) this.state = CellState.Running;
        const failed = this.#failed(message, error);
        return this.#stopAfterMessage ? this.#stopItself(failed) : failed;
      },
    );
  }

  /** The message in hand is done with: `stash()` now throws until the next one. */
  #handled(stash: Stash): void {
    stash.current = NOT_HANDLING;
    stash.currentSender = null;
  }

  /** Set by {@link stop} inside a handler: the actor stops once that handler is done. */
  #stopAfterMessage = false;

  /** Stops the actor as it asked (see {@link stop}), after what `before` still has to do. */
  #stopItself(before: void | Promise<void>): void | Promise<void> {
    this.#stopAfterMessage = false;
    if (this.state === CellState.Stopping || this.state === CellState.Stopped) return before;
    const stop = () => this.stopFor(null, true);
    return before === undefined ? stop() : before.then(stop);
  }

  /** What {@link #control} did with a system message it consumed. */
  #controlResult: void | Promise<void> = undefined;

  /**
   * Handles the system messages that never reach user handlers.
   * @returns whether the message was consumed (the result is in `#controlResult`); a
   * `Terminated` for a watched actor goes on to the user's handler.
   */
  #control(message: object, sender: ActorRef<unknown> | null): boolean {
    this.#controlResult = undefined;
    if (message instanceof Stop) {
      this.#controlResult = this.stopFor(sender);
      return true;
    }
    if (message instanceof Failed) {
      const child = message.child;
      // A failure of a child that is no longer ours (we restarted since) is moot.
      const ours = child !== null &&
        this.#children?.get(child.slot)?.generation === child.generation;
      if (ours) {
        this.#controlResult = this.#failed(
          new Activity(`a failure escalated by ${child}`),
          message.error,
        );
      }
      return true;
    }
    if (message instanceof ChildGone) {
      const child = message.child;
      if (child !== null && this.#children?.get(child.slot)?.generation === child.generation) {
        this.#children!.delete(child.slot);
      }
      return true;
    }
    if (message instanceof Terminated) {
      const actor = message.actor;
      const watched = actor === null ? undefined : this.#watching?.get(actor.slot);
      // Unwatched since it was sent: Akka's promise, no Terminated after unwatch.
      if (watched === undefined || watched.generation !== actor!.generation) return true;
      this.#watching!.delete(actor!.slot);
      return false;
    }
    return false;
  }

  /**
   * A handler, hook or child failed: reports it, then does what the supervisor decides.
   * Returns a promise when restarting or stopping runs async hooks.
   */
  #failed(message: unknown, error: unknown, resumable = true): void | Promise<void> {
    this.#host.handlerFailed(this, message, error);
    if (this.state === CellState.Stopping || this.state === CellState.Stopped) return;
    let directive = (this.#supervisor ??= new Supervisor(this.#strategy)).decide(error);
    // A restart whose constructor failed left no instance to resume.
    if (directive === "resume" && (this.actor === null || !resumable)) directive = "stop";
    switch (directive) {
      case "resume":
        return;
      case "restart":
        return this.#restart(error);
      case "stop":
        return this.#stopFailed(error, false);
      case "escalate":
        return this.#stopFailed(error, true);
    }
  }

  /** Stops the actor because it failed; when escalating, its parent then fails with the error. */
  #stopFailed(error: unknown, escalate: boolean): void | Promise<void> {
    this.endKind = this.#ran ? "failed" : "start-failed";
    const portable = this.endError = portableError(error);
    this.endReason = this.#ran
      ? `${this.name} failed: ${describeError(error)}`
      : `${this.name} failed to start: ${describeError(error)}`;
    const stopped = this.stopFor(null);
    if (!escalate || this.parent === null) return stopped;
    // After postStop: the parent hears of the failure once the child is done with it.
    const parent = this.parent;
    const tell = () =>
      this.#loop.courier.deliver(parent, new Failed(this.self, portable), this.self, 0, true);
    if (stopped === undefined) return tell();
    return stopped.then(tell);
  }

  /**
   * A fresh instance behind the same ref and mailbox: the old one's `postStop`, its children
   * stopped, its timers and watches dropped; then the constructor and `preStart` again.
   */
  #restart(error: unknown): void | Promise<void> {
    this.state = CellState.Busy;
    const stopped = this.#hook("postStop");
    const fresh = (outcome: Failure | undefined | void) => {
      if (outcome instanceof Failure) {
        this.#host.handlerFailed(this, new Activity("postStop()"), outcome.error);
      }
      this.#dropInstance();
      // Kept across the restart (Akka classic's default): back in front of the mailbox, for the
      // fresh instance to handle first.
      this.unstashAll();
      try {
        this.#construct();
      } catch (constructorError) {
        this.actor = null;
        this.state = CellState.Running;
        return this.#failed(
          new Activity(`a restart after ${describeError(error)}`),
          constructorError,
        );
      }
      return this.#begin();
    };
    if (stopped === undefined || stopped instanceof Failure) return fresh(stopped);
    return stopped.then(fresh);
  }

  /** Lets go of what belongs to the current instance: children, timers, watches, behaviours. */
  #dropInstance(): void {
    this.#stopChildren();
    this.#behaviors = null;
    this.#behavior = null;
    this.#receiveTimeout = 0;
    this.#receiveTimer = null;
    if (this.#timers !== null) { for (const timer of [...this.#timers]) timer.cancel(); }
    if (this.#watching !== null) {
      for (const target of this.#watching.values()) this.#host.unwatch(this, target);
      this.#watching = null;
    }
    this.actor = null;
  }

  #stopChildren(): void {
    if (this.#children === null) return;
    // No sender: a child's Stopped would only come back as a dead letter.
    for (const child of this.#children.values()) {
      this.#loop.courier.deliver(child, new Stop(), null, 0, true);
    }
    this.#children = null;
  }

  /**
   * Stops the actor: closes its mailbox to new messages, stops its children, runs `postStop`,
   * answers `Stopped` to whoever asked. Its remaining messages become dead letters as the loop
   * drains them.
   */
  stopFor(requester: ActorRef<unknown> | null, stoppedItself = false): void | Promise<void> {
    if (this.state === CellState.Stopping || this.state === CellState.Stopped) {
      // A second Stop that was already in the mailbox: answer it too, the actor is stopping.
      this.#answerStopped(requester);
      return;
    }
    this.state = CellState.Stopping;
    this.#stopRequester = requester;
    if (this.endKind === "stopped") {
      this.endReason = stoppedItself || requester?.equals(this.self)
        ? `${this.name} stopped itself`
        : `${this.name} was sent Stop`;
    }
    this.mailbox.close();
    // From now on this thread's sends meet the closed mailbox, like everyone else's.
    this.#loop.closeLocal(this);
    // Ahead of what waits in the mailbox, which came after them.
    this.#dropStash(`${this.name} stopped with it stashed`);
    this.#stopChildren();
    const stopped = this.actor === null ? undefined : this.#hook("postStop");
    if (stopped === undefined || stopped instanceof Failure) {
      if (stopped !== undefined) {
        this.#host.handlerFailed(this, new Activity("postStop()"), stopped.error);
      }
      this.#answerStopped(this.#stopRequester);
      return;
    }
    return stopped.then((outcome) => {
      if (outcome instanceof Failure) {
        this.#host.handlerFailed(this, new Activity("postStop()"), outcome.error);
      }
      this.#answerStopped(this.#stopRequester);
    });
  }

  /** The mailbox is closed and every record in it was read: the actor is gone. */
  finish(): void {
    if (this.state === CellState.Stopped) return;
    this.state = CellState.Stopped;
    this.#dropStash(`${this.name} stopped with it stashed`);
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

  /**
   * Runs an optional lifecycle hook: undefined when it is missing or returned, a Failure when it
   * threw, a promise (of undefined or a Failure) when it is async.
   */
  #hook(name: "preStart" | "postStop"): Failure | Promise<Failure | undefined> | undefined {
    const hook = this.actor?.[name];
    if (typeof hook !== "function") return undefined;
    const previous = swapCurrentSender(this.self);
    let result: unknown;
    try {
      result = hook instanceof AsyncFunction
        ? asyncActor.run(this.self, () => hook.call(this.actor))
        : hook.call(this.actor);
    } catch (error) {
      return new Failure(error);
    } finally {
      swapCurrentSender(previous);
    }
    if (!isThenable(result)) return undefined;
    return Promise.resolve(result).then(() => undefined, (error) => new Failure(error));
  }
}

/** What a hook threw, as a value (a hook's failure is the cell's to handle, not to throw). */
class Failure {
  constructor(readonly error: unknown) {}
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}
