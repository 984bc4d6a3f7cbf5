/**
 * `ActorContext`: what an actor reaches through `this.context` — its name and family, spawning
 * children, watching, timers, asking, becoming, stashing, stopping — and the options of those
 * calls.
 *
 * @module
 */

import type { ActorClass, MessagesOf } from "./actor.ts";
import type { ActorRef } from "./actor_ref.ts";
import type { Stop } from "./messages.ts";
import type { ReplyOf } from "./request.ts";
import type { RepeatOptions, Timer } from "./timers.ts";

/** Options of {@link ActorContext.spawnWith}: how to start a child. */
export interface ChildOptions {
  /** The child's name in errors and logs. Default: its class name. */
  name?: string;
  /**
   * Another actor to place the child next to, in the same Worker (`this.self`: the parent's
   * own Worker): sends between them never cross threads. Default: like the parent — in the
   * parent's pool when the parent is pooled, otherwise in a Worker of its own.
   */
  near?: ActorRef<never>;
  /** Bytes in the child's mailbox ring, a power of two. Default: the system's. */
  mailboxCapacity?: number;
  /** Milliseconds a send to the child waits for room before it fails. Default: the system's. */
  sendTimeout?: number;
  /**
   * What a send does when the child's mailbox is full: `"wait"` (the default) waits for room
   * up to the send timeout, then fails; `"drop"` makes the message a dead letter (kind
   * `"mailbox-full"`) at once, and the sender never waits — for actors where only the latest
   * messages matter. The runtime's own messages (a Stop, a Terminated) always wait.
   */
  whenFull?: "wait" | "drop";
}

/** Options of {@link ActorContext.become}. */
export interface BecomeOptions {
  /**
   * Whether the new behaviour replaces the current one (true, the default: `unbecome` then goes
   * back to the one before it, or to the handlers) or goes on top of it (false: `unbecome` goes
   * back to it).
   */
  discardOld?: boolean;
}

/** Options of {@link ActorContext.ask}. */
export interface AskOptions {
  /**
   * Milliseconds to wait for the reply. Default 5000. It is also the request's deadline (not a
   * `Stop`'s: the asked actor stops whenever it comes to it).
   */
  timeout?: number;
}

/** A message taken with {@link ActorContext.receive}, with who sent it. */
export interface Received<M = unknown> {
  /** The message. */
  readonly message: M;
  /** Its sender; `null` when it was sent from outside any actor. */
  readonly sender: ActorRef<unknown> | null;
}

/**
 * What the runtime gives an actor while it runs: `this.context` inside the actor. Everything an
 * actor can do besides handling messages lives here, so that no name a handler might have (the
 * seed's `onStart` for a `Start` message, `name`, `send`, `watch`, ...) is taken by the base
 * class. Only `self`, `context`, `preStart` and `postStop` are (see {@link Actor}).
 *
 * Each instance of the actor has a context of its own. Once a restart replaced an instance with a
 * fresh one, code the old one left behind (a timer's callback, a promise's `then`, an event
 * listener) still holds the old context, which reaches nothing of the fresh instance: what would
 * start something (spawn, watch, receive, ask, pipeToSelf, timers, a receive timeout, become,
 * stash) throws a `TypeError` ("X's instance was replaced by a restart"), what would only take
 * back what the old instance had (unwatch, unbecome, unstashAll, `setReceiveTimeout(null)`,
 * stop) does nothing, `children` is empty, and its sends have no implicit sender. Cancel such
 * code in `postStop`, which runs before the restart.
 *
 * @typeParam M the messages the actor accepts.
 *
 * @example A parent that names itself in what it logs and watches its child
 * ```ts
 * import { Actor, handles, Terminated } from "@ringmail/actors";
 *
 * export class Child extends Actor<string> {
 *   static readonly module = import.meta.url;
 * }
 *
 * export class Parent extends Actor<string | Terminated> {
 *   static readonly module = import.meta.url;
 *   readonly #child = this.context.spawn(Child);
 *   override preStart() {
 *     this.context.watch(this.#child);
 *   }
 *   @handles(Terminated)
 *   onTerminated(end: Terminated) {
 *     console.log(`${this.context.name}: my child ended (${end.kind})`);
 *   }
 * }
 * ```
 */
