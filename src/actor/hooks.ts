/**
 * Running an actor's lifecycle hooks (`preStart`, `postStop`) for its cell: as the actor (its
 * implicit sender, kept across an async hook's awaits), with what a hook throws handed back as a
 * value, since a hook's failure is its cell's to handle, not to throw.
 *
 * @module
 */

import type { Actor } from "./actor.ts";
import { type ActorRef, swapCurrentSender } from "./actor_ref.ts";
import { type AsyncRunner, isAsyncFunction, runAsActor } from "./async_actor.ts";

/** What a hook threw, as a value. */
export class Failure {
  constructor(readonly error: unknown) {}
}

/**
 * Runs `actor`'s hook `name` if it has one: undefined when it is missing or returned, a Failure
 * when it threw, a promise (of undefined or a Failure) when it is async. `runner`: the instance's
 * context, which its async hook runs as.
 */
export function runHook(
  actor: Actor<unknown> | null,
  name: "preStart" | "postStop",
  self: ActorRef<unknown>,
  runner: AsyncRunner,
): Failure | Promise<Failure | undefined> | undefined {
  const hook = actor?.[name];
  if (typeof hook !== "function") return undefined;
  const previous = swapCurrentSender(self);
  let result: unknown;
  try {
    result = isAsyncFunction(hook) ? runAsActor(runner, () => hook.call(actor)) : hook.call(actor);
  } catch (error) {
    return new Failure(error);
  } finally {
    swapCurrentSender(previous);
  }
  if (!isThenable(result)) return undefined;
  return Promise.resolve(result).then(
    () => undefined,
    (error) => new Failure(error),
  );
}

/** Whether `value` is a promise, or looks like one: what an async handler or hook returns. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function";
}
