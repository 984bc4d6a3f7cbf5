/**
 * `@handles(Type)`: registers a method of an actor class as the handler of one message class.
 *
 * Handlers are recorded in the class's decorator metadata, one list per class. The table an
 * actor dispatches with is built once per actor class, the first time it is needed: from the
 * root class down to the actor's own class, so a subclass inherits its parents' handlers and
 * overrides them by handling the same type (the seed's `makeHandles`, with no boilerplate).
 *
 * @module
 */

import type { ClassInfo } from "../codec/mod.ts";
import type { Actor } from "./actor.ts";
import type { ActorRef } from "./actor_ref.ts";
import { isAsyncFunction } from "./async_actor.ts";
import { ActorDefinitionError } from "./errors.ts";
import { OtherMessage, Stop } from "./messages.ts";

/** A class whose instances an actor can handle (builtins such as `Number` included). */
// deno-lint-ignore no-explicit-any
export type MessageType<T = unknown> = abstract new (...args: any[]) => T;

/** The signature of a handler of messages of type `T`. */
export type Handler<T> = (
  message: T,
  sender: ActorRef<unknown> | null,
) => unknown;

/**
 * What `@handles(Type)` returns: a decorator for a method that handles `T`, an instance method of
 * an actor class (a static one is refused by the compiler, and with a `TypeError` when the class
 * is defined; one of a class that is no `Actor`, which would never be called, by the compiler).
 */
export type HandlerDecorator<T> = <This extends Actor<unknown>>(
  method: (this: This, message: T, sender: ActorRef<unknown> | null) => unknown,
  context: ClassMethodDecoratorContext<This> & { readonly static: false },
) => void;

const HANDLERS: unique symbol = Symbol("ringmail.handlers");

/**
 * The members every actor has from its base class: a handler (or any member) by one of these
 * names would take the runtime's place. Everything else an actor can do is in `this.context`.
 */
export const RESERVED_NAMES: ReadonlySet<string | symbol> = new Set([
  "self",
  "context",
  "preStart",
  "postStop",
  "constructor",
]);
const RESERVED_NAMES_TEXT = "self, context, preStart and postStop";

interface HandlerEntry {
  type: MessageType | typeof OtherMessage | BigIntConstructor;
  key: string | symbol;
}

interface Metadata {
  [HANDLERS]?: HandlerEntry[];
}

/** `@handles(Number)`: the handler takes numbers. */
export function handles(type: NumberConstructor): HandlerDecorator<number>;
/** `@handles(String)`: the handler takes strings. */
export function handles(type: StringConstructor): HandlerDecorator<string>;
/** `@handles(Boolean)`: the handler takes booleans. */
export function handles(type: BooleanConstructor): HandlerDecorator<boolean>;
/** `@handles(BigInt)`: the handler takes bigints. */
export function handles(type: BigIntConstructor): HandlerDecorator<bigint>;
/**
 * `@handles(Array)`: the handler takes arrays, of the element type it declares (which its
 * actor's `M` names: `onList(list: number[])`).
 */
export function handles(type: ArrayConstructor): <This extends Actor<unknown>, E>(
  method: (this: This, message: E[], sender: ActorRef<unknown> | null) => unknown,
  context: ClassMethodDecoratorContext<This> & { readonly static: false },
) => void;
/** `@handles(Map)`: the handler takes maps, of the key and value types it declares. */
export function handles(type: MapConstructor): <This extends Actor<unknown>, K, V>(
  method: (this: This, message: Map<K, V>, sender: ActorRef<unknown> | null) => unknown,
  context: ClassMethodDecoratorContext<This> & { readonly static: false },
) => void;
/** `@handles(Set)`: the handler takes sets, of the element type it declares. */
export function handles(type: SetConstructor): <This extends Actor<unknown>, E>(
  method: (this: This, message: Set<E>, sender: ActorRef<unknown> | null) => unknown,
  context: ClassMethodDecoratorContext<This> & { readonly static: false },
) => void;
/**
 * Marks a method as the handler of messages of class `type` (and of its subclasses, unless they
 * have a handler of their own). `@handles(OtherMessage)` receives every message that has no
 * handler: other classes and plain values. Primitive values dispatch by their wrapper class, so
 * `@handles(Number)` receives numbers and `@handles(Array)` arrays. One handler per class per
 * actor class; a subclass may override its parent's.
 *
 * A handler gets the message and its sender (`null` when sent from outside any actor). An async
 * handler (one that returns a promise) finishes before the actor's next message starts.
 *
 * @param type the message class to handle, or {@link OtherMessage}.
 * @returns the method decorator.
 * @throws {ActorDefinitionError} (when the class is defined) if a class has two handlers for one
 * type, tries to handle `Stop` (use `postStop()`), or names a handler `self`, `context`,
 * `preStart` or `postStop` (the actor's own members).
 *
 * @example
 * ```ts
 * import { Actor, type ActorRef, handles, message, OtherMessage } from "@ringmail/actors";
 *
 * @message()
 * export class Task {
 *   constructor(readonly value = 0) {}
 * }
 *
 * export class Doubler extends Actor<Task | number> {
 *   static readonly module = import.meta.url;
 *   @handles(Task)
 *   onTask(task: Task, sender: ActorRef | null) {
 *     sender?.send(task.value * 2);
 *   }
 *   @handles(OtherMessage)
 *   onOther(message: unknown) {
 *     console.log("ignored", message);
 *   }
 * }
 * ```
 */
