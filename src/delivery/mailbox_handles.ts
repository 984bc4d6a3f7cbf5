/**
 * One thread's handles on the mailboxes of an actor system: exactly one per mailbox. A handle
 * holds a producer's view of the ring (its guess of the cursors) and, on the receiving thread,
 * the consumer's; the layers above hang per-mailbox state of the thread on it (the local
 * receiver) or key it by the handle's offset (what waits for room). Two handles on one mailbox
 * in one thread would split that state: sends through one could overtake sends through the
 * other. So every handle a thread uses — for a ref it spawned, a ref it decoded, a mailbox it
 * took from the pool or receives from — comes from here.
 *
 * @module
 */

import { type Arena, Mailbox, type MailboxOptions } from "../ring/mod.ts";

/** The handles of one thread, by the offset of their mailbox's header. */
export class MailboxHandles {
  readonly #arena: Arena;
  readonly #producerId: number;
  readonly #maxExternal: number;
  readonly #byOffset = new Map<number, Mailbox>();

  /**
   * @param producerId the thread id written into the records this thread reserves.
   * @param maxExternal the largest message a handle sends in a block of its own (see
   * `Mailbox.maxExternal`).
   */
  constructor(arena: Arena, producerId: number, maxExternal: number) {
    this.#arena = arena;
    this.#producerId = producerId;
    this.#maxExternal = maxExternal;
  }

  /** This thread's handle on the mailbox whose header is at `offset`, made on first use. */
  of(offset: number): Mailbox {
    let mailbox = this.#byOffset.get(offset);
    if (mailbox === undefined) {
      mailbox = Mailbox.attach(this.#arena, offset, this.#producerId);
      this.#adopt(mailbox);
    }
    return mailbox;
  }

  /** Makes a new mailbox in the arena; its handle is this thread's handle on it. */
  create(options: MailboxOptions): Mailbox {
    const mailbox = Mailbox.create(this.#arena, options, this.#producerId);
    this.#adopt(mailbox);
    return mailbox;
  }

  #adopt(mailbox: Mailbox): void {
    mailbox.maxExternal = this.#maxExternal;
    this.#byOffset.set(mailbox.offset, mailbox);
  }
}
