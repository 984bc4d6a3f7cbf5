/**
 * `Actor`: the base class of every actor. An actor is an object that handles one message at a
 * time, in the order each sender sent them, in its own Worker (or one shared with other actors).
 *
 * @module
 */

import { ActorNotStartedError, type ActorRef } from "./actor_ref.ts";
import type { Stop } from "./messages.ts";
import type { RepeatOptions, Timer } from "./timers.ts";

/**
 * An actor class that can be spawned: it extends `Actor` and says where its module is, with
 * `static readonly module = import.meta.url`, so its Worker can load it.
 */
// deno-lint-ignore no-explicit-any
export type ActorClass<A extends Actor<any> = Actor<any>> = (new (...args: any[]) => A) & {
  /** The URL of the module that exports the class: `import.meta.url` in that module. */
  readonly module: string;
};

/** Options of {@link Actor.spawnWith}: how to start a child. */
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
}

/** A message taken with {@link Actor.receive}, with who sent it. */
export interface Received<M = unknown> {
  /** The message. */
  readonly message: M;
  /** Its sender; `null` when it was sent from outside any actor. */
  readonly sender: ActorRef<unknown> | null;
}

/** What the runtime gives an actor while it runs. */
export interface ActorContext {
  /** The actor's own ref. */
  readonly self: ActorRef<unknown>;
  /** The actor's name, for logs and errors (the class name unless spawn gave another). */
  readonly name: string;
  /** Waits (blocking the Worker) for the actor's next message; see {@link Actor.receive}. */
  receive(timeoutMs: number): Received | null;
  /** See {@link Actor.sendAfter}. */
  sendAfter(delayMs: number, target: ActorRef<unknown>, message: unknown): Timer;
  /** See {@link Actor.sendEvery}. */
  sendEvery(
    intervalMs: number,
    target: ActorRef<unknown>,
    message: unknown,
    options?: RepeatOptions,
  ): Timer;
  /** See {@link Actor.setReceiveTimeout}. */
  setReceiveTimeout(ms: number | null): void;
  /** See {@link Actor.spawnWith}. */
  spawnChild(actorClass: ActorClass, options: ChildOptions, args: unknown[]): ActorRef<unknown>;
  /** See {@link Actor.watch}. */
  watch(target: ActorRef<unknown>): void;
  /** See {@link Actor.unwatch}. */
  unwatch(target: ActorRef<unknown>): void;
  /** See {@link Actor.parent}. */
  readonly parent: ActorRef<unknown> | null;
  /** See {@link Actor.children}. */
  readonly children: readonly ActorRef<unknown>[];
}

/** The context of the actor being constructed: the base constructor picks it up. */
let constructing: ActorContext | null = null;

/** @internal Constructs an actor of `actorClass` whose `self`, `name`, `receive` use `context`. */
export function constructActor<A extends Actor<unknown>>(
  actorClass: new (...args: never[]) => A,
  args: readonly unknown[],
  context: ActorContext,
): A {
  const previous = constructing;
  constructing = context;
  try {
    return new actorClass(...(args as never[]));
  } finally {
    constructing = previous;
  }
}

/**
 * The base class of actors. Subclass it, mark handler methods with `@handles(Type)`, say once
 * where the class's module is (`static readonly module = import.meta.url`) and spawn it with
 * `system.spawn(Class, ...args)`: the constructor runs in the actor's Worker, with the arguments
 * carried there by the codec.
 *
 * @typeParam M the messages the actor accepts: the ref that spawn returns only takes these (and
 * `Stop`, which every actor accepts). An actor with an `OtherMessage` handler takes `unknown`.
 *
 * @example The seed's Worker: doubles numbers and sends them to the right warehouse
 * ```ts
 * import { Actor, type ActorRef, ActorSystem, Bridge, handles, message } from "@ringmail/actors";
 *
 * @message()
 * export class Task {
 *   constructor(readonly value = 0) {}
 * }
 *
 * export class Doubler extends Actor<Task> {
 *   static readonly module = import.meta.url;
 *   @handles(Task)
 *   onTask(task: Task, sender: ActorRef | null) {
 *     sender?.send(task.value * 2);
 *   }
 * }
 *
 * if (import.meta.main) {
 *   await using system = new ActorSystem();
 *   using bridge = new Bridge(system);
 *   const doubler = system.spawn(Doubler);
 *   console.log(await bridge.call(doubler, new Task(21), { timeout: 5000 })); // 42
 * }
 * ```
 */
