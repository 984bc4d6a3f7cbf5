/**
 * Recycles mailboxes. A mailbox is only ever reused as a mailbox of the same capacity, whole
 * (header and data ring together): a sender on another thread may still hold a handle on it from
 * its previous actor, and that handle's views must keep pointing at a consistent mailbox. Its
 * late records then land in the new actor's mailbox, where the envelope's target generation
 * marks them as dead letters.
 *
 * The free lists are lock-free stacks (src/ring/free_stacks.ts; heads in the directory header,
 * one per capacity class); a free mailbox's header word {@link POOL_LINK_WORD} links to the next.
 *
 * @module
 */

import {
  type Arena,
  FreeStacks,
  type Mailbox,
  MAILBOX_USER_WORD,
  type MailboxOptions,
} from "../ring/mod.ts";
import type { Directory, MailboxHandles } from "../delivery/mod.ts";

/** The mailbox header word that links a free mailbox to the next one of its class. */
const POOL_LINK_WORD = MAILBOX_USER_WORD + 8;
const MIN_CLASS_LOG = 6; // 64-byte rings are class 0

/** Takes and returns mailboxes of one actor system. */
export class MailboxPool {
  readonly #free: FreeStacks;
  readonly #handles: MailboxHandles;

  /** @param handles the thread's handles: a mailbox taken here is sent to through them too. */
  constructor(arena: Arena, directory: Directory, handles: MailboxHandles) {
    this.#free = new FreeStacks(directory.poolHeads, arena.words, POOL_LINK_WORD);
    this.#handles = handles;
  }

  /** A fresh or recycled open mailbox with no receiver: this thread's one handle on it. */
  acquire(options: MailboxOptions): Mailbox {
    const capacity = options.capacity ?? 1 << 16;
    const sizeClass = Math.log2(capacity) - MIN_CLASS_LOG;
    if (
      Number.isInteger(sizeClass) && sizeClass >= 0 &&
      sizeClass < this.#free.classes
    ) {
      const offset = this.#free.pop(sizeClass);
      if (offset !== 0) {
        const mailbox = this.#handles.of(offset);
        mailbox.reopen();
        return mailbox;
      }
    }
    return this.#handles.create({ capacity });
  }

  /** Returns a mailbox that is closed, drained and unbound, for the next actor. */
  release(mailbox: Mailbox): void {
    this.#free.push(Math.log2(mailbox.capacity) - MIN_CLASS_LOG, mailbox.offset);
  }
}
