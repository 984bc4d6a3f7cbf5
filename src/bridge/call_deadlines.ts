/**
 * The deadlines of a Bridge's calls, in one queue per timeout value. Calls with the same timeout
 * expire in the order they were made (the clock only moves forward), so each queue is sorted by
 * pushing at its end: a call's deadline costs an array push, not a heap's sift per call, and a
 * call that settles leaves its entry behind to be skipped (dropped at once when it is at the
 * head, as it is when replies come in order). The queues are kept in a heap by their first
 * deadline, looked at only when the one platform timer fires (set by the earliest deadline):
 * programs that compute a timeout per call still cost O(log n). Once no call waits, the timer is
 * let go (unref'd: it holds the process no longer) but kept, so that the next call, due later,
 * takes it up again instead of setting a timer of its own: a platform timer and its clearing
 * cost a sequential call ~5 µs, the time of the rest of its bookkeeping.
 *
 * @module
 */

import { TimerEntry, TimerHeap } from "../util/timer_heap.ts";
import { type Group, RecentGroups } from "../util/recent_groups.ts";

/** What a queue holds: a call, with when it expires and the queue it waits in. */
export interface Expiring {
  /** When it expires, in `performance.now()` milliseconds. */
  readonly deadline: number;
  /** The queue it waits in; null once it expired or settled (its entry is then skipped). */
  deadlines: DeadlineQueue | null;
}

/** The calls of one timeout, earliest deadline first, settled ones skipped. */
export class DeadlineQueue implements Group {
  /** The timeout of its items (their deadlines are in the order they came). */
  readonly key: number;
  items: (Expiring | null)[] = [];
  head = 0;
  /** How many of its items still wait. */
  live = 0;
  /**
   * Its place in the heap of queues; `at` is never later than its first waiting deadline (it is
   * brought up to date when the timer fires).
   */
  readonly entry: TimerEntry<DeadlineQueue> = new TimerEntry(0, this);

  constructor(timeout: number) {
    this.key = timeout;
  }

  /** The first item that still waits (dropping the settled ones before it), or undefined. */
  first(): Expiring | undefined {
    const items = this.items;
    let head = this.head;
    while (head < items.length) {
      const item = items[head];
      if (item !== null && item.deadlines === this) break;
      head++;
    }
    if (head === items.length) {
      items.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > items.length) {
      // Most of the array is behind the head: move the rest down, so it does not grow forever.
      items.copyWithin(0, head);
      items.length -= head;
      head = 0;
    }
    this.head = head;
    return items[head] ?? undefined;
  }

  /**
   * Keeps only the waiting items once settled ones, held behind a long-waiting head, far
   * outnumber them: the array stays in proportion to the calls that wait.
   */
  compactIfSparse(): void {
    const items = this.items;
    if (items.length - this.head < 4 * this.live + 64) return;
    let kept = 0;
    for (let i = this.head; i < items.length; i++) {
      const item = items[i];
      if (item !== null && item.deadlines === this) items[kept++] = item;
    }
    items.length = kept;
    this.head = 0;
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
    this.live = 0;
  }
}

/** The longest delay a timer takes (longer ones fire at once in Deno). */
const MAX_TIMER_MS = 0x7fff_ffff;

/** Every deadline of one Bridge's calls, and the one timer that fires them. */
export class CallDeadlines<T extends Expiring> {
  /** One queue per timeout: calls in a row mostly share their timeout. */
  readonly #queues = new RecentGroups((timeout) => new DeadlineQueue(timeout));
  /** The queues with waiting items, by (a lower bound of) their first deadline. */
  readonly #heap = new TimerHeap<DeadlineQueue>();
  /** Items that wait, in all queues. */
  #live = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires (-1: no timer). */
  #timerAt = -1;
  /** Whether the timer is let go (unref'd) because no call waits. */
  #timerIdle = false;
  readonly #expire: (item: T) => void;

  /** @param expire called for each item whose deadline passed (its `deadlines` is null then). */
  constructor(expire: (item: T) => void) {
    this.#expire = expire;
  }

  /** How many items wait. */
  get size(): number {
    return this.#live;
  }

  /** Adds `item`, due at `item.deadline`, to the queue of `timeout`. */
  add(item: T, timeout: number): void {
    const queue = this.#queues.of(timeout);
    // Behind a call that waits long, settled calls pile up: compacted as the array grows.
    if ((queue.items.length & 1023) === 1023) queue.compactIfSparse();
    queue.items.push(item);
    item.deadlines = queue;
    this.#live++;
    if (queue.live++ === 0) {
      queue.entry.at = item.deadline;
      this.#heap.push(queue.entry);
    }
    // The timer fires by the earliest deadline; a later one than that changes nothing.
    if (this.#timerAt < 0 || item.deadline < this.#timerAt) this.#arm(item.deadline);
    else if (this.#timerIdle) {
      this.#timerIdle = false;
      Deno.refTimer(this.#timer!);
    }
  }

  /** `item` settled before its deadline: it no longer waits, and the timer may go. */
  settled(item: T): void {
    const queue = item.deadlines;
    if (queue === null) return;
    item.deadlines = null;
    this.#live--;
    if (--queue.live === 0) {
      this.#heap.remove(queue.entry);
      queue.clear();
      this.#queues.emptied(queue);
      // No call waits: the timer holds the process no longer, but stays for the next call.
      if (this.#live === 0 && this.#timer !== undefined) {
        this.#timerIdle = true;
        Deno.unrefTimer(this.#timer);
      }
    } else if (queue.items[queue.head] === item) queue.first();
  }

  /**
   * No item comes any more (the Bridge closed, its calls settled): the timer goes, rather than
   * being kept for the next item.
   */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = -1;
    this.#timerIdle = false;
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timerIdle = false;
    const delay = Math.min(Math.max(0, at - performance.now()), MAX_TIMER_MS);
    this.#timer = setTimeout(this.#fired, delay);
  }

  readonly #fired = (): void => this.#fire();

  /** Expires every item that is due, then sets the timer by the earliest that is not. */
  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = -1;
    this.#timerIdle = false;
    const now = performance.now();
    const heap = this.#heap;
    for (let entry = heap.peek(); entry !== undefined; entry = heap.peek()) {
      const queue = entry.value;
      const item = queue.first();
      if (item === undefined) { // cannot happen while it counts waiting items; never loop on it
        heap.remove(entry);
        continue;
      }
      if (item.deadline > now) {
        if (entry.at === item.deadline) break;
        // Its first calls settled since: its place in the heap is by the first that waits.
        heap.remove(entry);
        entry.at = item.deadline;
        heap.push(entry);
        continue;
      }
      queue.items[queue.head++] = null;
      // As if it settled (so the queue leaves the heap when it was its last), then expired.
      item.deadlines = queue;
      this.settled(item as T);
      this.#expire(item as T);
    }
    const first = heap.peek();
    if (first !== undefined && (this.#timerAt < 0 || first.at < this.#timerAt)) {
      this.#arm(first.at);
    }
  }
}