export function handles<T>(type: MessageType<T>): HandlerDecorator<T>;
/** `@handles(OtherMessage)`: the handler takes every message that has no handler of its own. */
export function handles(type: typeof OtherMessage): HandlerDecorator<unknown>;
export function handles(
  type: MessageType | typeof OtherMessage | BigIntConstructor,
  // deno-lint-ignore no-explicit-any
): HandlerDecorator<any> {
  if (typeof type !== "function") {
    throw new TypeError(
      `@handles() takes a message class or OtherMessage, got ${describeValue(type)}`,
    );
  }
  if (type === Stop) {
    throw new ActorDefinitionError(
      "@handles(Stop) is not allowed: every actor stops on Stop; put clean-up in postStop()",
    );
  }
  return (_method, context) => {
    if (context.kind !== "method" || context.static) {
      throw new TypeError(
        "@handles() goes on an instance method of an actor class",
      );
    }
    if (RESERVED_NAMES.has(context.name)) {
      throw new ActorDefinitionError(
        `a handler cannot be named ${String(context.name)}: \`${String(context.name)}\` is the ` +
          `actor's own (${RESERVED_NAMES_TEXT} are); give the handler another name, e.g. on` +
          `${type.name}`,
      );
    }
    const metadata = context.metadata as Metadata;
    // The metadata object may inherit the parent class's (per the decorators proposal): keep a
    // list of this class's own.
    let own = Object.hasOwn(metadata, HANDLERS) ? metadata[HANDLERS]! : undefined;
    if (own === undefined) own = metadata[HANDLERS] = [];
    const twin = own.find((entry) => entry.type === type);
    if (twin !== undefined) {
      throw new ActorDefinitionError(
        `${String(context.name)} and ${String(twin.key)} both handle ${type.name}: an actor ` +
          `class has one handler per message class`,
      );
    }
    own.push({ type, key: context.name });
  };
}

function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** A resolved handler: the method of the actor class, and whether it is an async function. */
export interface ResolvedHandler {
  /** The method's name (or symbol) on the actor class. */
  readonly key: string | symbol;
  /** The method, as the actor class defines it (a subclass's override included). */
  readonly method: (
    message: unknown,
    sender: ActorRef<unknown> | null,
  ) => unknown;
  /** Whether it is an `async` function (its sender is then kept across its awaits). */
  readonly isAsync: boolean;
}

/**
 * How instances of one registered message class dispatch in one actor class, resolved once:
 * found by the class's dense index (see ClassInfo.index), where finding the class of a message
 * itself costs a megamorphic property read.
 */
export interface ClassDispatch {
  /** The handler, null when none takes the class (see HandlerTable.lookup). */
  readonly handler: ResolvedHandler | null;
  /** Whether instances are system messages the cell handles itself first (see CONTROL). */
  readonly control: boolean;
}

/**
 * Marks the system messages a cell handles itself before user dispatch: one property load per
 * message of a class dispatch does not know (see ClassDispatch), instead of a chain of
 * instanceof checks.
 */
export const CONTROL: unique symbol = Symbol("ringmail.control");

/** Marks instances of `type` as system messages (see CONTROL). */
export function markControl(type: abstract new (...args: never[]) => unknown): void {
  Object.defineProperty(type.prototype, CONTROL, { value: true });
}

/** The classes primitive messages dispatch by (see classOf): not objects. */
const PRIMITIVE_WRAPPERS: ReadonlySet<unknown> = new Set([Number, String, Boolean, BigInt]);

/** A type no message has: what the lookup cache starts with. */
const NO_TYPE = Symbol("no type");

