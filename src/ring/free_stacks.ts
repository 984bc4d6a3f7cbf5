/**
 * Lock-free stacks of free blocks in the arena, one per class: the arena's allocator keeps its
 * free blocks in them, and the system its free mailboxes (src/system/mailbox_pool.ts).
 *
 * Memory layout. One BigInt64 head per class, in a BigInt64Array its owner places in the arena:
 *
 * ```
 * low 32 bits   byte offset of the first free block (0 = empty)   CAS by any pushing or popping
 * high 32 bits  a tag bumped by every pop                          thread (no lock: a thread
 *                                                                  killed mid-operation leaves
 *                                                                  nothing half-done)
 * ```
 *
 * A free block links to the next one of its class by one Int32 word at `linkWord` words into
 * it, written by the thread that pushes it, before it publishes it by the head's exchange. The
 * tag makes a stale head lose every compare-exchange: a block popped, reused and pushed again
 * meanwhile never makes a popper take a `next` that is junk (the ABA problem).
 *
 * @module
 */

/** Push and pop on the free stacks whose heads are `heads` (see the module doc). */
export class FreeStacks {
  readonly #heads: BigInt64Array;
  /** The heads as Int32 pairs (low half first: little-endian): emptiness without BigInt math. */
  readonly #headWords: Int32Array;
  readonly #words: Int32Array;
  readonly #linkWord: number;

  /**
   * @param heads one head per class, in shared memory.
   * @param words a length-tracking Int32 view of the whole arena, where the blocks are.
   * @param linkWord the word of a free block (counted from its start) that links to the next.
   */
  constructor(heads: BigInt64Array, words: Int32Array, linkWord: number) {
    this.#heads = heads;
    this.#headWords = new Int32Array(heads.buffer, heads.byteOffset, heads.length * 2);
    this.#words = words;
    this.#linkWord = linkWord;
  }

  /** How many classes there are. */
  get classes(): number {
    return this.#heads.length;
  }

  /** Puts the free block at byte offset `block` on the stack of `sizeClass`. */
  push(sizeClass: number, block: number): void {
    const heads = this.#heads;
    const link = (block >> 2) + this.#linkWord;
    for (;;) {
      const head = Atomics.load(heads, sizeClass);
      Atomics.store(this.#words, link, Number(head & 0xffff_ffffn));
      const next = (head & ~0xffff_ffffn) | BigInt(block);
      if (Atomics.compareExchange(heads, sizeClass, head, next) === head) return;
    }
  }

  /** Takes a free block of `sizeClass`; returns its byte offset, or 0 when there is none. */
  pop(sizeClass: number): number {
    // An empty stack is seen without BigInt arithmetic, which allocates.
    if (Atomics.load(this.#headWords, 2 * sizeClass) === 0) return 0;
    const heads = this.#heads;
    for (;;) {
      const head = Atomics.load(heads, sizeClass);
      const block = Number(head & 0xffff_ffffn);
      if (block === 0) return 0;
      // The block may be popped and reused by another thread meanwhile: then `next` is junk,
      // but the tag has moved on and the exchange below fails, so the junk is never used.
      const next = Atomics.load(this.#words, (block >> 2) + this.#linkWord);
      const tag = ((head >> 32n) + 1n) & 0xffff_ffffn;
      if (Atomics.compareExchange(heads, sizeClass, head, (tag << 32n) | BigInt(next)) === head) {
        return block;
      }
    }
  }
}
