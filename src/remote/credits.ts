/**
 * Credit between nodes: NATS has no backpressure end to end (a publish never waits, and a
 * subscriber that falls behind has messages dropped), so each link has a window, in bytes. A
 * sender may have {@link CREDIT_WINDOW} of credit on its way to a node: each record spends its
 * bytes and {@link RECORD_CREDIT} more (`creditOf`, wire.ts), so the window bounds what a flood of
 * large records or of tiny ones leaves waiting on the receiving node alike. A record goes while
 * any credit is left, so one larger than the window still goes, alone. The node grants credit back
 * as it hands records on to their mailboxes — a record that has to wait for room there, in the
 * receiving thread's backlog, only once it leaves the backlog. A sender out of credit for a node
 * keeps that node's records (copied, in order, into one buffer per node) until credit comes, so
 * records to other nodes go on past them; once {@link MAX_WAITING_BYTES} are kept, it stops
 * reading the outbox, so senders meet a full outbox: a full mailbox, whose policy applies (block,
 * queue, drop).
 *
 * Grants ride in the head of every batch the granting node publishes to the sender (wire.ts):
 * records going both ways (a request and its reply) carry each other's grants, and no NATS message
 * is published for them alone. Only a grant with no batch to ride goes by itself, on
 * `<prefix>.<sender>.credit`: u32 granting node, u32 credit granted so far in all (little-endian,
 * wrapping at 2^32). A total, not an increment: a grant that NATS lost is made good by the next
 * one, and one that came both ways counts once. Entries lost on the way (a gap in the link's
 * sequence numbers; each batch's head says the credit spent before it) are granted back as if
 * handed on, so the window does not shrink by what never arrived.
 *
 * A window in records (16,384 of them) bounded nothing in bytes: a flood of 256 KiB messages at a
 * busy actor put all of it on its way, to wait in the other node's memory. In bytes, the window is
 * also larger for small records: 4 MiB is ~90,000 records of four numbers, where 16,384 of them
 * held an actor's one-way flood of such messages to another process back for 2.6-3.0 s of every
 * ~4.5 (`bench/_prof_oneway.ts numbers`: 1.41-1.48M msg/s then, 1.45-1.60M and 0.3-0.5 s of stalls
 * with 4 MiB, three runs each, alternating).
 *
 * @module
 */

import { BacklogBytes } from "../delivery/mod.ts";
import { Fifo } from "../util/fifo.ts";
import { creditOf } from "./wire.ts";

export { creditOf, RECORD_CREDIT } from "./wire.ts";

/**
 * Credit a sender may have on its way to a node before it hears from that node: bytes of records,
 * each with RECORD_CREDIT more (see the module doc).
 */
export const CREDIT_WINDOW = 4 << 20;
/**
 * Bytes of records waiting for credit (all nodes) after which the outbox is no longer read: until
 * then, records to other nodes go on past those of a node out of credit (one that froze, say,
 * until it is declared down).
 */
export const MAX_WAITING_BYTES = 8 << 20;

/**
 * The records waiting for one node's credit: their bytes in one buffer that grows, not a copy of
 * its own each. In a flood to a node slower than this one, every record waits here a while; a
 * `Uint8Array` made and dropped per record took the CPU the other process needed (measured, an
 * actor's flood of four-number messages to another process, the pump yielding by task:
 * 0.98–1.0M msg/s with a copy each, 0.92–1.41M in one buffer, within the noise of keeping
 * almost none).
 */
interface Kept {
  /** Their bytes; the oldest starts at `bytes.head`. */
  readonly bytes: BacklogBytes;
  /** Where each ends in `bytes`, oldest first (each starts where the last ends). */
  readonly ends: Fifo<number>;
}

/** A node's credit stalls: a stall lasts from its first record kept to its last one let go. */
interface Stalls {
  count: number;
  /** Ms in the stalls that ended. */
  ms: number;
  /** When the current stall began (performance.now()); -1: none now. */
  since: number;
}

