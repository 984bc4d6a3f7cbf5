/**
 * `ActorCell`: the runtime's side of one actor — its instance, mailbox, handler table and life
 * cycle (starting, running, waiting for an async handler, stopping, stopped). The receive loop
 * hands it one message at a time ({@link ActorCell.deliver}). Its base, `CellContext`
 * (cell_context.ts), is the actor's side: what each instance's `this.context`
 * (instance_context.ts) hands its calls to while it is current. What a failure does is
 * fault_handling.ts's; running the hooks, hooks.ts's.
 *
 * @module
 */

import type { ClassInfo } from "../codec/mod.ts";
import type { Mailbox } from "../ring/mod.ts";
import { type Actor, checkActorMembers, constructActor } from "./actor.ts";
import { type ActorRef, isHandlingNow, swapCurrentSender } from "./actor_ref.ts";
import { runAsActor } from "./async_actor.ts";
import {
  Activity,
  type CellHost,
  type CellLoop,
  CellState,
  isEnding,
  type LocalQueue,
  type Supervision,
  UNSUPERVISED,
} from "./cell_host.ts";
import { CellContext } from "./cell_context.ts";
import { InstanceContext } from "./instance_context.ts";
import { FaultHandling } from "./fault_handling.ts";
import {
  CONTROL,
  type HandlerTable,
  handlerTable,
  markControl,
  type ResolvedHandler,
} from "./handles.ts";
import { Failure, isThenable, runHook } from "./hooks.ts";
import {
  ChildGone,
  type DeadLetterKind,
  Failed,
  ReceiveTimeout,
  RequestFailed,
  Stop,
  Stopped,
  Terminated,
  type TerminationKind,
} from "./messages.ts";
import { portableError } from "./portable_error.ts";
import { NOT_HANDLING, type Stash, STASHED, stashOf } from "./stash.ts";

export {
  Activity,
  type CellHost,
  type CellLoop,
  CellState,
  type LocalQueue,
  type Supervision,
} from "./cell_host.ts";

/**
 * What `stop()` called outside any handler (a timer's callback, a promise's `then`) puts in front
 * of the actor's mailbox: the loop then stops the actor as it does for a `Stop`, and waits for an
 * async `postStop` before it reads the mailbox on — stopped from the callback itself, the loop
 * found the mailbox closed and drained while `postStop` still ran, and ended the actor under it.
 */
class StopItself {}
/** The one {@link StopItself}: no message of anyone's, never a dead letter. */
export const STOP_ITSELF: object = new StopItself();

for (const type of [Stop, Failed, ChildGone, Terminated, ReceiveTimeout, StopItself]) {
  markControl(type);
}

// deno-lint-ignore no-explicit-any
type AnyActor = Actor<any> & Record<string | symbol, unknown>;

/** What ActorCell's handling of a system message returns when it goes on to the handlers. */
const PASSED: unique symbol = Symbol("passed");

/** The message in hand is done with: `stash()` now throws until the next one. */
function doneWith(stash: Stash): void {
  stash.current = NOT_HANDLING;
  stash.currentSender = null;
}

/**
 * The runtime state of one actor. Its private methods are static, taking the cell: a private
 * instance method costs every instance a word (V8's brand), and a Worker holds 100k cells.
 */
export class ActorCell extends CellContext {
  readonly mailbox: Mailbox;
  state: CellState = CellState.Starting;
  actor: AnyActor | null = null;
  /**
   * The context of the current instance (its `this.context`), set whenever {@link actor} is: a
   * restart retires it, so that code the old instance left behind never reaches the fresh one.
   */
  incarnation: InstanceContext | null = null;
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
  readonly #strategy: Supervision["strategy"];
  /** Recent restarts decided before this cell (see Supervision.restarts). */
  readonly #restarts: readonly number[] | null;
  /** The class and a maker of fresh constructor arguments: what a restart needs. */
  #actorClass: (new (...args: never[]) => Actor<unknown>) | null = null;
  #makeArgs: () => readonly unknown[] = () => [];
  /** Whether an instance has ever finished `preStart`: a failure before is a failed start. */
  #ran = false;
  /** Made on the first failure: most actors never fail. */
  #faults: FaultHandling | null = null;

