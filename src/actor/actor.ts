/**
 * `Actor`: the base class of every actor. An actor is an object that handles one message at a
 * time, in the order each sender sent them, in its own Worker (or one shared with other actors).
 *
 * @module
 */

import { ActorNotStartedError, type ActorRef } from "./actor_ref.ts";
import { ActorDefinitionError } from "./errors.ts";
import type { Stop } from "./messages.ts";
import type { ActorContext } from "./actor_context.ts";

export type {
  ActorContext,
  AskOptions,
  BecomeOptions,
  ChildOptions,
  Received,
} from "./actor_context.ts";

/**
 * An actor class that can be spawned: it extends `Actor` and says where its module is, with
 * `static readonly module = import.meta.url`, so its Worker can load it.
 */
// deno-lint-ignore no-explicit-any
export type ActorClass<A extends Actor<any> = Actor<any>> =
  // deno-lint-ignore no-explicit-any
  & (new (...args: any[]) => A)
  & {
    /** The URL of the module that exports the class: `import.meta.url` in that module. */
    readonly module: string;
  };

/** The context of the actor being constructed: the base constructor picks it up. */
let constructing: ActorContext<unknown> | null = null;

/** @internal Constructs an actor of `actorClass` whose `self` and `context` are `context`'s. */
export function constructActor<A extends Actor<unknown>>(
  actorClass: new (...args: never[]) => A,
  args: readonly unknown[],
  context: ActorContext<unknown>,
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
 * A class that stashes messages (see {@link ActorContext.stash}) says how many it may hold:
 * `static readonly stashCapacity = 1000`.
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
  readonly #context: ActorContext<M> | null;

  /** Binds the actor to the runtime that is constructing it (none when made with `new`). */
  constructor() {
    this.#context = constructing as ActorContext<M> | null;
  }

  /**
   * This actor's own ref: give it to others so they can send to it.
   * @throws {ActorNotStartedError} when the actor was made with `new` instead of spawned.
   */
  get self(): ActorRef<M | Stop> {
    return this.context.self;
  }

  /**
   * What the runtime gives this actor: its name, parent and children, spawning, watching,
   * timers, a blocking receive, stopping itself. See {@link ActorContext}. Each instance has its
   * own: once a restart replaced this instance, it reaches nothing of the fresh one.
   * @throws {ActorNotStartedError} when the actor was made with `new` instead of spawned.
   */
  get context(): ActorContext<M> {
    const context = this.#context;
    if (context === null) {
      throw new ActorNotStartedError(
        `${this.constructor.name} was made with new, not spawned: it has no mailbox; spawn it ` +
          `with system.spawn(${this.constructor.name}) and send through the ref spawn returns`,
      );
    }
    return context;
  }

  /**
   * Called once after the constructor, before the first message (may be async); again after
   * each restart. If it throws, the actor failed to start.
   */
  preStart?(): void | Promise<void>;

  /** Called when the actor stops, and before a restart, before it answers `Stopped` (may be async). */
  postStop?(): void | Promise<void>;
}

/** Actor classes whose members were checked (see {@link checkActorMembers}). */
const checkedClasses = new WeakSet<object>();

/**
 * @internal Fails when an actor class, or an instance just constructed, hides `self` or
 * `context` (a method, getter or field by that name): the runtime could no longer reach the
 * actor's ref and context. Classes are checked once; instances for their own fields.
 * @throws {ActorDefinitionError} naming the member to rename.
 */
export function checkActorMembers(actor: object): void {
  const proto = Object.getPrototypeOf(actor);
  for (const name of ["self", "context"]) {
    if (Object.hasOwn(actor, name)) {
      throw hidden(proto.constructor, name, "a field");
    }
  }
  if (checkedClasses.has(proto)) return;
  for (
    let p = proto;
    p !== null && p !== Actor.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    for (const name of ["self", "context"]) {
      if (Object.hasOwn(p, name)) throw hidden(p.constructor, name, "a member");
    }
  }
  checkedClasses.add(proto);
}

function hidden(
  cls: { name?: string },
  name: string,
  what: string,
): ActorDefinitionError {
  return new ActorDefinitionError(
    `${cls.name ?? "an actor class"} has ${what} named ${name}, which hides the actor's own ` +
      `\`${name}\` (self, context, preStart and postStop are the actor's); rename it`,
  );
}

/** The messages an actor class accepts (its `M`), plus `Stop`. */
export type MessagesOf<A> = A extends Actor<infer M> ? M | Stop : never;
