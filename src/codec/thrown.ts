/**
 * What user code threw while a value was encoded, copied or decoded: a getter, a Proxy trap, a
 * custom encoder or decoder. Such a throw becomes a CodecError naming the path inside the
 * message, with what was thrown as its `cause` — also when that is itself a RingmailError (say,
 * a nested send's), since the sender needs to know where in its own message the send failed.
 *
 * The thrown value is user code's too: testing its class (`instanceof` asks a Proxy's
 * getPrototypeOf trap) and describing it (its `name` and `message` may be getters) may throw
 * again. Nothing here lets that escape. Used only once something failed: no hot path pays.
 *
 * @module
 */

import { CodecError } from "./codec_error.ts";

/** `e instanceof cls`, or false when asking throws (a thrown Proxy whose trap throws). */
export function isInstance(
  e: unknown,
  cls: abstract new (...args: never[]) => unknown,
): boolean {
  try {
    return e instanceof cls;
  } catch {
    return false;
  }
}

/** `Name: message` of an error, or the value as a string; never throws. */
export function describeError(e: unknown): string {
  try {
    if (Error.isError(e) || e instanceof Error) {
      const error = e as Error;
      return `${error.name}: ${error.message}`;
    }
    return String(e);
  } catch {
    return "a value that cannot be described";
  }
}

/** The CodecError for user code that threw `e` while the value at `path` was read. */
export function encodeThrew(path: string, e: unknown): CodecError {
  const what = isInstance(e, CodecError)
    ? (e as CodecError).message
    : `reading it threw ${describeError(e)}`;
  return new CodecError(`cannot encode ${path}: ${what}`, { path, cause: e });
}