  constructor(
    self: ActorRef<unknown>,
    name: string,
    mailbox: Mailbox,
    host: CellHost,
    loop: CellLoop,
    supervision: Supervision = UNSUPERVISED,
  ) {
    super(self, name, supervision.parent, host, loop);
    this.mailbox = mailbox;
    this.#strategy = supervision.strategy;
    this.#restarts = supervision.restarts ?? null;
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

  /** Whether an instance has ever finished `preStart` (a failure before is a failed start). */
  get hasRun(): boolean {
    return this.#ran;
  }

  /**
   * Constructs the actor and runs its `preStart`. Returns a promise when `preStart` is async; the
   * cell is Running once it settles. A failing `preStart` is a failure like a handler's: the
   * supervisor decides; so is a constructor that throws.
   * @param makeArgs makes the constructor's arguments, afresh for each restart.
   */
  start(
    actorClass: new (...args: never[]) => Actor<unknown>,
    makeArgs: () => readonly unknown[],
  ): void | Promise<void> {
    this.#actorClass = actorClass;
    this.#makeArgs = makeArgs;
    this.#table = handlerTable(actorClass);
    this.stashed = stashOf(actorClass, this, this.loop, this.host);
    try {
      this.construct();
    } catch (error) {
      // A failed start like preStart's: the supervisor decides (a restart retries it).
      this.state = CellState.Busy;
      return ActorCell.#failed(this, new Activity("the constructor"), error, false);
    }
    return this.begin();
  }

  /** Constructs an instance of the actor's class (at start, and for a restart). */
  construct(): void {
    const previous = swapCurrentSender(this.self);
    // Made before the constructor runs: one that throws may have handed its context on already.
    const context = this.incarnation = new InstanceContext(this);
    try {
      const actor = constructActor(
        this.#actorClass!,
        this.#makeArgs(),
        context,
      ) as AnyActor;
      checkActorMembers(actor);
      this.actor = actor;
    } finally {
      swapCurrentSender(previous);
    }
  }

  /** Runs `preStart` of a freshly constructed actor; Running once it has. */
  begin(): void | Promise<void> {
    this.state = CellState.Busy;
    const running = () => {
      if (this.state === CellState.Busy) this.state = CellState.Running;
      this.#ran = true;
      // stop() in preStart: as after a handler, once the hook is done.
      if (this.#stopAfterMessage) return ActorCell.#stopItself(this, undefined);
    };
    // An actor whose preStart failed was never ready: it cannot be resumed, only restarted.
    const started = runHook(this.actor, "preStart", this.self, this.incarnation!);
    if (started === undefined) return running();
    if (started instanceof Failure) {
      return ActorCell.#failed(this, new Activity("preStart()"), started.error, false);
    }
    return started.then((outcome) => {
      if (outcome instanceof Failure) {
        return ActorCell.#failed(this, new Activity("preStart()"), outcome.error, false);
      }
      return running();
    });
  }

  postLocal(
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
    trace: object | null,
    cls: ClassInfo | null,
  ): void {
    this.loop.postLocal(this, message, sender, deadline, trace, cls);
  }

  /** Whether messages from this thread wait in {@link local}. */
  get hasLocal(): boolean {
    return this.local !== null && this.local.length > 0;
  }

  override stop(): void {
    // Inside a handler of this actor (or while an async one runs), after it: the handler may
    // still be using the actor. Elsewhere (a timer's callback, even one an async handler left
    // behind, which inherits its async context), as the next thing the actor does, ahead of its
    // mailbox: served by its loop like a Stop, which waits for an async postStop to settle.
    if (isHandlingNow(this.self) || this.state === CellState.Busy) {
      this.#stopAfterMessage = true;
    } else if (!this.#stopAfterMessage && !isEnding(this.state)) {
      this.#stopAfterMessage = true;
      this.loop.putFirst(this, [STOP_ITSELF, null]);
    }
  }

  /**
   * Handles one message. Returns a promise when the handler is async (or the actor is stopping
   * or restarting asynchronously): the next message must wait until it settles.
   * @param cls the registered class `message` is a plain instance of, when the layer below knows
   * it (it copied or decoded the message): dispatch then needs no look at the message's class.
   */
  deliver(
    message: unknown,
    sender: ActorRef<unknown> | null,
    cls: ClassInfo | null = null,
  ): void | Promise<void> {
    const receiveTimeout = this.receiveTimeoutWatch;
    if (receiveTimeout !== null && !(message instanceof ReceiveTimeout)) {
      receiveTimeout.lastActivity = this.loop.now;
    }
    const table = this.#table;
    let handler: ResolvedHandler | null | undefined; // undefined: not looked up yet
    if (cls !== null && table !== null) {
      const dispatch = table.forClass(cls);
      if (dispatch.control) {
        const done = ActorCell.#control(this, message as object, sender);
        if (done !== PASSED) return done;
      }
      handler = dispatch.handler;
    } else if (
      typeof message === "object" && message !== null &&
      (message as { [CONTROL]?: true })[CONTROL] === true
    ) {
      const done = ActorCell.#control(this, message, sender);
      if (done !== PASSED) return done;
    }
    let method: (message: unknown, sender: ActorRef<unknown> | null) => unknown;
    let isAsync: boolean;
    const behavior = this.behavior;
    if (behavior === null) {
      if (handler === undefined) handler = table!.lookup(message);
      if (handler === null) {
        // An actor's Stopped: the answer to a Stop this actor sent (a Stop sent from a handler
        // carries its actor as sender), its to take if it has a handler for it, and no one's
        // lost message if not. One sent from outside any actor is a program's own message.
        if (message instanceof Stopped && sender !== null && sender.tag === 0) return;
        this.host.deadLetter({
          target: this.self,
          sender,
          message,
          kind: "no-handler",
          reason: `${this.name} has no handler for it`,
        });
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
    const stash = this.stashed;
    if (stash !== null) {
      stash.current = message;
      stash.currentSender = sender;
    }
    const previous = swapCurrentSender(this.self);
    let result: unknown;
    try {
      result = isAsync
        ? runAsActor(this.incarnation!, () => method.call(actor, message, sender))
        : method.call(actor, message, sender);
    } catch (error) {
      if (this.receiveTimeoutWatch !== null) this.#activityEnded();
      const kept = stash !== null && stash.current === STASHED;
      if (stash !== null) doneWith(stash);
      this.#handlerDone();
      if (!kept) this.#tellWaiting(sender, message, error);
      const failed = ActorCell.#failed(this, message, error);
      return this.#stopAfterMessage ? ActorCell.#stopItself(this, failed) : failed;
    } finally {
      swapCurrentSender(previous);
    }
    if (!isThenable(result)) {
      // The watch now (the handler may have set one): quiet counts from the handler's end.
      if (this.receiveTimeoutWatch !== null) this.#activityEnded();
      if (stash !== null) doneWith(stash);
      if (this.#afterHandler !== null) this.#handlerDone();
      return this.#stopAfterMessage ? ActorCell.#stopItself(this, undefined) : undefined;
    }
    this.state = CellState.Busy;
    return Promise.resolve(result).then(
      () => {
        this.#activityEnded();
        if (stash !== null) doneWith(stash);
        this.#handlerDone();
        if (this.state === CellState.Busy) this.state = CellState.Running;
        if (this.#stopAfterMessage) return ActorCell.#stopItself(this, undefined);
      },
      (error) => {
        this.#activityEnded();
        const kept = stash !== null && stash.current === STASHED;
        if (stash !== null) doneWith(stash);
        this.#handlerDone();
        if (this.state === CellState.Busy) this.state = CellState.Running;
        if (!kept) this.#tellWaiting(sender, message, error);
        const failed = ActorCell.#failed(this, message, error);
        return this.#stopAfterMessage ? ActorCell.#stopItself(this, failed) : failed;
      },
    );
  }

  /** Set by {@link stop} inside a handler: the actor stops once that handler is done. */
  #stopAfterMessage = false;

  /** A handler ended: a receive timeout counts its quiet from now (see ReceiveTimeoutWatch). */
  #activityEnded(): void {
    const watch = this.receiveTimeoutWatch;
    if (watch !== null) watch.lastActivity = performance.now();
  }

  /** Stops the actor as it asked (see {@link stop}), after what `before` still has to do. */
  static #stopItself(cell: ActorCell, before: void | Promise<void>): void | Promise<void> {
    cell.#stopAfterMessage = false;
    if (isEnding(cell.state)) return before;
    const stop = () => cell.stopFor(null, true);
    return before === undefined ? stop() : before.then(stop);
  }

  /**
   * Handles the system messages that never reach user handlers.
   * @returns what handling one did, or PASSED when the message goes on to the user's handler
   * (a `Terminated` for a watched actor).
   */
  static #control(
    cell: ActorCell,
    message: object,
    sender: ActorRef<unknown> | null,
  ): void | Promise<void> | typeof PASSED {
    if (message instanceof Stop) return cell.stopFor(sender);
    if (message === STOP_ITSELF) return ActorCell.#stopItself(cell, undefined);
    if (message instanceof Failed) {
      const child = message.child;
      // A failure of a child that is no longer ours (we restarted since) is moot.
      if (cell.childSet?.has(child)) {
        return ActorCell.#failed(
          cell,
          new Activity(
            `a failure escalated by ${
              message.childName === "" ? child : `${message.childName} (${child})`
            }`,
          ),
          message.error,
        );
      }
      return;
    }
    if (message instanceof ChildGone) {
      cell.childSet?.gone(message.child);
      return;
    }
    if (message instanceof ReceiveTimeout) {
      return ActorCell.#staleTimeout(cell, message, sender) ? undefined : PASSED;
    }
    // Unwatched since it was sent: Akka's promise, no Terminated after unwatch. One the actor
    // stashed and put back was the watch's end already.
    if (
      message instanceof Terminated && cell.stashed?.admitted(message) !== true &&
      cell.deathWatch?.ended(message.actor) !== true
    ) return;
    return PASSED;
  }

  /**
   * Whether `timeout` is the runtime's (no sender, a time: user code's have none) and no news of
   * quiet any more: a message came after it (see ReceiveTimeoutWatch), or no receive timeout is
   * on — the instance that set it turned it off, or was restarted away, while it was on its way.
   * One the actor stashed and put back had passed this as it first came.
   */
  static #staleTimeout(
    cell: ActorCell,
    timeout: ReceiveTimeout,
    sender: ActorRef<unknown> | null,
  ): boolean {
    if (sender !== null || timeout.at === 0 || cell.stashed?.admitted(timeout) === true) {
      return false;
    }
    const watch = cell.receiveTimeoutWatch;
    return watch === null || watch.stale(timeout);
  }

  /**
   * The cell's own notices that receive() read: a ChildGone and a Terminated unwatched since are
   * done with at once; a child's Failed waits until the handler in progress is done (the
   * supervision it calls for may restart or stop this very actor), first in line then — and the
   * notices after it wait behind it, in order (a failed child's ChildGone follows its Failed).
   */
  protected override takesOwn(message: unknown, sender: ActorRef<unknown> | null): boolean {
    if (
      message instanceof Failed || (message instanceof ChildGone && this.#afterHandler !== null)
    ) {
      (this.#afterHandler ??= []).push(message, sender);
      return true;
    }
    if (message instanceof ChildGone) {
      this.childSet?.gone(message.child);
      return true;
    }
    // A Terminated for a watch that is still on is the actor's; the watch is over.
    if (message instanceof Terminated) return this.deathWatch?.ended(message.actor) !== true;
    return false;
  }

  /**
   * Notices receive() put aside until the handler in progress is done, as (message, sender)
   * pairs: then they go first in line (see {@link #handlerDone}). Null: none.
   */
  #afterHandler: unknown[] | null = null;

  /** The handler of a message is done: what receive() put aside goes first in line. */
  #handlerDone(): void {
    const aside = this.#afterHandler;
    if (aside === null) return;
    this.#afterHandler = null;
    this.loop.putFirst(this, aside);
  }

  /**
   * The handler of `message`, sent by `waiting`, failed with `error`: when `waiting` waits for a
   * reply (a Bridge call or an ask: a ref with a reply tag), no reply will come of it, and the
   * caller hears so now rather than at its timeout. (A reply the handler sent before it failed settled the call already: the
   * caller ignores this then.) Not when the handler stashed the message (it is handled again
   * later) or passed it on with the caller as its sender (the reply is another actor's to send).
   */
  #tellWaiting(waiting: ActorRef<unknown> | null, message: unknown, error: unknown): void {
    // No reply address (a plain send); or passed on as the sender of another message: the reply
    // is someone else's to send now.
    if (waiting === null || waiting.tag === 0 || waiting.handedOn) return;
    try {
      this.loop.courier.answer(
        waiting,
        new RequestFailed(portableError(error), this.name, classNameOf(message)),
      );
    } catch (answering) {
      console.error(
        `ringmail: ${this.name} could not tell its caller that it failed (it waits for its ` +
          `timeout):`,
        answering,
      );
    }
  }

  /** A handler, hook or child failed: see FaultHandling.failed. */
  static #failed(
    cell: ActorCell,
    message: unknown,
    error: unknown,
    resumable = true,
  ): void | Promise<void> {
    cell.#faults ??= new FaultHandling(
      cell,
      cell.host,
      cell.loop,
      cell.#strategy,
      cell.#restarts,
    );
    // It asked to stop (this.context.stop()) before its handler or preStart failed: the stop it
    // asked for follows (see FaultHandling.failed).
    return cell.#faults.failed(message, error, resumable, cell.#stopAfterMessage);
  }

  /** Cancels the current instance's timers and receive timeout (a restart begins). */
  cancelInstanceTimers(): void {
    this.cancelTimers();
  }

  /**
   * Lets go of the current instance and what it set up (a restart), and retires its context:
   * what the code it left behind still calls there reaches nothing from now on.
   */
  dropInstance(): void {
    // A stop the old instance asked for as it was replaced (its postStop, code it left behind):
    // the fresh instance is not its to stop. One asked for before it failed stopped the actor
    // instead of this restart (see FaultHandling.failed).
    this.#stopAfterMessage = false;
    this.dropInstanceState();
    this.incarnation?.retire("restart");
    this.incarnation = null;
    this.actor = null;
  }

  /**
   * Stops the actor: closes its mailbox to new messages, stops its children, runs `postStop`,
   * answers `Stopped` to whoever asked. Its remaining messages become dead letters as the loop
   * drains them.
   */
  stopFor(
    requester: ActorRef<unknown> | null,
    stoppedItself = false,
  ): void | Promise<void> {
    if (isEnding(this.state)) {
      // A second Stop that was already in the mailbox: answered too, once the actor is gone.
      this.#whenGone(requester);
      return;
    }
    this.state = CellState.Stopping;
    if (this.endKind === "stopped") {
      this.endReason = stoppedItself || requester?.equals(this.self)
        ? `${this.name} stopped itself`
        : `${this.name} was sent Stop`;
    }
    this.mailbox.close();
    // From now on this thread's sends meet the closed mailbox, like everyone else's.
    this.loop.closeLocal(this);
    // Ahead of what waits in the mailbox, which came after them.
    this.stashed?.drop();
    // Before postStop, which may take a while (async): the actor has handled its last message.
    this.cancelTimers();
    this.deathWatch?.unwatchRemote();
    this.stopChildren(false);
    const answer = () => this.#whenGone(requester);
    const stopped = this.actor === null ? undefined : this.postStop();
    return stopped === undefined ? answer() : stopped.then(answer);
  }

  /** Who asked it to stop, answered `Stopped` once it is gone (see {@link finish}). */
  #stopRequesters: ActorRef<unknown>[] | null = null;

  /**
   * Answers `requester` `Stopped` once the actor is gone — its mailbox drained and retired, its
   * slot dead — not as its postStop ends: whoever hears `Stopped` finds it ended everywhere (a
   * `kill` then says false; `inspect()` lists it no more).
   */
  #whenGone(requester: ActorRef<unknown> | null): void {
    if (requester === null) return;
    if (this.state === CellState.Stopped) ActorCell.#answerStopped(this, requester);
    else (this.#stopRequesters ??= []).push(requester);
  }

  /**
   * Why a message left for this actor as it ends is a dead letter: "stopped", or, for an actor
   * that never started (its constructor or preStart failed), "start-failed" with what failed —
   * a call waiting on it is told that, not only that the actor stopped.
   */
  leftoverWhy(): { kind: DeadLetterKind; reason: string } {
    return this.endKind === "start-failed"
      ? { kind: "start-failed", reason: this.endReason }
      : { kind: "stopped", reason: `${this.name} has stopped` };
  }

  /** The mailbox is closed and every record in it was read: the actor is gone. */
  finish(): void {
    if (this.state === CellState.Stopped) return;
    this.state = CellState.Stopped;
    // After postStop, which needed it: code the instance left behind reaches nothing of the cell
    // from now on (its mailbox goes back to the pool, and nothing would take back what it set).
    this.incarnation?.retire("stop");
    this.incarnation = null;
    this.stashed?.drop();
    this.cancelTimers();
    this.actor = null;
    this.host.stopped(this);
    // Its host answered them as it retired the mailbox, before it told the system of the end;
    // a host that did not (one of a single thread) leaves them to this.
    this.answerStopRequesters();
  }

  /**
   * Answers `Stopped` to whoever asked the actor to stop (see {@link whenGone}): called by the
   * host once its mailbox is retired (its slot dead) and before it reports the end, so that a
   * caller hears `Stopped` before it could hear the actor is gone. Once only.
   */
  answerStopRequesters(): void {
    const requesters = this.#stopRequesters;
    this.#stopRequesters = null;
    for (const requester of requesters ?? []) ActorCell.#answerStopped(this, requester);
  }

  static #answerStopped(cell: ActorCell, requester: ActorRef<unknown> | null): void {
    if (requester === null) return;
    const previous = swapCurrentSender(cell.self);
    try {
      requester.send(new Stopped());
    } catch (error) {
      cell.host.handlerFailed(cell, new Stop(), error);
    } finally {
      swapCurrentSender(previous);
    }
  }

  /**
   * Runs the instance's `postStop` (it stops, or restarts), reporting a failure of it (the
   * actor goes on stopping all the same). A promise when `postStop` is async.
   */
  postStop(): void | Promise<void> {
    const stopped = runHook(this.actor, "postStop", this.self, this.incarnation!);
    const report = (outcome: Failure | undefined) => {
      if (outcome !== undefined) {
        this.host.handlerFailed(
          this,
          new Activity("postStop()"),
          outcome.error,
        );
      }
    };
    return stopped instanceof Promise ? stopped.then(report) : report(stopped);
  }
}

/** The class of `message` for a report: its constructor's name, or its type. */
function classNameOf(message: unknown): string {
  if (typeof message !== "object" || message === null) return typeof message;
  const constructor = (message as { constructor?: { name?: unknown } }).constructor;
  return typeof constructor?.name === "string" && constructor.name !== ""
    ? constructor.name
    : "object";
}