/** What an actor class dispatches with. */
export class HandlerTable {
  readonly #byType = new Map<unknown, string | symbol>();
  readonly #other: string | symbol | undefined;
  readonly #prototype: Record<string | symbol, unknown>;
  /** Resolved lookups, including subclasses of handled classes and misses. */
  readonly #resolved = new Map<unknown, ResolvedHandler | null>();
  /** The last lookup: actors mostly get one message class after another (spares a Map probe). */
  #lastType: unknown = NO_TYPE;
  #lastHandler: ResolvedHandler | null = null;
  /** Dispatch of registered classes, by ClassInfo.index (holes: not resolved yet). */
  readonly #byClass: (ClassDispatch | undefined)[] = [];

  constructor(actorClass: abstract new (...args: never[]) => unknown) {
    this.#prototype = actorClass.prototype as Record<string | symbol, unknown>;
    const chain: unknown[] = [];
    for (
      let c: unknown = actorClass;
      typeof c === "function" && c !== Function.prototype;
      c = Object.getPrototypeOf(c)
    ) {
      chain.unshift(c);
    }
    let other: string | symbol | undefined;
    for (const cls of chain) {
      const metadata = (cls as { [Symbol.metadata]?: Metadata | null })[Symbol.metadata];
      if (!metadata || !Object.hasOwn(metadata, HANDLERS)) continue;
      for (const { type, key } of metadata[HANDLERS]!) {
        if (type === OtherMessage) other = key;
        else this.#byType.set(type, key);
      }
    }
    this.#other = other;
  }

  /** Whether some handler takes messages that have none of their own. */
  get hasOther(): boolean {
    return this.#other !== undefined;
  }

  /**
   * The handler for a message, or `null` when no handler and no OtherMessage handler takes
   * it. A message whose class has no handler uses the handler of its nearest handled ancestor
   * class, then the OtherMessage handler. Resolved once per message class.
   */
  lookup(message: unknown): ResolvedHandler | null {
    return this.#lookupType(classOf(message));
  }

  /**
   * How a plain instance of the registered class `cls` (one made from its prototype, as the
   * codec's copies are) dispatches: the same handler {@link lookup} finds for it.
   */
  forClass(cls: ClassInfo): ClassDispatch {
    return this.#byClass[cls.index] ?? this.#resolveClass(cls);
  }

  #resolveClass(cls: ClassInfo): ClassDispatch {
    const proto = cls.proto as { constructor?: unknown; [CONTROL]?: true };
    // What classOf answers for an instance (read once: a prototype's constructor stays put).
    const dispatch: ClassDispatch = {
      handler: this.#lookupType(proto.constructor ?? Object),
      control: proto[CONTROL] === true,
    };
    this.#byClass[cls.index] = dispatch;
    return dispatch;
  }

  #lookupType(type: unknown): ResolvedHandler | null {
    if (type === this.#lastType) return this.#lastHandler;
    let handler = this.#resolved.get(type);
    if (handler === undefined) {
      const key = this.#resolve(type);
      handler = key === null ? null : this.#handler(key);
      this.#resolved.set(type, handler);
    }
    this.#lastType = type;
    this.#lastHandler = handler;
    return handler;
  }

  #handler(key: string | symbol): ResolvedHandler {
    const method = this.#prototype[key] as ResolvedHandler["method"];
    return { key, method, isAsync: isAsyncFunction(method) };
  }

  #resolve(type: unknown): string | symbol | null {
    for (let c = type; typeof c === "function"; c = Object.getPrototypeOf(c)) {
      const key = this.#byType.get(c);
      if (key !== undefined) return key;
    }
    // Every class's instances are objects, but the chain of its constructors ends at
    // Function.prototype, never at Object: a handler of Object takes them, as `instanceof` says.
    // Not the primitives, which dispatch by their wrappers' classes.
    if (typeof type === "function" && !PRIMITIVE_WRAPPERS.has(type)) {
      const key = this.#byType.get(Object);
      if (key !== undefined) return key;
    }
    return this.#other ?? null;
  }
}

const tables = new WeakMap<object, HandlerTable>();

/** The handler table of an actor class, built on first use. */
export function handlerTable(
  actorClass: abstract new (...args: never[]) => unknown,
): HandlerTable {
  let table = tables.get(actorClass);
  if (table === undefined) {
    table = new HandlerTable(actorClass);
    tables.set(actorClass, table);
  }
  return table;
}

/** The class a message dispatches by: its constructor, or the wrapper of a primitive. */
export function classOf(message: unknown): unknown {
  switch (typeof message) {
    case "object":
      if (message === null) return null;
      return Object.getPrototypeOf(message)?.constructor ?? Object;
    case "number":
      return Number;
    case "string":
      return String;
    case "boolean":
      return Boolean;
    case "bigint":
      return BigInt;
    default:
      return undefined;
  }
}