export interface ActorContext<M = unknown> {
  /** The actor's own ref (also `this.self`). */
  readonly self: ActorRef<M | Stop>;
  /** The actor's name, for logs and errors (the class name unless spawn gave another). */
  readonly name: string;
  /**
   * The actor that spawned this one and supervises it; `null` for an actor spawned by the
   * system (its supervisor is then the system's strategy).
   */
  readonly parent: ActorRef<unknown> | null;
  /**
   * This actor's children that have not ended (as far as it has heard). In `postStop` they are
   * still listed, on their way out: the actor sent them `Stop` as it stopped (a restart's fresh
   * instance starts with none).
   */
  readonly children: readonly ActorRef<unknown>[];
  /**
   * Starts a child of this actor: like `system.spawn`, and the child is supervised by this
   * actor's class (its `static readonly supervision`, see `SupervisionStrategy`): when a
   * handler of the child throws, that strategy resumes, restarts, stops it, or escalates the
   * failure to this actor. Children stop when their parent stops or restarts.
   *
   * @param actorClass an exported subclass of `Actor` with `static readonly module = import.meta.url`.
   * @param args the constructor's arguments; they travel to the child's Worker through the codec.
   * @returns the child's ref, at once; messages sent before it runs wait in its mailbox.
   * @throws {TypeError} when `actorClass` is not an actor class with a `module`, once the actor
   * is stopping or has stopped, or once a restart replaced this instance (called by code it left
   * behind).
   * @throws {CodecError} when an argument cannot be sent.
   */
  spawn<C extends ActorClass>(
    actorClass: C,
    ...args: ConstructorParameters<C>
  ): ActorRef<MessagesOf<InstanceType<C>>>;
  /**
   * {@link spawn} with options: a name, a place (`near`), a mailbox size, a send timeout.
   * @throws {RangeError} when an option is out of range.
   * @throws {TypeError} as {@link spawn}; when `options` is no object, or `near` no ref of this
   * system.
   */
  spawnWith<C extends ActorClass>(
    actorClass: C,
    options: ChildOptions,
    ...args: ConstructorParameters<C>
  ): ActorRef<MessagesOf<InstanceType<C>>>;
  /**
   * Watches `target`: when it ends (stops, fails for good, fails to start, or its Worker
   * dies) this actor gets one `Terminated` message for it. Watching an actor that has already
   * ended gets `Terminated` at once (kind `"not-running"`). Watching twice is watching once.
   * @throws {TypeError} when `target` is no ActorRef, is this actor itself, belongs to another
   * system, or is the reply address of a call or an ask (the sender a Bridge call or an `ask`
   * gives), which is no actor; or once the actor has stopped or a restart replaced this instance
   * (called by code it left behind).
   */
  watch(target: ActorRef<never>): void;
  /**
   * Stops watching `target`: no `Terminated` for it arrives after this, even one on its way.
   * Does nothing once the actor has stopped or a restart replaced this instance: its watches went
   * with it.
   * @throws {TypeError} when `target` is no ActorRef.
   */
  unwatch(target: ActorRef<never>): void;
  /**
   * Waits for this actor's next message and returns it with its sender, instead of letting it
   * go to a handler: the seed's "react loop" style, for use inside a handler. Blocks the actor's
   * Worker while it waits (other actors sharing the Worker wait too, and timers due meanwhile,
   * this actor's own included, send their messages once the handler returns).
   *
   * @param timeoutMs how long to wait, in milliseconds. Default: forever.
   * @returns the next message and its sender, or `null` when the timeout passed first. A `Stop`
   * is returned like any message: the handler decides what to do with it.
   * @throws {ActorNotStartedError} in `preStart` of a new actor: it takes messages only after.
   * @throws {RangeError} for a negative timeout ({@link TypeError} for one that is no number).
   * @throws {TypeError} once the actor has stopped, or a restart replaced this instance (called
   * by code it left behind).
   */
  receive(timeoutMs?: number): Received | null;
  /**
   * Asks `target` from inside this actor: sends `request` and resolves with the reply, like a
   * Bridge call — without blocking the Worker, so await it in an async handler (the actor's
   * other messages wait meanwhile, as for any async handler) or hand it to {@link pipeToSelf}.
   * The reply reaches the ask even while this actor is busy: it comes back to its Worker's own
   * endpoint, not to this actor's mailbox. The asked actor sees that endpoint as the sender,
   * not this actor.
   *
   * @typeParam Q the request's type: one of the target's messages.
   * @typeParam R the reply's type: what `Q` names with `Request<R>`; for other requests,
   * `unknown`, or whatever the result is assigned to.
   * @param target the actor to ask.
   * @param request the message; the timeout is also its deadline: the target does not start
   * handling a request nobody waits for any more (it becomes a dead letter) — but for a `Stop`,
   * which the target takes whenever it comes to it: an ask that timed out does not leave it
   * running.
   * @param options timeout (ms, default 5000).
   * @returns the reply.
   * @throws {ActorDeadError} at once when the target is gone, or ends while asked (stops, is
   * killed, its Worker dies, it is being restarted after its Worker died).
   * @throws {MailboxFullError} when the request waited in the target's full mailbox for the
   * whole send timeout.
   * @throws {CallTimeoutError} when no reply came in time, or the target reached the request
   * after its deadline.
   * @throws {UndeliverableError} when the target cannot take the request as it is (it has no
   * handler for it, or cannot decode it), or the reply could not be decoded.
   * @throws {CodecError} when the request cannot be sent.
   * @throws {RangeError} for a timeout that is not a positive number ({@link TypeError} for one
   * that is no number at all).
   * @throws {TypeError} when `target` is no ActorRef, or the reply address of a call or an ask
   * (the sender a Bridge call or an `ask` gives), which answers nothing: reply to it with
   * `send`; when `options` is no object; or once the actor has stopped or a restart replaced
   * this instance (called by code it left behind).
   *
   * @example Ask a shop for its stock from inside another actor
   * ```ts
   * import { Actor, ActorSystem, Bridge, handles, message, type ReplyTo, Request } from "@ringmail/actors";
   * import type { ActorRef } from "@ringmail/actors";
   *
   * @message()
   * export class GetStock extends Request<number[]> {}
   *
   * @message()
   * export class Total extends Request<number> {
   *   constructor(readonly shop: ActorRef<GetStock> | null = null) {
   *     super();
   *   }
   * }
   *
   * export class Shop extends Actor<GetStock> {
   *   static readonly module = import.meta.url;
   *   @handles(GetStock)
   *   onGetStock(_: GetStock, sender: ReplyTo<GetStock>) {
   *     sender?.send([1, 2, 3]);
   *   }
   * }
   *
   * export class Accountant extends Actor<Total> {
   *   static readonly module = import.meta.url;
   *   @handles(Total)
   *   async onTotal(request: Total, sender: ReplyTo<Total>) {
   *     const stock: number[] = await this.context.ask(request.shop!, new GetStock(), {
   *       timeout: 5000,
   *     });
   *     sender?.send(stock.reduce((sum, n) => sum + n, 0));
   *   }
   * }
   *
   * if (import.meta.main) { // a Worker loads this module again for the actors: not there
   *   await using system = new ActorSystem();
   *   using bridge = new Bridge(system);
   *   const shop = system.spawn(Shop);
   *   const accountant = system.spawn(Accountant);
   *   console.log(await bridge.call(accountant, new Total(shop), { timeout: 5000 })); // 6
   * }
   * ```
   */
  ask<T, Q extends T, R extends ReplyOf<Q> = ReplyOf<Q>>(
    target: ActorRef<T>,
    request: Q,
    options?: AskOptions,
  ): Promise<R>;
  /**
   * When `promise` settles, sends this actor `map(value, undefined)` (fulfilled) or
   * `map(undefined, error)` (rejected), through its mailbox like any message: the actor's state
   * is only ever touched by its handlers, never by a promise's callback (Akka's `pipeToSelf`).
   * The message is copied as any message is (it must be one the codec can write). `map` runs
   * when the promise settles, outside any handler: it should only build the message; if it
   * throws, the failure is reported (`system.onFailure`) and nothing is sent.
   *
   * An actor that stopped before the promise settled gets nothing: the message is a dead letter
   * (kind `"stopped"`), like any message sent to it then — where its Worker still runs (a pool's;
   * an actor's own Worker ends with it, and its pending promises with it). One restarted
   * meanwhile (same ref) gets the message in its fresh instance.
   *
   * @example Turn a timer's promise into a message
   * ```ts
   * import { Actor, ActorSystem, Bridge, handles, message, type ReplyTo, Request } from "@ringmail/actors";
   *
   * @message()
   * export class Fetch extends Request<string> {}
   *
   * @message()
   * export class Fetched {
   *   constructor(readonly body = "", readonly failure = "") {}
   * }
   *
   * export class Fetcher extends Actor<Fetch | Fetched> {
   *   static readonly module = import.meta.url;
   *   #asker: ReplyTo<Fetch> = null;
   *   @handles(Fetch)
   *   onFetch(_: Fetch, sender: ReplyTo<Fetch>) {
   *     this.#asker = sender;
   *     const later = new Promise<string>((resolve) => setTimeout(() => resolve("hello"), 10));
   *     this.context.pipeToSelf(
   *       later,
   *       (body, error) => new Fetched(body, error === undefined ? "" : String(error)),
   *     );
   *   }
   *   @handles(Fetched)
   *   onFetched(fetched: Fetched) {
   *     this.#asker?.send(fetched.failure || fetched.body); // state is touched in handlers only
   *   }
   * }
   *
   * if (import.meta.main) {
   *   await using system = new ActorSystem();
   *   using bridge = new Bridge(system);
   *   console.log(await bridge.call(system.spawn(Fetcher), new Fetch(), { timeout: 5000 })); // hello
   * }
   * ```
   * @throws {TypeError} when `promise` has no `then` method, or `map` is no function; or once
   * the actor has stopped or a restart replaced this instance (called by code it left behind: a
   * pipe it set up before the restart still reaches the fresh instance, as said above).
   */
  pipeToSelf<T>(
    promise: PromiseLike<T>,
    map: (value: T | undefined, error: unknown) => NoInfer<M>,
  ): void;
  /**
   * Sends `message` to `target` after `delayMs`, from this actor. The message is encoded now
   * (later changes to it are not sent). The timer runs in this actor's Worker, costs no thread,
   * and is cancelled if the actor stops first.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for a negative or non-finite delay ({@link TypeError}: no number).
   * @throws {CodecError} when the message cannot be sent.
   * @throws {TypeError} when `target` is no ActorRef, or once the actor has stopped or a restart
   * replaced this instance (called by code it left behind).
   */
  sendAfter<T>(
    delayMs: number,
    target: ActorRef<T>,
    message: NoInfer<T>,
  ): Timer;
  /**
   * Sends `message` to `target` every `intervalMs` (the first after `options.initialDelay`,
   * default the interval), from this actor, until cancelled or the actor stops.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for an interval that is not a positive finite number ({@link TypeError}:
   * no number).
   * @throws {CodecError} when the message cannot be sent.
   * @throws {TypeError} when `target` is no ActorRef, or once the actor has stopped or a restart
   * replaced this instance (called by code it left behind).
   */
  sendEvery<T>(
    intervalMs: number,
    target: ActorRef<T>,
    message: NoInfer<T>,
    options?: RepeatOptions,
  ): Timer;
  /**
   * After `ms` without any message, this actor gets a `ReceiveTimeout` message (and again after
   * each further `ms` of quiet); `null` turns it off. One already on its way when a message came
   * first, when it is turned off, or when the actor is restarted (the fresh instance starts with
   * none) is not handled. Turning it off does nothing once the actor has stopped or a restart
   * replaced this instance (the fresh one's is its own).
   * @throws {RangeError} for a duration that is not a positive finite number ({@link TypeError}:
   * no number).
   * @throws {TypeError} once the actor has stopped, or a restart replaced this instance (called
   * by code it left behind), unless it turns the timeout off.
   */
  setReceiveTimeout(ms: number | null): void;
  /**
   * Changes how the actor handles its messages (Akka's become): from now on every message that
   * would go to a handler (or be a dead letter for want of one) goes to
   * `behavior(message, sender)` instead — `this` is the actor, and an async behaviour is awaited
   * like an async handler (the next message waits). That includes a watched actor's `Terminated`
   * and `ReceiveTimeout`; the system's own messages (`Stop`, a child's failure or end) work as
   * before. `discardOld: false` keeps the current behaviour under the new one, for
   * {@link unbecome} to go back to. A restart drops every behaviour: the fresh instance starts
   * with its handlers.
   *
   * @example A switch that answers "on" and "off" in turn
   * ```ts
   * import { Actor, type ActorRef, ActorSystem, Bridge, handles } from "@ringmail/actors";
   *
   * export class Switch extends Actor<string> {
   *   static readonly module = import.meta.url;
   *   @handles(String)
   *   onFlip(_: string, sender: ActorRef | null) {
   *     sender?.send("on");
   *     this.context.become((_next: string, from) => {
   *       from?.send("off");
   *       this.context.unbecome(); // back to the handlers
   *     });
   *   }
   * }
   *
   * if (import.meta.main) {
   *   await using system = new ActorSystem();
   *   using bridge = new Bridge(system);
   *   const light = system.spawn(Switch);
   *   for (let i = 0; i < 3; i++) console.log(await bridge.call(light, "flip", { timeout: 5000 }));
   *   // on, off, on
   * }
   * ```
   * @throws {TypeError} when `behavior` is not a function or `options` no object, or once the
   * actor has stopped or a restart replaced this instance (called by code it left behind).
   */
  become(
    behavior: (message: M, sender: ActorRef<unknown> | null) => unknown,
    options?: BecomeOptions,
  ): void;
  /**
   * Goes back to the behaviour before the current one (see {@link become}), or to the handlers;
   * does nothing when no behaviour is set, or once the actor has stopped or a restart replaced
   * this instance.
   */
  unbecome(): void;
  /**
   * Sets the message being handled aside, with its sender, for {@link unstashAll} to put back
   * (Akka's Stash). Only for an actor whose class says how many messages it may hold:
   * `static readonly stashCapacity = 100`. A stashed message no longer expires (its deadline was
   * met when it reached the handler). If the actor stops, what it holds becomes dead letters
   * (kind `"stopped"`); a restart keeps it and puts it back in front of the mailbox, for the
   * fresh instance to handle first (Akka classic's default).
   *
   * @example A door that keeps visitors waiting until it opens
   * ```ts
   * import { Actor, type ActorRef, ActorSystem, Bridge, handles } from "@ringmail/actors";
   *
   * export class Door extends Actor<string> {
   *   static readonly module = import.meta.url;
   *   static readonly stashCapacity = 100;
   *   @handles(String)
   *   onClosed(text: string) {
   *     if (text !== "open") return this.context.stash();
   *     this.context.become((visitor: string, sender: ActorRef | null) => {
   *       sender?.send(`welcome, ${visitor}`);
   *     });
   *     this.context.unstashAll(); // first in line: the visitors who waited, in order
   *   }
   * }
   *
   * if (import.meta.main) {
   *   await using system = new ActorSystem();
   *   using bridge = new Bridge(system);
   *   const door = system.spawn(Door);
   *   const ann = bridge.call(door, "Ann", { timeout: 5000 }); // stashed: the door is closed
   *   door.send("open");
   *   console.log(await ann); // welcome, Ann
   * }
   * ```
   * @throws {StashOverflowError} when the stash holds `stashCapacity` messages already.
   * @throws {TypeError} outside a handler or behaviour (preStart, a timer), for a message
   * stashed already, for an actor whose class declares no `stashCapacity`, or once the actor
   * has stopped or a restart replaced this instance (called by code it left behind).
   */
  stash(): void;
  /**
   * Puts every stashed message back in front of the mailbox, in the order stashed: they are
   * handled before anything else waiting (Akka's unstashAll). Does nothing when none is stashed,
   * or once the actor has stopped (its stash was dropped as dead letters) or a restart replaced
   * this instance (the restart put its stash back already).
   */
  unstashAll(): void;
  /**
   * Stops this actor once the message being handled is done (an async handler: once it
   * settles), ahead of whatever waits in its mailbox — unlike `this.self.send(new Stop())`,
   * which waits its turn. `postStop` runs, children stop, what is left in the mailbox becomes
   * dead letters, watchers get `Terminated` ("stopped itself"). Does nothing once the actor has
   * stopped, or a restart replaced this instance: it has ended already, and the fresh one is not
   * its to stop.
   */
  stop(): void;
}
