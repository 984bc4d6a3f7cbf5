import { RingmailError } from "../../errors.ts";

/**
 * A live view (`system.observe`) could not be opened as asked: an address other than loopback
 * without a `token`, a token too short to be a secret, or a port or interval out of range. The
 * message says which option to change.
 *
 * @example
 * ```ts
 * import { ObserveError } from "@ringmail/actors/errors";
 *
 * const error: unknown = new ObserveError("hostname 0.0.0.0 needs a token");
 * console.log(error instanceof ObserveError); // true
 * ```
 */
export class ObserveError extends RingmailError {}
