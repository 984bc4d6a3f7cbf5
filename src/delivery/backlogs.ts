/**
 * Backlogs: what one thread's sends leave waiting for room in full mailboxes — one backlog per
 * mailbox (all refs to an actor share the thread's one handle on its mailbox: see
 * MailboxHandles), in order; later sends to that mailbox queue behind them (see posting.ts), so
 * no sender's order depends on the ref it used.
 *
 * Two ways a backlog moves:
 * - **flushed**: only this thread can make room (it receives from the mailbox). The receive loop
 *   sends what fits after each turn ({@link Backlogs.flushLocal}) and measures the time the
 *   receiver had to drain — the time between turns, and the receiver's own turns, not other
 *   actors' — which the policy compares with the send timeout.
 * - **drained**: another thread makes room. The backlog sends what fits whenever this thread
 *   looks: after each of its receive loop's turns (Workers), on each look of the Bridge's reply
 *   pump and every 16 replies it reads ({@link Backlogs.moveDrained}: the main thread, while
 *   calls are pending), and when a wait for room without blocking (`Transport.whenRoom`, one per
 *   backlog) ends. While that wait is under way the receiver publishes each record's room at
 *   once, so a thread that looks refills the mailbox as the receiver drains it, with no wake-up
 *   between: a pipeline, not a wake-up per ring-full.
 *
 * Loss. A Worker's backlogs die with it. So that none of their messages is lost silently, each
 * keeps its length in the Worker's held table (held_table.ts: shared memory, a plain store by
 * this thread after each change), which the system reads when the Worker dies, whichever Worker
 * the backlog's actor is on. (A Worker dying just as a message moves from its backlog into the
 * ring may count that one twice — never none.) The system's own thread does not die alone: it
 * keeps no table.
 *
 * Bytes. A backlog keeps its records' bytes in one buffer of its own (backlog_bytes.ts), in the
 * order they wait; a {@link Waiting} names its record by position there.
 *
 * @module
 */

import {
  type ActorRef,
  type DeadLetterKind,
  describeError,
  type Undelivered,
} from "../actor/mod.ts";
import { type Mailbox, MailboxClosedError, MailboxFullError } from "../ring/mod.ts";
import { Fifo } from "../util/fifo.ts";
import { BacklogBytes } from "./backlog_bytes.ts";
import type { Transport } from "./transport.ts";
import { abortQuietly } from "../util/abort_quietly.ts";
import { sentBySystem } from "./system_sender.ts";
import type { HeldCount, HeldTable } from "./held_table.ts";
import { closedLetter } from "./closed_as.ts";

/** A message waiting for room in a full mailbox. */
export interface Waiting {
  /** Where its record is in its backlog's bytes (set as it is queued: see Backlogs.push). */
  at: number;
  /** Its record's length in bytes. */
  length: number;
  target: ActorRef<unknown>;
  sender: ActorRef<unknown> | null;
  message: unknown;
  /**
   * Whether `message` was never decoded (a record from another node, passed on as it came):
   * the record is decoded only if it becomes a dead letter.
   */
  encoded: boolean;
  /**
   * The node whose cluster link handed it on (0: none): that node's credit for it is granted
   * back once it leaves the backlog (see BacklogOwner.leftBacklog).
   */
  from: number;
  /**
   * Whether it is someone's message, counted in the Worker's held table if it dies with it: not
   * the runtime's own notice (a Stop to children, a Failed, an Undeliverable answer), whose
   * subject the system's recovery settles.
   */
  counted: boolean;
  /** Ms it may wait before it becomes a dead letter (Infinity: never). */
  maxWait: number;
  /**
   * When it becomes a dead letter, by `performance.now()` (Infinity: never); NaN until it is
   * stamped, as the turn that queued it ends (see Backlogs.push).
   */
  expires: number;
}

/** What waits for room in one mailbox, sent from this thread, oldest first. */
export class Backlog {
  readonly entries = new Fifo<Waiting>();
  /** The entries' records, in the same order. */
  readonly bytes = new BacklogBytes();
  /**
   * Ms the receiver had to drain since the head last moved (flushed backlogs): measured by the
   * receive loop's turns (see Backlogs.beforeTurn and flushLocal).
   */
  waited = 0;
  /** When `waited` was last brought up to date; -1: not yet (it began in the turn under way). */
  checkedAt = -1;
  /** Set once it is no longer this thread's (emptied, or given up on): its wait ends. */
  done = false;
  /** Ends the wait for room under way (#drain) once the backlog is done; null: none began. */
  wake: AbortController | null = null;
  /** Where its length is kept for the system if this Worker dies; null: not kept (see module). */
  held: HeldCount | null = null;
  /** How many of its entries are {@link Waiting.counted}: what its held count says. */
  counted = 0;

