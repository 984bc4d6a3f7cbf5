/**
 * A doorbell: one Int32 per receiving thread, so one thread can sleep on many mailboxes, and the
 * thread's ready queue: the mailboxes that have messages and wait for their turn.
 *
 * Memory layout: a 64-byte arena block (a cache line of its own, so ringing one thread's bell
 * never slows another thread's):
 *
 * ```
 * word 0  AWAKE (0) or PARKED (1)
 *         set to PARKED by the receiving thread just before it sleeps, and to AWAKE when it
 *         wakes; set from PARKED to AWAKE by whichever sender rings first
 * word 1  the receiving thread's id, written once by the receiver (for diagnostics)
 * word 2  ready queue tail: byte offset of the last node pushed   Atomics.exchange by pushers
 * word 6  the queue's stub node's link (this block is the stub)    see below
 * ```
 *
 * The bell protocol avoids both lost wake-ups and needless `Atomics.notify` calls (a syscall
 * plus a global lock in V8): the receiver stores PARKED, then checks for work, then sleeps only
 * while the bell still reads PARKED; a sender publishes its work, then reads the bell and
 * notifies only if it reads PARKED. All these accesses are sequentially consistent, so either
 * the receiver's check sees the work or the sender's read sees PARKED.
 *
 * The ready queue is an intrusive many-producer, single-consumer linked queue (D. Vyukov's
 * design): its nodes are mailbox headers, linked through their word {@link NEXT_WORD}; any thread
 * pushes (one exchange of the tail, then one store linking the previous node, in straight-line
 * code so a terminated Worker cannot stop between them); only the receiving thread pops, keeping
 * the head in a local variable. A mailbox is in the queue at most once: the mailbox's schedule
 * word guards that (see mailbox.ts). Between a pusher's exchange and its link the queue looks
 * empty past that point; the pusher rings the bell right after linking, so the receiver sleeps
 * through that moment instead of spinning on it.
 *
 * @module
 */

import { Fifo } from "../util/fifo.ts";
import type { Arena } from "./arena.ts";
import { ringHeld } from "./held_rings.ts";

/** The bell word's value while its thread is running (or spinning). */
export const AWAKE = 0;
/** The bell word's value while its thread sleeps in `Atomics.wait` or `Atomics.waitAsync`. */
export const PARKED = 1;
/**
 * Whether a plain load right after an Atomics write is ordered after it, as the bell's
 * store-then-load handshake needs: true on x86 (total store order; V8's Atomics.store is an
 * xchg, a full fence), not on arm64 (stlr lets a later plain load pass it), where the hot paths
 * keep `Atomics.load`.
 */
export const TSO: boolean = Deno.build.arch === "x86_64";

/** Bytes a doorbell takes in the arena. */
export const DOORBELL_BYTES = 64;
const WORD_BELL = 0;
const WORD_THREAD = 1;
const WORD_TAIL = 2;
/** The word of a ready-queue node (a mailbox header, or the doorbell as stub) linking the next. */
export const NEXT_WORD = 6;

/**
 * Puts the mailbox whose header is at `node` at the end of the ready queue of the doorbell whose
 * words are `bell` (its line view). Any thread; the caller then rings the bell.
 */
export function pushReady(
  words: Int32Array,
  bell: Int32Array,
  node: number,
): void {
  Atomics.store(words, (node >> 2) + NEXT_WORD, 0);
  const previous = Atomics.exchange(bell, WORD_TAIL, node);
  Atomics.store(words, (previous >> 2) + NEXT_WORD, node);
}

/**
 * Wakes the thread sleeping on the bell word `view[index]`, if it is parked. Any thread may
 * call this right after it has published work for the bell's owner with an Atomics operation.
 */
