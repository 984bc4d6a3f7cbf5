/**
 * Errors that cross threads: what a handler throws may hold anything (functions, cycles,
 * unregistered classes), so failures travel as plain copies that the codec can always write —
 * but ringmail's own errors whose classes are registered, which keep their class.
 *
 * @module
 */

import { RingmailError } from "../errors.ts";
import { messageName } from "../codec/mod.ts";

/** How many causes deep a copy goes: a cycle of causes (or a very long chain) stops there. */
const MAX_CAUSES = 8;

/**
 * A copy of a thrown value that the codec can always carry: name, message, stack, and its
 * `cause` chain copied the same way (the root cause is often the one that says what to do).
 * A ringmail error of a registered class (see src/system/errors.ts) stays of its class, with its
 * own fields: `instanceof ActorKilledError` holds wherever it arrives.
 */
export function portableError(error: unknown, depth = 0): Error {
  if (!(error instanceof Error)) {
    return new Error(`a non-Error value was thrown: ${String(error)}`);
  }
  const ownClass = error instanceof RingmailError && messageName(error.constructor) !== undefined;
  const copy: Error = ownClass ? Object.create(Object.getPrototypeOf(error)) : new Error();
  if (ownClass) {
    // Its own fields (a kind, a path) are data the codec writes; its cause is copied below.
    for (const key of Object.keys(error)) {
      (copy as unknown as Record<string, unknown>)[key] =
        (error as unknown as Record<string, unknown>)[key];
    }
  }
  Object.defineProperty(copy, "message", {
    value: error.message,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  copy.name = error.name;
  copy.stack = error.stack;
  if (error.cause !== undefined && depth < MAX_CAUSES) {
    copy.cause = portableError(error.cause, depth + 1);
  }
  return copy;
}

/** `Name: message` of a thrown value, for reasons and logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The message of a thrown value (its text for a non-Error), for a reason that goes on to say
 * what the error was, where the error's name would only repeat what the sentence says.
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
