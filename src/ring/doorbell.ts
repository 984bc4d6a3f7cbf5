/**
 * A doorbell: one Int32 per receiving thread, so one thread can sleep on many mailboxes.
 *
 * Memory layout: a 64-byte arena block (a cache line of its own, so ringing one thread's bell
 * never slows another thread's), of which word 0 is the bell:
 *
 * ```
 * word 0  AWAKE (0) or PARKED (1)
 *         set to PARKED by the receiving thread just before it sleeps, and to AWAKE when it
 *         wakes; set from PARKED to AWAKE by whichever sender rings first
 * word 1  the receiving thread's id, written once by the receiver (for diagnostics)
 * ```
 *
 * The protocol avoids both lost wake-ups and needless `Atomics.notify` calls (a syscall plus a
 * global lock in V8): the receiver stores PARKED, then checks for work, then sleeps only while
 * the bell still reads PARKED; a sender publishes its work, then reads the bell and notifies only
 * if it reads PARKED. All these accesses are sequentially consistent, so either the receiver's
 * check sees the work or the sender's read sees PARKED.
 *
 * @module
 */

import type { Arena } from "./arena.ts";

/** The bell word's value while its thread is running (or spinning). */
export const AWAKE = 0;
/** The bell word's value while its thread sleeps in `Atomics.wait` or `Atomics.waitAsync`. */
export const PARKED = 1;
/** Bytes a doorbell takes in the arena. */
export const DOORBELL_BYTES = 64;

/**
 * Wakes the thread sleeping on the bell word `view[index]`, if it is parked. Any thread may
 * call this after it has published work for the bell's owner.
 */
export function ringBell(view: Int32Array, index: number): void {
  if (
    Atomics.load(view, index) === PARKED &&
    Atomics.compareExchange(view, index, PARKED, AWAKE) === PARKED
  ) {
    // Wake every waiter: on a thread that waits asynchronously, several waiters may share a bell.
    Atomics.notify(view, index);
  }
}

interface AsyncWaiter {
  ready: () => boolean;
  settle: (woke: boolean) => void;
}

/** Keeps the event loop alive while an async wait with no timeout is pending. */
const KEEPALIVE_MS = 2 ** 31 - 1;

/**
 * The receiving side of a doorbell; owned by one thread. Senders ring it through
 * {@link ringBell} with the view from `arena.lineView(doorbell.offset)`.
 */
export class Doorbell {
  /** Byte offset of the bell word in the arena; senders find it there. */
  readonly offset: number;
  readonly #view: Int32Array;
  readonly #waiters = new Set<AsyncWaiter>();
  /** Whether a `waitAsync` on the bell is pending. */
  #armed = false;
  /** Waiters without a timeout: while there are any, a timer keeps the event loop alive. */
  #untimed = 0;
  #keepalive: ReturnType<typeof setTimeout> | undefined;

  private constructor(arena: Arena, offset: number) {
    this.offset = offset;
    this.#view = arena.lineView(offset);
  }

  /** Allocates a doorbell for the calling thread. Free it with {@link Doorbell.free}. */
  static create(arena: Arena, threadId = 0): Doorbell {
    const bell = new Doorbell(arena, arena.allocate(DOORBELL_BYTES));
    Atomics.store(bell.#view, 1, threadId);
    return bell;
  }

  /** Returns the doorbell's memory to the arena; nothing may ring it afterwards. */
  free(arena: Arena): void {
    arena.free(this.offset, DOORBELL_BYTES);
  }

  /** Whether the bell currently reads PARKED (can be stale by the time you look). */
  get parked(): boolean {
    return Atomics.load(this.#view, 0) === PARKED;
  }

  /** Rings this bell (same as {@link ringBell} on its word). */
  ring(): void {
    ringBell(this.#view, 0);
  }

  /**
   * Sleeps this thread until the bell rings or `timeoutMs` passes, unless `ready()` is already
   * true. Blocks the thread: only for Workers, or for callers who asked to block.
   * @returns false only when the timeout passed without a ring.
   */
  park(ready: () => boolean, timeoutMs: number): boolean {
    const view = this.#view;
    Atomics.store(view, 0, PARKED);
    if (ready()) {
      this.#unpark();
      return true;
    }
    const result = Atomics.wait(view, 0, PARKED, timeoutMs);
    this.#unpark();
    return result !== "timed-out";
  }

  /**
   * Resolves with true when `ready()` becomes true after a ring, or with false once `timeoutMs`
   * passed or `signal` aborted. Never blocks the thread: waits with `Atomics.waitAsync`. Many
   * waits may be pending on one doorbell at once; each ring re-checks them all.
   */
  waitAsync(ready: () => boolean, timeoutMs = Infinity, signal?: AbortSignal): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    if (signal?.aborted || !(timeoutMs > 0)) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const untimed = timeoutMs === Infinity;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const giveUp = () => waiter.settle(false);
      const waiter: AsyncWaiter = {
        ready,
        settle: (woke) => {
          if (!this.#waiters.delete(waiter)) return;
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener("abort", giveUp);
          if (untimed && --this.#untimed === 0) {
            clearTimeout(this.#keepalive);
            this.#keepalive = undefined;
          }
          if (this.#waiters.size === 0) this.#quiet();
          resolve(woke);
        },
      };
      this.#waiters.add(waiter);
      if (untimed) {
        // Atomics.waitAsync alone does not keep Deno's event loop alive.
        if (this.#untimed++ === 0) this.#keepalive = setTimeout(() => {}, KEEPALIVE_MS);
      } else {
        timer = setTimeout(giveUp, timeoutMs);
      }
      signal?.addEventListener("abort", giveUp, { once: true });
      this.#arm();
    });
  }

  /** After a sync park: stay PARKED while async waiters of this thread still need the rings. */
  #unpark(): void {
    if (this.#waiters.size === 0) Atomics.store(this.#view, 0, AWAKE);
    else this.#recheck();
  }

  #recheck(): void {
    for (const waiter of this.#waiters) if (waiter.ready()) waiter.settle(true);
  }

  /** Parks the bell for the async waiters, unless one of them is ready already. */
  #arm(): void {
    if (this.#armed) return;
    const view = this.#view;
    Atomics.store(view, 0, PARKED);
    this.#recheck();
    if (this.#waiters.size === 0) return;
    this.#armed = true;
    const result = Atomics.waitAsync(view, 0, PARKED);
    const onWake = () => {
      this.#armed = false;
      this.#recheck();
      if (this.#waiters.size > 0) this.#arm();
    };
    if (result.async) result.value.then(onWake);
    else queueMicrotask(onWake);
  }

  /** The last async waiter is gone: release the pending `waitAsync`. */
  #quiet(): void {
    Atomics.store(this.#view, 0, AWAKE);
    // Wakes our own pending waitAsync so V8 drops it instead of holding it forever.
    if (this.#armed) Atomics.notify(this.#view, 0);
  }
}
