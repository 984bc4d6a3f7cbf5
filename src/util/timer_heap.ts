/**
 * A min-heap of deadlines. Thousands of pending deadlines (Bridge calls, actor timers) then cost
 * one platform timer for the earliest, instead of one each: a `setTimeout` costs ~1 µs to make
 * and clear in Deno, and more in garbage.
 *
 * @module
 */

/** One deadline in a {@link TimerHeap}. */
export class TimerEntry<T> {
  /** When it is due, in `performance.now()` milliseconds. */
  at: number;
  /** What the owner attached to it. */
  readonly value: T;
  /** Its position in the heap; -1 once it left the heap (fired or cancelled). */
  index = -1;
  /** Breaks ties: entries due at the same time come out in the order they went in. */
  seq = 0;

  /** Makes an entry; add it with {@link TimerHeap.push}. */
  constructor(at: number, value: T) {
    this.at = at;
    this.value = value;
  }
}

/** A binary min-heap of {@link TimerEntry}, earliest first, ties in insertion order. */
export class TimerHeap<T> {
  readonly #entries: TimerEntry<T>[] = [];
  #seq = 0;

  /** How many entries are waiting. */
  get size(): number {
    return this.#entries.length;
  }

  /** The earliest entry, or undefined when the heap is empty. */
  peek(): TimerEntry<T> | undefined {
    return this.#entries[0];
  }

  /** Adds an entry due at `entry.at`. */
  push(entry: TimerEntry<T>): TimerEntry<T> {
    entry.seq = this.#seq++;
    entry.index = this.#entries.length;
    this.#entries.push(entry);
    this.#up(entry.index);
    return entry;
  }

  /** Removes and returns the earliest entry if it is due by `now`; else undefined. */
  popDue(now: number): TimerEntry<T> | undefined {
    const first = this.#entries[0];
    if (first === undefined || first.at > now) return undefined;
    this.remove(first);
    return first;
  }

  /** Takes `entry` out of the heap; returns false if it was not in it. */
  remove(entry: TimerEntry<T>): boolean {
    const entries = this.#entries;
    const index = entry.index;
    if (index < 0 || entries[index] !== entry) return false;
    const last = entries.pop()!;
    entry.index = -1;
    if (last !== entry) {
      entries[index] = last;
      last.index = index;
      this.#down(index);
      this.#up(last.index);
    }
    return true;
  }

  #before(a: TimerEntry<T>, b: TimerEntry<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #up(index: number): void {
    const entries = this.#entries;
    const entry = entries[index];
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = entries[parentIndex];
      if (!this.#before(entry, parent)) break;
      entries[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    entries[index] = entry;
    entry.index = index;
  }

  #down(index: number): void {
    const entries = this.#entries;
    const entry = entries[index];
    const length = entries.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && this.#before(entries[right], entries[left]) ? right : left;
      if (!this.#before(entries[child], entry)) break;
      entries[index] = entries[child];
      entries[index].index = index;
      index = child;
    }
    entries[index] = entry;
    entry.index = index;
  }
}