  /**
   * @param flushed whether the receive loop of this thread sends it (flushLocal), because only
   * this thread makes room in the mailbox; otherwise Backlogs drains it without blocking.
   */
  constructor(readonly mailbox: Mailbox, readonly flushed: boolean) {}
}

/** What backlogs need of their courier. */
export interface BacklogOwner {
  /** Reports a message that waited and will never be delivered. */
  deadLetter(lost: Undelivered): void;
  /** A short name for the actor behind a ref. */
  describe(target: ActorRef<unknown>): string;
  /** The message of the record `record` (undefined when it does not decode), for a report. */
  decodeRecord(record: Uint8Array): unknown;
  /** The sender of the system's own messages, whose loss is nobody's. */
  readonly systemSender: ActorRef<unknown> | null;
  /**
   * Whether the system gave this Worker up: its backlogs are then the system's to count (see
   * heldTable), not its own to dead-letter.
   */
  readonly abandoned: (() => boolean) | null;
  /** Where a Worker keeps its backlogs' lengths for the system (see the module); null: none. */
  readonly heldTable: HeldTable | null;
  /** Where the records go once there is room. */
  readonly transport: Transport<Mailbox>;
  /**
   * Called when a message from another node (see {@link Waiting.from}) leaves its backlog:
   * into its mailbox, or as a dead letter; `length` is its record's. The cluster link holds
   * that node's credit for it until then, so that what waits here for room is bounded by the
   * link's window — and only what waits holds credit back, not every record of the link.
   */
  readonly leftBacklog: ((node: number, length: number) => void) | null;
}