/** The sender's side: credit per node, and the records waiting for it. */
export class Credits {
  readonly #credit = new Map<number, number>();
  /** Per node, the total it has granted so far (see the module doc). */
  readonly #grantedTotal = new Map<number, number>();
  /** Per node, the records waiting for its credit (an entry only while some wait). */
  readonly #kept = new Map<number, Kept>();
  readonly #stalls = new Map<number, Stalls>();
  /** The nodes whose records are kept whatever their credit (see {@link pause}). */
  readonly #paused = new Set<number>();
  /** The paused nodes waiting for their first answer: what they keep is no credit stall. */
  readonly #firstAnswer = new Set<number>();
  #waitingBytes = 0;
  #granted: (() => void) | null = null;

  /**
   * Takes the credit for a record of `length` bytes to `node`: false when it must wait (see
   * {@link keep}).
   */
  take(node: number, length: number): boolean {
    if (this.available(node) === 0) return false;
    this.spend(node, creditOf(length));
    return true;
  }

  /**
   * The credit left for `node` now: 0 while records wait for its credit (a new one goes behind
   * them). A record may go while it is above 0 (see the module doc). A sender of a run of records
   * asks once, and {@link spend}s what they used.
   */
  available(node: number): number {
    if (this.#kept.has(node) || this.#paused.has(node)) return 0;
    return Math.max(0, this.#credit.get(node) ?? CREDIT_WINDOW);
  }

  /** Records to `node` spent `credit` (see creditOf), sent while {@link available} was above 0. */
  spend(node: number, credit: number): void {
    this.#credit.set(node, (this.#credit.get(node) ?? CREDIT_WINDOW) - credit);
  }

  /** Keeps a copy of the record `bytes[start, end)` until `node` grants credit. */
  keep(node: number, bytes: Uint8Array, start: number, end: number): void {
    let kept = this.#kept.get(node);
    if (kept === undefined) {
      this.#kept.set(node, kept = { bytes: new BacklogBytes(), ends: new Fifo() });
      if (!this.#firstAnswer.has(node)) this.#stallBegins(node);
    }
    kept.ends.push(kept.bytes.append(bytes, start, end) + end - start);
    this.#waitingBytes += end - start;
  }

  /** Records waiting for `node`'s credit (not those waiting for its first answer, see pause). */
  waiting(node: number): number {
    if (this.#firstAnswer.has(node)) return 0;
    return this.#kept.get(node)?.ends.length ?? 0;
  }

  /** How many times records waited for `node`'s credit, and for how long in all (ms). */
  stalls(node: number): { count: number; ms: number } {
    const stalls = this.#stalls.get(node);
    if (stalls === undefined) return { count: 0, ms: 0 };
    const now = stalls.since < 0 ? 0 : performance.now() - stalls.since;
    return { count: stalls.count, ms: stalls.ms + now };
  }

  /** Whether so much waits for credit that the outbox should not be read for now. */
  get full(): boolean {
    return this.#waitingBytes >= MAX_WAITING_BYTES;
  }

  /** Resolves at the next grant (or {@link wake}). */
  granted(): Promise<void> {
    return new Promise((resolve) => this.#granted = resolve);
  }

  /** Lets whoever waits in {@link granted} go on (the link closes). */
  wake(): void {
    this.#granted?.();
    this.#granted = null;
  }

  /**
   * `node` has granted `total` credit so far: hands the waiting records it now has room for to
   * `each` (`node`, then the record as `bytes[start, end)`, valid during the call only), oldest
   * first, their credit taken; returns how many. A total not above the last one (a grant
   * overtaken by a later one) changes nothing.
   */
  grant(
    node: number,
    total: number,
    each: (node: number, bytes: Uint8Array, start: number, end: number) => void,
  ): number {
    const more = (total - (this.#grantedTotal.get(node) ?? 0)) >>> 0;
    // Most batches' heads bring no news.
    if (more === 0 || more >= 0x8000_0000) return 0;
    this.#grantedTotal.set(node, total);
    this.refund(node, more);
    return this.release(node, each);
  }

  /**
   * Credit spent on records to `node` that never left comes back (their batch was refused, see
   * batch_sender.ts); the records that wait for it go with {@link release}.
   */
  refund(node: number, credit: number): void {
    this.#credit.set(node, (this.#credit.get(node) ?? CREDIT_WINDOW) + credit);
  }

  /**
   * Hands the records waiting for `node`'s credit to `each`, as {@link grant} does, while credit
   * lasts; returns how many.
   */
  release(
    node: number,
    each: (node: number, bytes: Uint8Array, start: number, end: number) => void,
  ): number {
    const kept = this.#kept.get(node);
    let ready = 0;
    try {
      // The credit is read and written at each record, not kept aside: `each` may refund some.
      while (
        kept !== undefined && kept.ends.length > 0 && this.#creditOf(node) > 0 &&
        !this.#paused.has(node)
      ) {
        const { bytes, ends } = kept;
        const head = bytes.head;
        const last = ends.shift()!;
        const buffer = bytes.buffer;
        const start = bytes.offsetOf(head);
        // Gone from the queue before `each` runs: a record it threw on is not sent again, nor
        // glued to the next one. (Released bytes stay as they are until the next keep.)
        bytes.release(last);
        this.#waitingBytes -= last - head;
        ready++;
        this.#credit.set(node, this.#creditOf(node) - creditOf(last - head));
        each(node, buffer, start, start + last - head);
      }
    } finally {
      if (kept !== undefined && kept.ends.length === 0 && this.#kept.get(node) === kept) {
        // The stall is over: its buffer goes with it (a flood's can have grown to megabytes).
        this.#kept.delete(node);
        this.#stallEnds(node);
      } else if (kept !== undefined && kept.ends.length > 0 && !this.#firstAnswer.has(node)) {
        // What waited for the node's first answer (see pause) may wait for its credit now.
        this.#stallBegins(node);
      }
      this.wake();
    }
    return ready;
  }

  /**
   * Keeps the records to `node` from now on, whatever its credit, until {@link resume}: this
   * node's connection is lost, or back but `node` has not answered since (it may not have
   * subscribed again yet, and what the server gets for it meanwhile is dropped), or `node` has
   * not answered yet at all (`stall` false: what waits for that is no credit stall).
   */
  pause(node: number, stall = true): void {
    this.#paused.add(node);
    if (stall) this.#firstAnswer.delete(node);
    else this.#firstAnswer.add(node);
  }

  /** Whether `node` is paused only until its first answer (see {@link pause}). */
  awaitsFirstAnswer(node: number): boolean {
    return this.#firstAnswer.has(node);
  }

  /** Whether `node` is paused (see {@link pause}). */
  isPaused(node: number): boolean {
    return this.#paused.has(node);
  }

  /** Ends {@link pause}; the records kept go with {@link release}. */
  resume(node: number): void {
    this.#paused.delete(node);
    this.#firstAnswer.delete(node);
  }

  #creditOf(node: number): number {
    return this.#credit.get(node) ?? CREDIT_WINDOW;
  }

  /** The nodes that have records waiting for their credit. */
  waitingNodes(): number[] {
    return Array.from(this.#kept.keys());
  }

  /** `node` is down: its waiting records, to become dead letters; it is forgotten. */
  drop(node: number): Uint8Array[] {
    const kept = this.#kept.get(node);
    this.#kept.delete(node);
    this.#paused.delete(node);
    this.#firstAnswer.delete(node);
    this.#credit.delete(node);
    this.#grantedTotal.delete(node);
    this.#stallEnds(node);
    const dropped: Uint8Array[] = [];
    if (kept !== undefined) {
      const { bytes, ends } = kept;
      for (let end = ends.shift(); end !== undefined; end = ends.shift()) {
        const head = bytes.head;
        dropped.push(bytes.copyOf(head, end - head));
        this.#waitingBytes -= end - head;
        bytes.release(end);
      }
    }
    this.wake();
    return dropped;
  }

  /** @internal How many entries its maps hold (tests: what stays per node that left). */
  sizes(): Record<string, number> {
    return {
      credit: this.#credit.size,
      grantedTotal: this.#grantedTotal.size,
      kept: this.#kept.size,
      stalls: this.#stalls.size,
      paused: this.#paused.size,
      firstAnswer: this.#firstAnswer.size,
    };
  }

  /**
   * Forgets `node`'s stalls: it went down a while ago, and its figures are no longer listed (see
   * LinkFigures, DOWN_LINK_LISTED_MS). Kept past {@link drop} so that the figures of a node down
   * still say how it stalled, then dropped: nodes restart as new nodes, and a long-lived node kept
   * them for every node that ever ran out of credit (or waited through an outage).
   */
  forgetStalls(node: number): void {
    this.#stalls.delete(node);
  }

  /** A stall of `node` begins, unless one is on already. */
  #stallBegins(node: number): void {
    let stalls = this.#stalls.get(node);
    if (stalls === undefined) this.#stalls.set(node, stalls = { count: 0, ms: 0, since: -1 });
    if (stalls.since >= 0) return;
    stalls.count++;
    stalls.since = performance.now();
  }

  #stallEnds(node: number): void {
    const stalls = this.#stalls.get(node);
    if (stalls === undefined || stalls.since < 0) return;
    stalls.ms += performance.now() - stalls.since;
    stalls.since = -1;
  }
}

/**
 * Credit owed to a node that is granted at once; less waits for {@link GRANT_AFTER_MS}, or for
 * a batch to that node to ride in. A grant per batch was a NATS message back per message in a
 * request/reply exchange: each round trip carried two grants beside its request and reply, and
 * woke both nodes once more.
 */
export const GRANT_AT = CREDIT_WINDOW / 4;
/** How long a grant smaller than {@link GRANT_AT} waits, for more to go with it. */
export const GRANT_AFTER_MS = 5;

/**
 * The receiver's side: the credit of records handed on, per sending node, not yet granted back — granted with
 * the next batch this node publishes to that node ({@link riding}), else once it is owed
 * {@link GRANT_AT}, else within {@link GRANT_AFTER_MS}. A record counts as handed
 * on once it is in its mailbox (or a dead letter): one that waits for room in this thread's
 * backlog counts when it leaves it. So a window's worth of one node's records waiting here stops
 * that node; records that went in, to any actor, never hold credit back.
 */
export class Grants {
  readonly #owed = new Map<number, number>();
  /** Per node, the total granted so far (see the module doc). */
  readonly #granted = new Map<number, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /** @param send tells `node` it has been granted `total` credit so far. */
  constructor(readonly send: (node: number, count: number) => void) {}

  /** Records from `node` that spent `credit` (see creditOf) were handed on. */
  handed(node: number, credit: number): void {
    if (this.#closed) return;
    const owed = (this.#owed.get(node) ?? 0) + credit;
    if (owed >= GRANT_AT) {
      this.#owed.delete(node);
      this.#grant(node, owed);
      return;
    }
    this.#owed.set(node, owed);
    this.#timer ??= setTimeout(this.#onTimer, GRANT_AFTER_MS);
  }

  /**
   * A batch is about to be published to `node`: what it is owed goes with it. Returns the total
   * granted to it so far, for the batch's head (wire.ts); 0 before its first grant, which its
   * sender reads as no news.
   */
  riding(node: number): number {
    const owed = this.#owed.get(node);
    if (owed === undefined) return this.#granted.get(node) ?? 0;
    this.#owed.delete(node);
    return this.#count(node, owed);
  }

  /** The total granted to `node` so far (0: none yet). */
  total(node: number): number {
    return this.#granted.get(node) ?? 0;
  }

  /**
   * The batch that carried `node`'s grant (see {@link riding}) never left: the total granted so
   * far goes by itself.
   */
  resend(node: number): void {
    const total = this.#granted.get(node);
    if (total !== undefined && !this.#closed) this.send(node, total);
  }

  /** `node` is down: nothing more is granted to it. */
  forget(node: number): void {
    this.#owed.delete(node);
    this.#granted.delete(node);
  }

  /** @internal How many entries its maps hold (tests: what stays per node that left). */
  sizes(): Record<string, number> {
    return { grantsOwed: this.#owed.size, grantsGranted: this.#granted.size };
  }

  /** Stops granting, for good. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#owed.clear();
  }

  #grant(node: number, count: number): void {
    this.send(node, this.#count(node, count));
  }

  /** Adds `count` to the total granted to `node`; returns the new total. */
  #count(node: number, count: number): number {
    const total = ((this.#granted.get(node) ?? 0) + count) >>> 0;
    this.#granted.set(node, total);
    return total;
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#settle();
  };

  #settle(): void {
    if (this.#closed) return;
    for (const [node, count] of this.#owed) this.#grant(node, count);
    this.#owed.clear();
  }
}
