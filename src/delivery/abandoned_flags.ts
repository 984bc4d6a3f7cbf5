/**
 * The flags that tell a receive loop its thread was given up for dead (see
 * ReceiveLoopOptions.abandoned): up to two shared-memory bits another thread sets (the agent's
 * mailbox closed flag, the arena's dead-thread mark; their layouts are in src/ring/). This thread
 * only reads them, with plain reads: a late look costs one more handler at most.
 *
 * @module
 */

import type { Flag } from "../ring/mod.ts";

/** A flag that is never set: what a loop without (enough) abandoned flags reads. */
const NEVER: Flag = { words: new Int32Array(1), index: 0, mask: 0 };

/** Up to two flags, unrolled: read after each handler, so a read is two loads and masks. */
export class AbandonedFlags {
  readonly #words0: Int32Array;
  readonly #index0: number;
  readonly #mask0: number;
  readonly #words1: Int32Array;
  readonly #index1: number;
  readonly #mask1: number;

  /** @throws {RangeError} for more than two flags. */
  constructor(flags: readonly Flag[]) {
    if (flags.length > 2) {
      throw new RangeError("a receive loop takes at most two abandoned flags");
    }
    const first = flags[0] ?? NEVER;
    const second = flags[1] ?? NEVER;
    this.#words0 = first.words;
    this.#index0 = first.index;
    this.#mask0 = first.mask;
    this.#words1 = second.words;
    this.#index1 = second.index;
    this.#mask1 = second.mask;
  }

  /** Whether either flag is set. */
  isSet(): boolean {
    return (this.#words0[this.#index0] & this.#mask0) !== 0 ||
      (this.#words1[this.#index1] & this.#mask1) !== 0;
  }
}