export abstract class Actor<M = unknown> {
  readonly #context: ActorContext | null;

  /** Binds the actor to the runtime that is constructing it (none when made with `new`). */
  constructor() {
    this.#context = constructing;
  }

  /**
   * This actor's own ref: give it to others so they can send to it.
   * @throws {ActorNotStartedError} when the actor was made with `new` instead of spawned.
   */
  get self(): ActorRef<M | Stop> {
    return this.#started().self as ActorRef<M | Stop>;
  }

  /**
   * The actor's name: its class name, or the name given at spawn.
   * @throws {ActorNotStartedError} when the actor was made with `new` instead of spawned.
   */
  get name(): string {
    return this.#started().name;
  }

  /**
   * Sends `message` to this actor itself (through its mailbox, after what is already there).
   * @throws {ActorNotStartedError} when the actor was made with `new` instead of spawned.
   */
  send(message: M): void {
    this.#started().self.send(message);
  }

  /**
   * Waits for this actor's next message and returns it with its sender, instead of letting it
   * go to a handler: the seed's "react loop" style, for use inside a handler. Blocks the actor's
   * Worker while it waits (other actors sharing the Worker wait too).
   *
   * @param timeoutMs how long to wait, in milliseconds. Default: forever.
   * @returns the next message and its sender, or `null` when the timeout passed first. A `Stop`
   * is returned like any message: the handler decides what to do with it.
   * @throws {ActorNotStartedError} when the actor was made with `new` instead of spawned.
   */
  protected receive(timeoutMs: number = Infinity): Received | null {
    return this.#started().receive(timeoutMs);
  }

  /**
   * Sends `message` to `target` after `delayMs`, from this actor. The message is encoded now
   * (later changes to it are not sent). The timer runs in this actor's Worker, costs no thread,
   * and is cancelled if the actor stops first.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for a negative or non-finite delay.
   * @throws {CodecError} when the message cannot be sent.
   */
  protected sendAfter<T>(delayMs: number, target: ActorRef<T>, message: NoInfer<T>): Timer {
    return this.#started().sendAfter(delayMs, target as ActorRef<unknown>, message);
  }

  /**
   * Sends `message` to `target` every `intervalMs` (the first after `options.initialDelay`,
   * default the interval), from this actor, until cancelled or the actor stops.
   * @returns the timer, to cancel it.
   * @throws {RangeError} for an interval that is not a positive finite number.
   * @throws {CodecError} when the message cannot be sent.
   */
  protected sendEvery<T>(
    intervalMs: number,
    target: ActorRef<T>,
    message: NoInfer<T>,
    options?: RepeatOptions,
  ): Timer {
    return this.#started().sendEvery(intervalMs, target as ActorRef<unknown>, message, options);
  }

  /**
   * After `ms` without any message, this actor gets a `ReceiveTimeout` message (and again after
   * each further `ms` of quiet); `null` turns it off.
   * @throws {RangeError} for a duration that is not a positive finite number.
   */
  protected setReceiveTimeout(ms: number | null): void {
    this.#started().setReceiveTimeout(ms);
  }

