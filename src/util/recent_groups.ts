/**
 * Groups by key, made on first use, where uses come in runs of one key (calls in a row mostly go
 * to one target, with one timeout): the group used last is at hand without a lookup. A group
 * that emptied is dropped, except the one used last, which stays for the next use of its key —
 * so a program that computes a new key per use does not keep one group per use.
 *
 * @module
 */

/** What a group says of itself: its key, and how many of its members are still there. */
export interface Group {
  readonly key: number;
  readonly live: number;
}

/** The groups of one owner, by key. */
export class RecentGroups<G extends Group> {
  readonly #groups = new Map<number, G>();
  #last: G | null = null;

  /** @param make makes the group of a key on its first use. */
  constructor(readonly make: (key: number) => G) {}

  /** The group of `key`, made now if there is none; it becomes the one used last. */
  of(key: number): G {
    const last = this.#last;
    if (last !== null && last.key === key) return last;
    if (last !== null && last.live === 0) this.#groups.delete(last.key);
    let group = this.#groups.get(key);
    if (group === undefined) this.#groups.set(key, group = this.make(key));
    this.#last = group;
    return group;
  }

  /** The group of `key`, if there is one; it is not made, nor marked used. */
  get(key: number): G | undefined {
    return this.#groups.get(key);
  }

  /** `group` has just emptied: dropped, unless it is the one used last. */
  emptied(group: G): void {
    if (group !== this.#last) this.#groups.delete(group.key);
  }
}
