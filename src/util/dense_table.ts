/**
 * Values by small integer keys that are handed out in order and stay dense (directory slots,
 * mailbox numbers): a plain array, no hashing. A pool of 300k actors made a `Map` keyed by slot
 * cost the spawning thread ~6 % of its time per table (its inserts, and the rehash of a 300k-entry
 * table as it grows; profiled); an array slot costs a store.
 *
 * @module
 */

/** A table from keys 0, 1, 2, … to values; a key not set reads `undefined`. */
export class DenseTable<T> {
  /** Filled with `undefined` up to its length, never with holes: V8 keeps it a fast array. */
  readonly #items: (T | undefined)[] = [];
  #size = 0;

  /** How many keys have a value. */
  get size(): number {
    return this.#size;
  }

  /** The value of `key`, if it has one. */
  get(key: number): T | undefined {
    const items = this.#items;
    return key < items.length ? items[key] : undefined;
  }

  /** Sets `key`'s value (`key`: an integer from 0; the array grows up to it). */
  set(key: number, value: T): void {
    const items = this.#items;
    while (items.length <= key) items.push(undefined);
    if (items[key] === undefined) this.#size++;
    items[key] = value;
  }

  /** Removes `key`'s value; returns whether it had one. */
  delete(key: number): boolean {
    const items = this.#items;
    if (key >= items.length || items[key] === undefined) return false;
    items[key] = undefined;
    this.#size--;
    return true;
  }

  /** The values, by key. */
  *values(): IterableIterator<T> {
    const items = this.#items;
    for (let key = 0; key < items.length; key++) {
      const value = items[key];
      if (value !== undefined) yield value;
    }
  }
}