  /**
   * Starts a child of this actor: like `system.spawn`, and the child is supervised by this
   * actor's class (its `static readonly supervision`, see `SupervisionStrategy`): when a
   * handler of the child throws, that strategy resumes, restarts, stops it, or escalates the
   * failure to this actor. Children stop when their parent stops or restarts.
   *
   * @param actorClass an exported subclass of `Actor` with `static readonly module = import.meta.url`.
   * @param args the constructor's arguments; they travel to the child's Worker through the codec.
   * @returns the child's ref, at once; messages sent before it runs wait in its mailbox.
   * @throws {TypeError} when `actorClass` is not an actor class with a `module`.
   * @throws {CodecError} when an argument cannot be sent.
   * @throws {ActorNotStartedError} when the actor was made with `new` instead of spawned.
   *
   * @example A parent that restarts its failing worker child
   * ```ts
   * import { Actor, handles, type SupervisionStrategy } from "@ringmail/actors";
   *
   * export class Fragile extends Actor<string> {
   *   static readonly module = import.meta.url;
   *   @handles(String)
   *   onText(text: string) {
   *     if (text === "bad") throw new Error("cannot handle bad input");
   *   }
   * }
   *
   * export class Boss extends Actor<string> {
   *   static readonly module = import.meta.url;
   *   static readonly supervision: SupervisionStrategy = { onFailure: "restart" };
   *   readonly #worker = this.spawn(Fragile);
   *   @handles(String)
   *   onText(text: string) {
   *     this.#worker.send(text);
   *   }
   * }
   * ```
   */
  protected spawn<C extends ActorClass>(
    actorClass: C,
    ...args: ConstructorParameters<C>
  ): ActorRef<MessagesOf<InstanceType<C>>> {
    return this.#started().spawnChild(actorClass, {}, args) as ActorRef<
      MessagesOf<InstanceType<C>>
    >;
  }

  /**
   * {@link spawn} with options: a name, a place (`near`), a mailbox size, a send timeout.
   *
   * @param actorClass an exported subclass of `Actor` with `static readonly module = import.meta.url`.
   * @param options the child's options.
   * @param args the constructor's arguments.
   * @returns the child's ref.
   * @throws {TypeError} when `actorClass` is not an actor class with a `module`.
   * @throws {RangeError} when an option is out of range.
   * @throws {CodecError} when an argument cannot be sent.
   */
  protected spawnWith<C extends ActorClass>(
    actorClass: C,
    options: ChildOptions,
    ...args: ConstructorParameters<C>
  ): ActorRef<MessagesOf<InstanceType<C>>> {
    return this.#started().spawnChild(actorClass, options, args) as ActorRef<
      MessagesOf<InstanceType<C>>
    >;
  }

  /**
   * Watches `target`: when it ends (stops, fails for good, fails to start, or its Worker
   * dies) this actor gets one `Terminated` message for it. Watching an actor that has already
   * ended gets `Terminated` at once (kind `"not-running"`). Watching twice is watching once.
   * @throws {TypeError} when `target` is this actor itself, or belongs to another system.
   */
  protected watch(target: ActorRef<never>): void {
    this.#started().watch(target as ActorRef<unknown>);
  }

  /** Stops watching `target`: no `Terminated` for it arrives after this, even one on its way. */
  protected unwatch(target: ActorRef<never>): void {
    this.#started().unwatch(target as ActorRef<unknown>);
  }

  /**
   * The actor that spawned this one and supervises it; `null` for an actor spawned by the
   * system (its supervisor is then the system's strategy).
   */
  get parent(): ActorRef<unknown> | null {
    return this.#started().parent;
  }

  /** This actor's children that have not ended (as far as it has heard). */
  get children(): readonly ActorRef<unknown>[] {
    return this.#started().children;
  }

  /** Called once after the constructor, before the first message (may be async). */
  onStart?(): void | Promise<void>;

  /** Called when the actor stops, before it answers `Stopped` (may be async). */
  onStop?(): void | Promise<void>;

  #started(): ActorContext {
    if (this.#context === null) {
      throw new ActorNotStartedError(
        `${this.constructor.name} was made with new, not spawned: it has no mailbox; spawn it ` +
          `with system.spawn(${this.constructor.name}) and send through the ref spawn returns`,
      );
    }
    return this.#context;
  }
}

/** The messages an actor class accepts (its `M`), plus `Stop`. */
export type MessagesOf<A> = A extends Actor<infer M> ? M | Stop : never;
