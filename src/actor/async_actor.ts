/**
 * The actor instance an async handler (or hook, or behaviour) belongs to, kept across its awaits:
 * sends after an await still have the actor as their implicit sender, and `stop()` still knows it
 * is called from inside the actor — as long as that instance is the actor's: what it left behind
 * sends as no one once a restart replaced it, so that no reply to it reaches the fresh instance.
 *
 * Node's `AsyncLocalStorage` does the keeping, and importing `node:async_hooks` costs a Worker
 * ~3 ms as it starts (a third of what a bare Deno Worker costs to start). Most actors have no
 * async handler, so it is loaded only for a class that has one, before its actor starts
 * ({@link prepareFor}); otherwise when a thread first runs an async function (a behaviour set
 * with `become`), which then waits for the import (its cell busy meanwhile, as for any async
 * handler).
 *
 * @module
 */

import type { AsyncLocalStorage } from "node:async_hooks";
import { type ActorRef, setAsyncSender } from "./actor_ref.ts";

/**
 * Whom async code runs as: an actor instance's context, which names its actor as the implicit
 * sender while the instance is the actor's, and no one once a restart replaced it (see
 * instance_context.ts).
 */
export interface AsyncRunner {
  readonly implicitSender: ActorRef<unknown> | null;
}

let storage: AsyncLocalStorage<AsyncRunner> | null = null;
let loading: Promise<void> | null = null;

/** Loads the storage (once per thread) and makes it how sends find their async actor. */
function load(): Promise<void> {
  return loading ??= import("node:async_hooks").then(
    ({ AsyncLocalStorage }) => {
      const actors = new AsyncLocalStorage<AsyncRunner>();
      setAsyncSender(() => actors.getStore()?.implicitSender);
      storage = actors;
    },
  );
}

/**
 * Loads the storage now, before an actor of `actorClass` starts, if the class has an async
 * method (a handler or hook): its first async handler then runs at once, as the later ones do.
 */
export function prepareFor(
  actorClass: { prototype: object },
): Promise<void> | undefined {
  if (storage !== null) return undefined;
  for (
    let proto: object | null = actorClass.prototype;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const value = Object.getOwnPropertyDescriptor(proto, key)!.value;
      if (isAsyncFunction(value)) return load();
    }
  }
  return undefined;
}

/**
 * Runs the async function behind `run` as `runner`'s (an instance's context), through every
 * await. Returns what `run` returns (a promise); before the thread's first async function, a
 * promise of it, once loaded.
 */
export function runAsActor(
  runner: AsyncRunner,
  run: () => unknown,
): unknown {
  if (storage !== null) return storage.run(runner, run);
  return load().then(() => storage!.run(runner, run));
}

const AsyncFunction = (async () => {}).constructor;

/** Whether `fn` is an `async` function: what {@link runAsActor} is for. */
export function isAsyncFunction(fn: unknown): boolean {
  return fn instanceof AsyncFunction;
}
