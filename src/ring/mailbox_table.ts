/**
 * Values kept per mailbox by one thread (its handles, its loop's cells), in an array by the
 * mailbox's number (see Mailbox.numberAt), not in a Map by its offset: a Worker that hosts 150k
 * actors, or the thread that spawned them, inserts one per actor, and Map inserts into tables
 * that large cost those threads ~4–7 % of a pool's spawn each (profiled).
 *
 * @module
 */

import { DenseTable } from "../util/dense_table.ts";
import type { Arena } from "./arena.ts";
import { Mailbox } from "./mailbox.ts";

/** A value per mailbox of one arena, on one thread. */
export class MailboxTable<T> {
  readonly #arena: Arena;
  readonly #byNumber = new DenseTable<T>();

  constructor(arena: Arena) {
    this.#arena = arena;
  }

  /** How many mailboxes have a value. */
  get size(): number {
    return this.#byNumber.size;
  }

  /**
   * The value of the mailbox whose header is at `offset`; none for offset 0 (no mailbox: what an
   * empty ready queue gives). Only for offsets of mailbox headers otherwise: any other offset
   * reads a word that is no mailbox's number.
   */
  get(offset: number): T | undefined {
    return offset === 0 ? undefined : this.#byNumber.get(Mailbox.numberAt(this.#arena, offset));
  }

  set(offset: number, value: T): void {
    this.#byNumber.set(Mailbox.numberAt(this.#arena, offset), value);
  }

  delete(offset: number): boolean {
    return this.#byNumber.delete(Mailbox.numberAt(this.#arena, offset));
  }

  /** The values, in the order their mailboxes were made. */
  values(): IterableIterator<T> {
    return this.#byNumber.values();
  }
}
