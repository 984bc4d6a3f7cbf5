/**
 * ringmail: actors for Deno with real parallelism. Each actor is an object you send messages to;
 * actors live in Workers, their mailboxes are lock-free rings in shared memory, and messages
 * cross threads as compact bytes instead of `postMessage`.
 *
 * Every failure ringmail reports is a {@link RingmailError}:
 *
 * @example Telling ringmail's failures from your own
 * ```ts
 * import { MailboxFullError, RingmailError } from "@ringmail/actors";
 *
 * const error: unknown = new MailboxFullError("mailbox stayed full for 10 ms");
 * console.log(error instanceof RingmailError); // true
 * ```
 *
 * @module
 */

export { RingmailError } from "./src/errors.ts";
export {
  ArenaFullError,
  MailboxClosedError,
  MailboxFullError,
  MessageTooLargeError,
} from "./src/ring/errors.ts";
