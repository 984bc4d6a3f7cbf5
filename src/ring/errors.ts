import { RingmailError } from "../errors.ts";

/**
 * A mailbox had no room for a message before the send's timeout passed.
 *
 * The receiver is slower than its senders; raise the mailbox capacity, slow the senders down,
 * or give the send a longer timeout. A Bridge call whose request waited that long gets it too:
 * the receiver is still running, so a retry later may succeed.
 *
 * @example
 * ```ts
 * import { MailboxFullError } from "@ringmail/actors/errors";
 *
 * function describe(error: unknown): string {
 *   return error instanceof MailboxFullError ? "receiver overloaded, retry later" : "other";
 * }
 * console.log(describe(new MailboxFullError("mailbox stayed full for 10 ms")));
 * ```
 */
export class MailboxFullError extends RingmailError {}

/**
 * A send went to a mailbox that was closed (its actor stopped or its worker ended).
 *
 * @example
 * ```ts
 * import { MailboxClosedError } from "@ringmail/actors/errors";
 *
 * const error: unknown = new MailboxClosedError("mailbox is closed");
 * if (error instanceof MailboxClosedError) console.log("the receiver is gone");
 * ```
 */
export class MailboxClosedError extends RingmailError {}

/**
 * A message can never fit where it was sent, however long the sender waits. The error names
 * both sizes.
 *
 * @example
 * ```ts
 * import { MessageTooLargeError } from "@ringmail/actors/errors";
 *
 * const error = new MessageTooLargeError(5000, 4088, "a mailbox of 4096 bytes");
 * console.log(error.size, error.limit); // 5000 4088
 * ```
 */
export class MessageTooLargeError extends RingmailError {
  /** The size of the record that was refused, in bytes. */
  readonly size: number;
  /** The largest record the mailbox accepts, in bytes. */
  readonly limit: number;

  /**
   * Makes the error and its message from the two sizes.
   * @param size the size of the refused record in bytes.
   * @param limit the largest record the target accepts, in bytes.
   * @param where what refused it, for the message (e.g. `mailbox of 1024 bytes`).
   */
  constructor(size: number, limit: number, where: string) {
    super(
      `message of ${size} bytes is larger than the ${limit} bytes that fit in ${where}; ` +
        `send smaller messages or give the receiver a larger mailbox`,
    );
    this.size = size;
    this.limit = limit;
  }
}

/**
 * The arena reached its maximum size; raise `maxBytes` when creating it, or stop idle actors.
 *
 * @example
 * ```ts
 * import { RingmailError } from "@ringmail/actors";
 * import { ArenaFullError } from "@ringmail/actors/errors";
 *
 * console.log(new ArenaFullError("arena is full") instanceof RingmailError); // true
 * ```
 */
export class ArenaFullError extends RingmailError {}
