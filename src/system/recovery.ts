/**
 * Recovery after a Worker died: when it is safe to touch what the dead thread left behind.
 *
 * Two waits, one after the other:
 *
 * 1. A grace period after `terminate()`: the thread stops at its next interrupt check, not at
 *    once. Only then is it marked dead in the arena, which lets every receiver skip the records
 *    it reserved and never published (a live producer's record must never be skipped).
 * 2. A barrier: every live Worker is told (`ThreadDied`) and answers once it has looked at its
 *    mailboxes. A thread answers between two handlers, so any send it was making into the dead
 *    Worker's mailboxes — an IDLE -> SCHEDULED change and the queue push after it — is
 *    complete. Only then may those mailboxes get new receivers or be recycled: a push still
 *    in flight would otherwise link a recycled mailbox into the dead doorbell's queue. A
 *    Worker that does not answer within a bound (a handler that runs for long) is not waited
 *    for further: it cannot be in the middle of a send while it runs its handler.
 *
 * @module
 */

import type { Arena } from "../ring/mod.ts";

/** Milliseconds between `terminate()` and marking the thread dead. */
export const GRACE_MS = 50;
/** The longest the barrier waits for a Worker's answer. */
export const BARRIER_MS = 1000;

/** What recovery needs from the system. */
export interface RecoveryHost {
  readonly arena: Arena;
  /** The thread ids of the Workers alive now. */
  liveThreads(): Iterable<number>;
  /** Tells the live Worker `threadId` that `deadThread` is marked dead (it answers). */
  tellThreadDied(threadId: number, deadThread: number): void;
  /** On the system's own thread: serve again what the dead thread held up. */
  threadMarkedDead(deadThread: number): void;
}

interface Pending {
  readonly threadId: number;
  readonly awaiting: Set<number>;
  readonly finish: () => void;
  readonly done: () => void;
  /** Settles once `finish` has run, or the recovery was given up. */
  readonly settled: Promise<void>;
  /** Set once the thread is marked dead and the live Workers were told. */
  barrier: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The recoveries under way, one per dead Worker. */
export class Recoveries {
  readonly #host: RecoveryHost;
  readonly #pending = new Map<number, Pending>();

  constructor(host: RecoveryHost) {
    this.#host = host;
  }

  /** How many recoveries are under way. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Starts recovering from the death of thread `threadId` (already terminated); `finish` runs
   * once its leftovers are safe to touch.
   * @returns a promise that settles once `finish` has run.
   */
  begin(threadId: number, finish: () => void): Promise<void> {
    let done!: () => void;
    const settled = new Promise<void>((resolve) => done = resolve);
    const pending: Pending = {
      threadId,
      awaiting: new Set(),
      finish,
      done,
      settled,
      barrier: false,
      timer: undefined,
    };
    this.#pending.set(threadId, pending);
    pending.timer = setTimeout(() => this.#marked(pending), GRACE_MS);
    return settled;
  }

  /**
   * Settles once every recovery under way now has finished (at most GRACE_MS + BARRIER_MS): a
   * shutdown reports what the Workers that died before it left behind.
   */
  underWay(): Promise<void> {
    return Promise.all(Array.from(this.#pending.values(), (p) => p.settled)).then(() => {});
  }

  /** Worker `from` has looked at its mailboxes after `threadId`'s death. */
  answered(threadId: number, from: number): void {
    const pending = this.#pending.get(threadId);
    if (pending === undefined || !pending.awaiting.delete(from)) return;
    if (pending.barrier && pending.awaiting.size === 0) this.#complete(pending);
  }

  /** Worker `threadId` is gone too: no recovery waits for its answer. */
  threadGone(threadId: number): void {
    for (const pending of this.#pending.values()) {
      this.answered(pending.threadId, threadId);
    }
  }

  /**
   * Gives up the recoveries of the threads `threadIds` without finishing them: a shutdown's own,
   * of Workers whose actors all ended (nothing is left to report, nothing is reused).
   */
  cancel(threadIds: Iterable<number>): void {
    for (const threadId of threadIds) {
      const pending = this.#pending.get(threadId);
      if (pending === undefined) continue;
      if (pending.timer !== undefined) clearTimeout(pending.timer);
      this.#pending.delete(threadId);
      pending.done();
    }
  }

  #marked(pending: Pending): void {
    pending.timer = undefined;
    const host = this.#host;
    host.arena.markThreadDead(pending.threadId);
    host.threadMarkedDead(pending.threadId);
    pending.barrier = true;
    for (const threadId of host.liveThreads()) {
      pending.awaiting.add(threadId);
      host.tellThreadDied(threadId, pending.threadId);
    }
    if (pending.awaiting.size === 0) {
      this.#complete(pending);
      return;
    }
    pending.timer = setTimeout(() => {
      pending.timer = undefined;
      this.#complete(pending);
    }, BARRIER_MS);
  }

  #complete(pending: Pending): void {
    if (this.#pending.get(pending.threadId) !== pending) return;
    this.#pending.delete(pending.threadId);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    pending.timer = undefined;
    try {
      pending.finish();
    } finally {
      pending.done();
    }
  }
}
