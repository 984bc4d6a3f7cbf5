/**
 * Recycles mailboxes. A mailbox is only ever reused as a mailbox of the same capacity, whole
 * (header and data ring together): a sender on another thread may still hold a handle on it from
 * its previous actor, and that handle's views must keep pointing at a consistent mailbox. Its
 * late records then land in the new actor's mailbox, where the envelope's target generation
 * marks them as dead letters.
 *
 * The free lists are lock-free stacks (heads in the directory header, one per capacity class,
 * with an ABA tag in the high 32 bits); a free mailbox's header word {@link POOL_LINK_WORD}
 * links to the next.
 *
 * @module
 */

import { type Arena, type Mailbox, MAILBOX_USER_WORD, type MailboxOptions } from "../ring/mod.ts";
import type { Directory, MailboxHandles } from "../delivery/mod.ts";

/** The mailbox header word that links a free mailbox to the next one of its class. */
const POOL_LINK_WORD = MAILBOX_USER_WORD + 8;
const MIN_CLASS_LOG = 6; // 64-byte rings are class 0

/** Takes and returns mailboxes of one actor system. */
export class MailboxPool {
  readonly #arena: Arena;
  readonly #heads: BigInt64Array;
  readonly #headWords: Int32Array;
  readonly #handles: MailboxHandles;

  /** @param handles the thread's handles: a mailbox taken here is sent to through them too. */
  constructor(arena: Arena, directory: Directory, handles: MailboxHandles) {
    this.#arena = arena;
    this.#heads = directory.poolHeads;
    this.#headWords = new Int32Array(
      this.#heads.buffer,
      this.#heads.byteOffset,
      this.#heads.length * 2,
    );
    this.#handles = handles;
  }

  /** A fresh or recycled open mailbox with no receiver: this thread's one handle on it. */
  acquire(options: MailboxOptions): Mailbox {
    const capacity = options.capacity ?? 1 << 16;
    const sizeClass = Math.log2(capacity) - MIN_CLASS_LOG;
    if (
      Number.isInteger(sizeClass) && sizeClass >= 0 &&
      sizeClass < this.#heads.length
    ) {
      const offset = this.#pop(sizeClass);
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
    const sizeClass = Math.log2(mailbox.capacity) - MIN_CLASS_LOG;
    const words = this.#arena.words;
    for (;;) {
      const head = Atomics.load(this.#heads, sizeClass);
      Atomics.store(
        words,
        (mailbox.offset >> 2) + POOL_LINK_WORD,
        Number(head & 0xffff_ffffn),
      );
      const next = (head & ~0xffff_ffffn) | BigInt(mailbox.offset);
      if (
        Atomics.compareExchange(this.#heads, sizeClass, head, next) === head
      ) return;
    }
  }

  #pop(sizeClass: number): number {
    const words = this.#arena.words;
    // The head's low half (little-endian first) is the first free mailbox: an empty list is
    // seen without BigInt arithmetic, which allocates.
    if (Atomics.load(this.#headWords, 2 * sizeClass) === 0) return 0;
    for (;;) {
      const head = Atomics.load(this.#heads, sizeClass);
      const offset = Number(head & 0xffff_ffffn);
      if (offset === 0) return 0;
      const next = Atomics.load(words, (offset >> 2) + POOL_LINK_WORD);
      const tag = ((head >> 32n) + 1n) & 0xffff_ffffn;
      if (
        Atomics.compareExchange(
          this.#heads,
          sizeClass,
          head,
          (tag << 32n) | BigInt(next),
        ) === head
      ) {
        return offset;
      }
    }
  }
}
