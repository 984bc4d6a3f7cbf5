/**
 * Errors that cross threads: what a handler throws may hold anything (functions, cycles,
 * unregistered classes), so failures travel as plain copies that the codec can always write —
 * of their own class for ringmail's own errors, known by name in every thread — except an error
 * of a class the program registered, which goes as itself when the codec can write it.
 *
 * @module
 */

import { RingmailError } from "../errors.ts";
import { encode, knownErrorClass, messageName } from "../codec/mod.ts";

/** How many causes deep a copy goes: a cycle of causes (or a very long chain) stops there. */
const MAX_CAUSES = 8;

/**
 * A copy of a thrown value that the codec can always carry: name, message, stack, and its
 * `cause` chain copied the same way (the root cause is often the one that says what to do).
 * A ringmail error of a class known by name (see src/system/errors.ts) stays of its class — a
 * real error all the same, with its own fields of primitive values — and arrives so wherever it
 * goes. An error of a class the program registered (`@message()`, `registerMessage`) goes as
 * itself, fields and all, when the codec can write it (as docs/codec.md promises of such a class):
 * a program's `OutOfStock` then arrives an `OutOfStock`, `instanceof` and `sku` included, not an
 * `Error` named so; one the codec cannot write (a field holding a function, say) is copied.
 */
export function portableError(error: unknown, depth = 0): Error {
  if (!(error instanceof Error)) {
    return new Error(`a non-Error value was thrown: ${String(error)}`);
  }
  if (messageName(error.constructor) !== undefined && writable(error)) return error;
  const known = error instanceof RingmailError ? knownErrorClass(error.name) : undefined;
  const ownClass = known !== undefined && error.constructor === known;
  const copy: Error = ownClass
    ? Reflect.construct(Error, [error.message], known)
    : new Error(error.message);
  if (ownClass) {
    // Its own data fields of primitive values (an UndeliverableError's kind) travel with it; no
    // getter runs (one that throws must not make the copy fail).
    for (const key of Object.keys(error)) {
      const descriptor = Object.getOwnPropertyDescriptor(error, key);
      if (descriptor === undefined || !("value" in descriptor)) continue;
      const value = descriptor.value;
      if (value === null || (typeof value !== "object" && typeof value !== "function")) {
        (copy as unknown as Record<string, unknown>)[key] = value;
      }
    }
  }
  copy.name = error.name;
  copy.stack = error.stack;
  if (error.cause !== undefined && depth < MAX_CAUSES) {
    copy.cause = portableError(error.cause, depth + 1);
  }
  return copy;
}

/** Whether the codec can write `error` (a failure is rare: trying it costs nothing that counts). */
function writable(error: Error): boolean {
  try {
    encode(error);
    return true;
  } catch {
    return false;
  }
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
