/**
 * Behaviours (Akka's `become` / `unbecome`): functions that take an actor's messages instead of
 * its handlers, kept as a stack so that `unbecome` goes back to the one before.
 *
 * @module
 */

import type { BecomeOptions } from "./actor.ts";
import type { ActorRef } from "./actor_ref.ts";
import { isAsyncFunction } from "./async_actor.ts";
import { describeValue } from "../util/describe_value.ts";

/** A behaviour set with `become`. */
export interface Behavior {
  readonly call: (
    message: unknown,
    sender: ActorRef<unknown> | null,
  ) => unknown;
  /** Whether it is an `async` function (its actor is then kept across its awaits). */
  readonly isAsync: boolean;
}

/** The behaviours one actor set, the current one last. Made on its first `become`. */
export class Behaviors {
  readonly #stack: Behavior[] = [];

  /**
   * Makes `behavior` the current one, in place of the current one or on top of it.
   * @returns the new current behaviour.
   * @throws {TypeError} when `behavior` is not a function, or `options` no object.
   */
  become(
    behavior: (message: unknown, sender: ActorRef<unknown> | null) => unknown,
    options: BecomeOptions,
  ): Behavior {
    if (typeof behavior !== "function") {
      throw new TypeError(
        `become takes a function (message, sender) => ..., got ${typeof behavior}`,
      );
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `become's options must be an object ({ discardOld }), got ${describeValue(options)}`,
      );
    }
    const entry: Behavior = {
      call: behavior,
      isAsync: isAsyncFunction(behavior),
    };
    const stack = this.#stack;
    if ((options.discardOld ?? true) && stack.length > 0) {
      stack[stack.length - 1] = entry;
    } else stack.push(entry);
    return entry;
  }

  /** Drops the current behaviour; returns the one now current (`null`: the handlers). */
  unbecome(): Behavior | null {
    const stack = this.#stack;
    stack.pop();
    return stack.length === 0 ? null : stack[stack.length - 1];
  }
}
