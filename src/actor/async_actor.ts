/**
 * The actor an async handler (or hook, or behaviour) belongs to, kept across its awaits: sends
 * after an await still have the actor as their implicit sender, and `stop()` still knows it is
 * called from inside the actor.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { type ActorRef, setAsyncSender } from "./actor_ref.ts";

const actors = new AsyncLocalStorage<ActorRef<unknown>>();
setAsyncSender(() => actors.getStore());

/** Runs the async function behind `run` as `self`'s, through every await. */
export function runAsActor(self: ActorRef<unknown>, run: () => unknown): unknown {
  return actors.run(self, run);
}

const AsyncFunction = (async () => {}).constructor;

/** Whether `fn` is an `async` function: what {@link runAsActor} is for. */
export function isAsyncFunction(fn: unknown): boolean {
  return fn instanceof AsyncFunction;
}
