/**
 * A Worker's held table: how many messages the Worker holds in its own memory for each actor,
 * waiting for room in that actor's full mailbox (its backlogs, see backlogs.ts) — in shared
 * memory, so that when the Worker dies the system can count them as dead letters, whichever
 * Worker their actor is on. One table per Worker, so each count has exactly one writer: a count
 * kept in the receiver's mailbox could not tell two sending Workers apart, nor be found when
 * the Worker that died was not the receiver's.
 *
 * Memory layout: a chain of arena blocks of {@link HELD_TABLE_BYTES}, the first found through
 * header word {@link HELD_TABLE_WORD} of the Worker's home mailbox (its agent's; 0: no table
 * yet). Every word is written by the Worker whose table it is, with plain stores (the home word
 * with Atomics.store, once); the system reads them only once that Worker is dead (its
 * termination and the recovery barrier, recovery.ts, order the reads after its last store).
 *
 * ```
 * block word 0      byte offset of the next block (0: none)
 * block words 1..3  reserved
 * then HELD_ENTRIES entries of 4 words each:
 *   word 0  what it counts for: 0 nothing (a free entry), 1 an actor of this process,
 *           2 the cluster link's outbox (actors of other nodes, many to a backlog)
 *   word 1  the actor's slot
 *   word 2  the actor's generation
 *   word 3  how many messages for it wait in the Worker's memory
 * ```
 *
 * @module
 */

import { type Arena, type Mailbox, MAILBOX_USER_WORD } from "../ring/mod.ts";

/** Header word of a Worker's home mailbox holding the offset of its held table's first block. */
export const HELD_TABLE_WORD = MAILBOX_USER_WORD + 3;
/** Bytes of one block of a held table. */
export const HELD_TABLE_BYTES = 1024;
const HEADER_WORDS = 4;
const ENTRY_WORDS = 4;
/** Entries in one block. */
export const HELD_ENTRIES = (HELD_TABLE_BYTES / 4 - HEADER_WORDS) / ENTRY_WORDS;

const FREE = 0;
const LOCAL = 1;
const OUTBOX = 2;

/** Where one actor's count is kept: its entry's block and the index of the count word there. */
export interface HeldCount {
  readonly words: Int32Array;
  readonly at: number;
}

/**
 * What a dead Worker held for one actor of this process, or (`slot` -1) for actors of other
 * nodes (see {@link takeHeld}).
 */
export interface HeldFor {
  readonly slot: number;
  readonly generation: number;
  readonly count: number;
}

/** One Worker's held table, as its Worker writes it. */
export class HeldTable {
  readonly #arena: Arena;
  readonly #home: Mailbox;
  /** Free entries, as the count they would keep. */
  readonly #free: HeldCount[] = [];
  /** The last block's words; null: no block yet. */
  #last: Int32Array | null = null;

  /** @param home the Worker's home mailbox, whose header word points to the table. */
  constructor(arena: Arena, home: Mailbox) {
    this.#arena = arena;
    this.#home = home;
  }

  /**
   * An entry for the actor (`slot`, `generation`) of this process, or (`slot` -1) for the
   * outbox, its count 0: write the count into `words[at]` as it changes, and {@link release}
   * it once nothing is held for the actor.
   * @throws {ArenaFullError} when a new block does not fit the arena.
   */
  take(slot: number, generation: number): HeldCount {
    if (this.#free.length === 0) this.#grow();
    const entry = this.#free.pop()!;
    const { words, at } = entry;
    words[at - 2] = slot;
    words[at - 1] = generation;
    words[at - 3] = slot < 0 ? OUTBOX : LOCAL;
    return entry;
  }

  /** Gives an entry back: nothing is held for its actor any more. */
  release(entry: HeldCount): void {
    entry.words[entry.at] = 0;
    entry.words[entry.at - 3] = FREE;
    this.#free.push(entry);
  }

  /**
   * Frees the table's blocks, for a Worker that ends by itself once nothing waits in its
   * backlogs (each count is 0 then); not to be used after.
   */
  close(): void {
    takeHeld(this.#arena, this.#home);
    this.#free.length = 0;
    this.#last = null;
  }

  /** Adds a block to the chain, its entries free. */
  #grow(): void {
    const offset = this.#arena.allocate(HELD_TABLE_BYTES);
    const words = this.#arena.int32(offset, HELD_TABLE_BYTES);
    if (this.#last === null) this.#home.setUserWord(HELD_TABLE_WORD, offset);
    else this.#last[0] = offset;
    this.#last = words;
    // Popped from the end: the block's first entries are used first.
    for (let entry = HELD_ENTRIES - 1; entry >= 0; entry--) {
      this.#free.push({ words, at: HEADER_WORDS + entry * ENTRY_WORDS + 3 });
    }
  }
}

/**
 * Reads what the dead Worker whose home mailbox is `home` held, per actor, and frees its table.
 * Only once the Worker is surely stopped (see recovery.ts).
 * @returns the actors it held messages for, with how many.
 */
export function takeHeld(arena: Arena, home: Mailbox): HeldFor[] {
  const held: HeldFor[] = [];
  let offset = home.userWord(HELD_TABLE_WORD);
  home.setUserWord(HELD_TABLE_WORD, 0);
  while (offset !== 0) {
    const words = arena.int32(offset, HELD_TABLE_BYTES);
    for (let entry = 0; entry < HELD_ENTRIES; entry++) {
      const at = HEADER_WORDS + entry * ENTRY_WORDS;
      const count = words[at + 3];
      if (words[at] === FREE || count <= 0) continue;
      const local = words[at] === LOCAL;
      held.push({
        slot: local ? words[at + 1] : -1,
        generation: local ? words[at + 2] : 0,
        count,
      });
    }
    const next = words[0];
    arena.free(offset, HELD_TABLE_BYTES);
    offset = next;
  }
  return held;
}