/** One thread's backlogs, by mailbox offset. */
export class Backlogs {
  readonly #byOffset = new Map<number, Backlog>();
  /** The flushed and Worker backlogs, whose waiting time the receive loop's turns measure. */
  readonly #timed: Backlog[] = [];
  /** The backlogs another thread makes room for (see {@link moveDrained}). */
  readonly #drained: Backlog[] = [];
  /** Set by a graceful shutdown (main thread): nothing waiting for room expires any more. */
  #holding = false;
  /** Messages queued in this turn that may expire, stamped as it ends (see {@link push}). */
  readonly #unstamped: Waiting[] = [];
  readonly #stampAll = (): void => {
    const now = performance.now();
    const unstamped = this.#unstamped;
    for (let i = 0; i < unstamped.length; i++) {
      const waiting = unstamped[i];
      waiting.expires = now + waiting.maxWait;
    }
    unstamped.length = 0;
  };

  /** Resolves the wait of {@link whenEmpty}; null: none. */
  #emptied: (() => void) | null = null;

  /**
   * @param timed whether the receive loop's turns time the backlogs (Workers: see
   * {@link flushLocal}).
   */
  constructor(readonly owner: BacklogOwner, readonly timed: boolean) {}

  /** How many mailboxes have messages waiting. */
  get size(): number {
    return this.#byOffset.size;
  }

  /** Calls `visit` with each message waiting for room in `mailbox`, in order. */
  forEachWaiting(mailbox: Mailbox, visit: (waiting: Waiting) => void): void {
    this.#byOffset.get(mailbox.offset)?.entries.forEach(visit);
  }

  /** The backlog of the mailbox at `offset`, if messages wait for it. */
  get(offset: number): Backlog | undefined {
    return this.#byOffset.get(offset);
  }

  /** Whether messages to this thread's own mailboxes wait for room (see {@link flushLocal}). */
  get hasTimed(): boolean {
    return this.#timed.length > 0;
  }

  /**
   * Starts a backlog for `mailbox` with its first message, whose record is
   * `record[start..end)` (copied); drains it unless it is flushed.
   */
  open(
    mailbox: Mailbox,
    flushed: boolean,
    first: Waiting,
    record: Uint8Array,
    start = 0,
    end: number = record.length,
  ): void {
    const backlog = new Backlog(mailbox, flushed);
    const target = first.target;
    if (!this.#givenUp()) {
      backlog.held = this.owner.heldTable?.take(
        target.node === 0 ? target.slot : -1,
        target.generation,
      ) ?? null;
    }
    this.push(backlog, first, record, start, end);
    this.#byOffset.set(mailbox.offset, backlog);
    if (this.timed) this.#timed.push(backlog);
    if (!flushed) {
      this.#drained.push(backlog);
      this.#drain(backlog);
    }
  }

  /** Queues a message, whose record is `record[start..end)` (copied), behind those waiting. */
  push(
    backlog: Backlog,
    waiting: Waiting,
    record: Uint8Array,
    start = 0,
    end: number = record.length,
  ): void {
    waiting.at = backlog.bytes.append(record, start, end);
    waiting.length = end - start;
    if (waiting.maxWait === Infinity) waiting.expires = Infinity;
    else {
      // Its wait counts from the end of this turn: never less than it may wait, a little more
      // at most. One clock read a turn, not one a message: a read cost more than all the rest
      // of queueing one (measured in a 10,000-call multiCall's sending).
      waiting.expires = NaN;
      if (this.#unstamped.length === 0) queueMicrotask(this.#stampAll);
      this.#unstamped.push(waiting);
    }
    backlog.entries.push(waiting);
    if (waiting.counted) backlog.counted++;
    this.#countHeld(backlog);
  }

  /** A turn is about to begin: the time since the last turn ended was the receivers' to drain in. */
  beforeTurn(): void {
    const now = performance.now();
    for (const backlog of this.#timed) {
      if (backlog.checkedAt < 0) continue;
      backlog.waited += now - backlog.checkedAt;
      backlog.checkedAt = now;
    }
  }

  /**
   * After a turn (of `served`'s actor; null: no turn, the loop is about to park): sends what
   * waits for room in this thread's own mailboxes, as far as there is room now, and counts the
   * turn as time to drain for the backlog of `served` only — another actor's turn, the
   * sender's included, gave it none. Then moves what waits for other threads' mailboxes
   * ({@link moveDrained}).
   */
  flushLocal(served: Mailbox | null): void {
    const timed = this.#timed;
    const now = performance.now();
    for (let i = 0; i < timed.length; i++) {
      const backlog = timed[i];
      if (backlog.checkedAt >= 0 && backlog.mailbox === served) {
        backlog.waited += now - backlog.checkedAt;
      }
      backlog.checkedAt = now;
      if (!backlog.flushed) continue; // moved with the drained ones, below
      if (this.#move(backlog)) return;
      if (backlog.entries.length === 0) {
        i--;
        this.#forget(backlog);
      }
    }
    this.moveDrained();
  }

  /**
   * Sends what waits for room in other threads' mailboxes, as far as there is room now: for a
   * thread that looks often while it waits for something else (the Bridge's reply pump), so
   * that the receivers never wait for a wake-up of this thread to get more.
   */
  moveDrained(): void {
    const drained = this.#drained;
    for (let i = 0; i < drained.length; i++) {
      const backlog = drained[i];
      if (this.#move(backlog)) return;
      if (backlog.entries.length === 0) {
        i--;
        this.#forget(backlog);
      }
    }
  }

  /**
   * Sends what waits in `backlog` as far as there is room now: before a new message to its
   * mailbox queues behind it, so that a sender's burst keeps a receiver that drains busy rather
   * than leaving it to wait for this thread's next look.
   * @returns whether nothing waits any more (the backlog is gone: the new message may go in).
   */
  moveAll(backlog: Backlog): boolean {
    if (this.#move(backlog) || backlog.entries.length > 0) return false;
    this.#forget(backlog);
    return true;
  }

  /**
   * Sends what waits in `backlog`, oldest first, blocking this thread for room up to
   * `timeoutMs` in all: for a Worker's send that waits for room, as it would with nothing queued
   * before it (see WAIT in policy.ts), when the runtime's own notices queued for that mailbox.
   * `giveUp` as for Transport.sendWaiting: only this thread can make room now.
   * @returns "sent" when all of it went (the backlog is gone); "waited-out" when the time ran out
   * first (what is left waits on), or the system gave this Worker up; "given-up" when `giveUp`
   * ended a wait (what is left waits on).
   */
  sendAllWaiting(
    backlog: Backlog,
    timeoutMs: number,
    giveUp?: () => boolean,
  ): "sent" | "waited-out" | "given-up" {
    const { mailbox, entries, bytes } = backlog;
    const transport = this.owner.transport;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.#move(backlog)) return "waited-out";
      if (entries.length === 0) break;
      const remaining = deadline - performance.now();
      if (!(remaining > 0)) return "waited-out";
      const head = entries.peek()!;
      const start = bytes.offsetOf(head.at);
      try {
        const sent = transport.sendBytesWaiting(
          mailbox,
          bytes.buffer,
          start,
          start + head.length,
          remaining,
          giveUp,
        );
        if (!sent) return "given-up";
      } catch (error) {
        if (error instanceof MailboxFullError) return "waited-out";
        if (error instanceof MailboxClosedError && this.#givenUp()) return "waited-out";
        this.#lose(backlog, head, error);
      }
      this.#shift(backlog);
      backlog.waited = 0;
    }
    this.#forget(backlog);
    return "sent";
  }

  /** Whether messages wait for room in other threads' mailboxes (see {@link moveDrained}). */
  get hasDrained(): boolean {
    return this.#drained.length > 0;
  }

  /**
   * Sends what waits in `backlog`, oldest first, while there is room.
   * @returns true when it stopped because the system gave this Worker up (which then counts
   * what is held: nothing more may move).
   */
  #move(backlog: Backlog): boolean {
    const { mailbox, entries, bytes } = backlog;
    const transport = this.owner.transport;
    const before = entries.length;
    while (entries.length > 0) {
      const next = entries.peek()!;
      const start = bytes.offsetOf(next.at);
      try {
        if (!transport.offerBytes(mailbox, bytes.buffer, start, start + next.length)) break;
      } catch (error) {
        // Closed because the system gave this Worker up: it counts what is held.
        if (error instanceof MailboxClosedError && this.owner.abandoned?.()) {
          return true;
        }
        this.#lose(backlog, next, error);
      }
      this.#shift(backlog);
    }
    if (entries.length !== before) backlog.waited = 0;
    return false;
  }

  /**
   * Stops what waits for room (on this thread) from expiring: a graceful shutdown waits for it,
   * and its own timeout governs it (see {@link drop}).
   */
  hold(): void {
    this.#holding = true;
  }

  /**
   * Gives up on what waits for room in `mailbox`: each message becomes a dead letter of `kind`
   * (the system's own are dropped silently). Close the mailbox first, so that nothing more is
   * sent to it.
   * @returns how many messages became dead letters.
   */
  drop(mailbox: Mailbox, kind: DeadLetterKind, reason: string): number {
    const backlog = this.#byOffset.get(mailbox.offset);
    if (backlog === undefined) return 0;
    this.#forget(backlog);
    let dropped = 0;
    while (backlog.entries.length > 0) {
      dropped += this.#drop(backlog, backlog.entries.peek()!, kind, reason);
      this.#shift(backlog);
    }
    return dropped;
  }

  /** What a dead letter of `waiting`, of `backlog`, reports as its message. */
  #messageOf(backlog: Backlog, waiting: Waiting): unknown {
    if (!waiting.encoded) return waiting.message;
    return this.owner.decodeRecord(backlog.bytes.copyOf(waiting.at, waiting.length));
  }

  /**
   * Makes a dead letter of a message that waited in `backlog`; 1 if it was someone's, 0 if the
   * system's.
   */
  #drop(backlog: Backlog, waiting: Waiting, kind: DeadLetterKind, reason: string): number {
    this.owner.deadLetter({
      target: waiting.target,
      sender: waiting.sender,
      message: this.#messageOf(backlog, waiting),
      kind,
      reason,
    });
    return sentBySystem(waiting.sender, this.owner.systemSender) ? 0 : 1;
  }

  /** The backlog is no longer this thread's (emptied, or given up on): its wait for room ends. */
  #forget(backlog: Backlog): void {
    backlog.done = true;
    abortQuietly(backlog.wake);
    remove(this.#timed, backlog);
    if (!backlog.flushed) remove(this.#drained, backlog);
    this.#byOffset.delete(backlog.mailbox.offset);
    if (backlog.held !== null) {
      if (!this.#givenUp()) this.owner.heldTable?.release(backlog.held);
      backlog.held = null;
    }
    if (this.#byOffset.size === 0 && this.#emptied !== null) {
      const emptied = this.#emptied;
      this.#emptied = null;
      emptied();
    }
  }

  /**
   * Resolves once nothing waits for room here any more: a Worker that ends by itself waits for
   * that before it goes, so that what it accepted is not lost with it.
   */
  whenEmpty(): Promise<void> {
    if (this.#byOffset.size === 0) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    const before = this.#emptied;
    this.#emptied = before === null ? resolve : () => {
      before();
      resolve();
    };
    return promise;
  }

  /** Takes the backlog's head off it (sent, or lost). */
  #shift(backlog: Backlog): void {
    const head = backlog.entries.shift()!;
    if (head.counted) backlog.counted--;
    backlog.bytes.release(head.at + head.length);
    this.#countHeld(backlog);
    if (head.from !== 0) this.owner.leftBacklog?.(head.from, head.length);
  }

  /**
   * Sends a backlog as room comes, without blocking the thread: one wait for room at a time,
   * for the head, and then whatever fits (the looks of {@link moveDrained} may move it sooner).
   * The head becomes a dead letter if no room came before it expired.
   */
  async #drain(backlog: Backlog): Promise<void> {
    const { mailbox, entries } = backlog;
    for (;;) {
      if (this.#move(backlog)) return;
      if (entries.length === 0) break;
      const head = entries.peek()!;
      // A backlog opened in this turn waits for its head before the turn's stamp.
      if (Number.isNaN(head.expires)) this.#stampAll();
      const timeout = this.#holding ? Infinity : head.expires - performance.now();
      const wake = backlog.wake ??= new AbortController();
      const failure = await this.owner.transport
        .whenRoom(mailbox, head.length, timeout, wake.signal)
        .then(
          () => null,
          (error: unknown) => error ?? new Error("the wait for room failed"),
        );
      if (backlog.done) return; // emptied by a look meanwhile, or dropped
      if (failure === null) continue;
      // Held (a graceful shutdown began), or the head went meanwhile: the new head has its time.
      if (
        failure instanceof MailboxFullError &&
        (this.#holding || entries.peek() !== head)
      ) continue;
      // Closed because the system gave this Worker up: it counts what is held.
      if (failure instanceof MailboxClosedError && this.owner.abandoned?.()) {
        return;
      }
      this.#lose(backlog, head, failure);
      this.#shift(backlog);
      backlog.waited = 0;
    }
    this.#forget(backlog);
  }

  /** Keeps a Worker's backlog's length where the system finds it if the Worker dies. */
  #countHeld(backlog: Backlog): void {
    const held = backlog.held;
    if (held !== null && !this.#givenUp()) held.words[held.at] = backlog.counted;
  }

  /**
   * Whether the system gave this Worker up. Its held table is the system's then: read, and its
   * blocks freed for reuse (a mailbox's ring, say), while a handler the termination did not
   * interrupt may still send here — no word of the table is written any more.
   */
  #givenUp(): boolean {
    return this.owner.abandoned?.() === true;
  }

  /** Reports a message that waited in `backlog` and could not be sent, with why. */
  #lose(backlog: Backlog, waiting: Waiting, error: unknown): void {
    const name = this.owner.describe(waiting.target);
    if (error instanceof MailboxFullError) {
      this.#drop(backlog, waiting, "mailbox-full", fullReason(name));
    } else if (error instanceof MailboxClosedError) {
      // The runtime's own notice to an actor that has stopped is moot: nobody's lost message
      // (as a notice's send that meets the closed mailbox, see Posting).
      if (!waiting.counted) return;
      // Closed as its actor ended with its Worker: as what was in the mailbox (see closed_as.ts).
      const { kind, reason } = closedLetter(backlog.mailbox, name);
      this.#drop(backlog, waiting, kind, reason);
    } else {
      this.#drop(backlog, waiting, "stopped", `it could not be sent: ${describeError(error)}`);
    }
  }
}

/** Why a message for the actor `name` became a dead letter for lack of room. */
export function fullReason(name: string): string {
  return `the mailbox of ${name} stayed full for the whole send timeout`;
}

/** Removes `item` from `list`, if it is there. */
function remove<T>(list: T[], item: T): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}