export function ringBell(view: Int32Array, index: number): void {
  if (
    // Callers ring right after a publishing Atomics operation: on x86 a plain look is then
    // ordered (see TSO) and spares the Atomics call on the common path, the receiver awake.
    (TSO ? view[index] : Atomics.load(view, index)) === PARKED &&
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
 * Whether an untimed wait needs that timer: on a main thread, which exits once nothing but an
 * `Atomics.waitAsync` is pending. A Worker runs until it closes or is terminated, and its first
 * timer costs it ~4 ms (Deno then loads its Node-compatible timers): most Workers of a system
 * would pay that as they start, for nothing.
 */
const NEEDS_KEEPALIVE = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope ===
  "undefined";

/**
 * The receiving side of a doorbell; owned by one thread. Senders ring it through
 * {@link ringBell} with the view from `arena.lineView(doorbell.offset)`.
 */
export class Doorbell {
  /** Byte offset of the bell word in the arena; senders find it there. */
  readonly offset: number;
  readonly #view: Int32Array;
  readonly #words: Int32Array;
  /** The ready queue's head: the node popped last (or the stub); only this thread moves it. */
  #head: number;
  readonly #waiters = new Set<AsyncWaiter>();
  /**
   * The mailboxes this very thread made ready (see readyHere), by offset: a queue in this
   * thread's memory, taken before the shared one.
   */
  readonly #readyHere = new Fifo<number>();
  /** Whether a `waitAsync` on the bell is pending. */
  #armed = false;
  /** Whether a look at the waiters is queued in the microtasks (see wakeHere). */
  #recheckQueued = false;
  /** Waiters without a timeout: while there are any, a timer keeps the event loop alive. */
  #untimed = 0;
  #keepalive: ReturnType<typeof setTimeout> | undefined;

  private constructor(arena: Arena, offset: number) {
    this.offset = offset;
    this.#view = arena.lineView(offset);
    this.#words = arena.words;
    this.#head = offset;
  }

  /** Allocates a doorbell for the calling thread. Free it with {@link Doorbell.free}. */
  static create(arena: Arena, threadId = 0): Doorbell {
    const offset = arena.allocate(DOORBELL_BYTES);
    const view = arena.lineView(offset);
    Atomics.store(view, WORD_THREAD, threadId);
    Atomics.store(view, WORD_TAIL, offset);
    return new Doorbell(arena, offset);
  }

  /** The receiving side of a doorbell another thread allocated for this thread. */
  static attach(arena: Arena, offset: number): Doorbell {
    return new Doorbell(arena, offset);
  }

  /** Returns the doorbell's memory to the arena; nothing may ring it afterwards. */
  free(arena: Arena): void {
    if (arena.ownBell === this) arena.ownBell = null;
    arena.free(this.offset, DOORBELL_BYTES);
  }

  /** The doorbell's words (its line view), for {@link pushReady} and {@link ringBell}. */
  get view(): Int32Array {
    return this.#view;
  }

  /** Whether {@link nextReady} would return a mailbox now (cheap; for spin loops). */
  hasReady(): boolean {
    if (this.#readyHere.length !== 0) return true;
    // Only linked work counts: between a pusher's exchange and its link the node cannot be
    // taken yet, and saying "ready" then would make the receiver spin instead of sleep until
    // the pusher rings.
    const words = this.#words;
    const head = this.#head;
    const next = Atomics.load(words, (head >> 2) + NEXT_WORD);
    if (head === this.offset) return next !== 0;
    return next !== 0 || Atomics.load(this.#view, WORD_TAIL) === head;
  }

  /**
   * Takes the next mailbox from the ready queue: its header's byte offset, or 0 when the queue
   * is empty (or its next node is still being linked — its pusher rings the bell after).
   * Only on the receiving thread.
   */
  nextReady(): number {
    if (this.#readyHere.length !== 0) return this.#readyHere.shift()!;
    const words = this.#words;
    const stub = this.offset;
    let head = this.#head;
    let next = Atomics.load(words, (head >> 2) + NEXT_WORD);
    if (head === stub) {
      if (next === 0) return 0;
      this.#head = head = next;
      next = Atomics.load(words, (head >> 2) + NEXT_WORD);
    }
    if (next !== 0) {
      this.#head = next;
      return head;
    }
    if (Atomics.load(this.#view, WORD_TAIL) !== head) return 0;
    // `head` is the last node: put the stub behind it so `head` can be handed out.
    pushReady(words, this.#view, stub);
    next = Atomics.load(words, (head >> 2) + NEXT_WORD);
    if (next === 0) return 0;
    this.#head = next;
    return head;
  }

  /**
   * Queues a mailbox that this doorbell's own thread made ready (see Mailbox.ownDoorbell), past
   * the shared ready queue; rings the bell if this thread waits on it asynchronously (the send
   * came from a timer or a settled promise, outside the receiver's turn). Only on the receiving
   * thread.
   */
  readyHere(mailbox: number): void {
    this.#readyHere.push(mailbox);
    this.wakeHere();
  }

  /**
   * Rings this bell from its own thread: the async waiters are looked at again in a microtask.
   * `Atomics.notify` would do it too, but its wake-up of this thread's own `waitAsync` comes as a
   * task after the event loop's next turn (~50 µs measured: a remote call's reply waited that
   * long between the link putting it in the Bridge's mailbox and the Bridge reading it). A
   * thread cannot be parked synchronously while it runs this, so no notify is missed.
   */
  wakeHere(): void {
    // No waiter here: the bell may be another thread's after all (bound by a thread that does not
    // receive on it), which a plain ring wakes if it sleeps.
    if (this.#waiters.size === 0) return this.ring();
    if (this.#recheckQueued) return;
    this.#recheckQueued = true;
    queueMicrotask(this.#queuedRecheck);
  }

  readonly #queuedRecheck = (): void => {
    this.#recheckQueued = false;
    this.#recheck();
  };

  /** Whether the bell currently reads PARKED (can be stale by the time you look). */
  get parked(): boolean {
    return Atomics.load(this.#view, WORD_BELL) === PARKED;
  }

  /** Rings this bell (same as {@link ringBell} on its word). */
  ring(): void {
    ringBell(this.#view, WORD_BELL);
  }

  /**
   * Sleeps this thread until the bell rings or `timeoutMs` passes, unless `ready()` is already
   * true. Blocks the thread: only for Workers, or for callers who asked to block.
   * @returns false only when the timeout passed without a ring.
   */
  park(ready: () => boolean, timeoutMs: number): boolean {
    // Nothing this thread holds back may wait while it sleeps (see held_rings.ts).
    ringHeld();
    const view = this.#view;
    Atomics.store(view, WORD_BELL, PARKED);
    if (ready()) {
      this.#unpark();
      return true;
    }
    const result = Atomics.wait(view, WORD_BELL, PARKED, timeoutMs);
    this.#unpark();
    return result !== "timed-out";
  }

  /**
   * Resolves with true when `ready()` becomes true after a ring, or with false once `timeoutMs`
   * passed or `signal` aborted. Never blocks the thread: waits with `Atomics.waitAsync`. Many
   * waits may be pending on one doorbell at once; each ring re-checks them all.
   */
  waitAsync(
    ready: () => boolean,
    timeoutMs = Infinity,
    signal?: AbortSignal,
  ): Promise<boolean> {
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
          if (
            untimed && --this.#untimed === 0 && this.#keepalive !== undefined
          ) {
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
        if (this.#untimed++ === 0 && NEEDS_KEEPALIVE) {
          this.#keepalive = setTimeout(() => {}, KEEPALIVE_MS);
        }
      } else {
        // Deno fires timers longer than 2^31 - 1 ms after 1 ms: clamp, a spurious settle is harmless.
        timer = setTimeout(giveUp, Math.min(timeoutMs, KEEPALIVE_MS));
      }
      signal?.addEventListener("abort", giveUp, { once: true });
      this.#arm();
    });
  }

  /** After a sync park: stay PARKED while async waiters of this thread still need the rings. */
  #unpark(): void {
    if (this.#waiters.size === 0) Atomics.store(this.#view, WORD_BELL, AWAKE);
    else this.#recheck();
  }

  #recheck(): void {
    for (const waiter of this.#waiters) if (waiter.ready()) waiter.settle(true);
  }

  /** Parks the bell for the async waiters, unless one of them is ready already. */
  #arm(): void {
    ringHeld(); // as in park()
    if (this.#armed) return;
    const view = this.#view;
    Atomics.store(view, WORD_BELL, PARKED);
    this.#recheck();
    if (this.#waiters.size === 0) return;
    this.#armed = true;
    const result = Atomics.waitAsync(view, WORD_BELL, PARKED);
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
    Atomics.store(this.#view, WORD_BELL, AWAKE);
    // Wakes our own pending waitAsync so V8 drops it instead of holding it forever.
    if (this.#armed) Atomics.notify(this.#view, WORD_BELL);
  }
}
