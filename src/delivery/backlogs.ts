/**
 * Backlogs: what one thread's sends leave waiting for room in full mailboxes — one backlog per
 * mailbox (all refs to an actor share the thread's one handle on its mailbox: see
 * MailboxHandles), in order; later sends to that mailbox queue behind them (see the courier), so
 * no sender's order depends on the ref it used.
 *
 * Two ways a backlog moves:
 * - **flushed**: only this thread can make room (it receives from the mailbox). The receive loop
 *   sends what fits after each turn ({@link Backlogs.flushLocal}) and measures the time the
 *   receiver had to drain — the time between turns, and the receiver's own turns, not other
 *   actors' — which the policy compares with the send timeout.
 * - **drained**: another thread makes room. {@link Backlogs} waits for it without blocking
 *   (`Transport.sendLater`), one message at a time.
 *
 * Loss. A Worker's backlogs die with it. So that none of their messages is lost silently, each
 * keeps its length in its mailbox's held count {@link BACKLOG_HELD} (shared memory: a plain store
 * by this thread after each change), which the system reads when it recovers the mailbox of a
 * dead Worker. A Worker keeps backlogs only for mailboxes it receives from, or whose actor is to
 * start on it: the one thread that writes that count. (A Worker dying just as a message moves
 * from its backlog into the ring may count that one twice — never none.) The system's own thread
 * keeps backlogs for any mailbox, but it does not die alone: it writes no count.
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
import type { Transport } from "./transport.ts";

/** Which of a mailbox's held counts (see Mailbox.heldIndex) a Worker's backlog keeps. */
export const BACKLOG_HELD = 1;

/** A message waiting for room in a full mailbox. */
export interface Waiting {
  bytes: Uint8Array;
  target: ActorRef<unknown>;
  sender: ActorRef<unknown> | null;
  message: unknown;
  /**
   * Whether `message` was never decoded (a record from another node, passed on as it came):
   * `bytes` is decoded only if it becomes a dead letter.
   */
  encoded: boolean;
  /** When it becomes a dead letter, by `performance.now()` (Infinity: never). */
  expires: number;
}

/** What waits for room in one mailbox, sent from this thread, oldest first. */
export class Backlog {
  readonly entries = new Fifo<Waiting>();
  /**
   * Ms the receiver had to drain since the head last moved (flushed backlogs): measured by the
   * receive loop's turns (see Backlogs.beforeTurn and flushLocal).
   */
  waited = 0;
  /** When `waited` was last brought up to date; -1: not yet (it began in the turn under way). */
  checkedAt = -1;
  /** The head's send under way in #drain: resolves to null once sent, or to why it was not. */
  inFlight: Promise<unknown> | null = null;
  /** Set when it was given up on (Backlogs.drop): the drop settles the head under way. */
  dropped = false;

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
   * BACKLOG_HELD), not its own to dead-letter.
   */
  readonly abandoned: (() => boolean) | null;
  /** Where the records go once there is room. */
  readonly transport: Transport<Mailbox>;
  /**
   * Called when the last backlog of this thread is gone: nothing waits for room any more (the
   * cluster link then grants the credit it held back; see src/remote/credits.ts).
   */
  readonly backlogsCleared: (() => void) | null;
}

/** One thread's backlogs, by mailbox offset. */
export class Backlogs {
  readonly #byOffset = new Map<number, Backlog>();
  /** The flushed and Worker backlogs, whose waiting time the receive loop's turns measure. */
  readonly #timed: Backlog[] = [];
  /** Set by a graceful shutdown (main thread): nothing waiting for room expires any more. */
  #holding = false;

  /**
   * @param counted whether backlogs keep their length in their mailbox's held count (Workers).
   */
  constructor(readonly owner: BacklogOwner, readonly counted: boolean) {}

  /** How many mailboxes have messages waiting. */
  get size(): number {
    return this.#byOffset.size;
  }

  /** The backlog of the mailbox at `offset`, if messages wait for it. */
  get(offset: number): Backlog | undefined {
    return this.#byOffset.get(offset);
  }

  /** Whether messages to this thread's own mailboxes wait for room (see {@link flushLocal}). */
  get hasTimed(): boolean {
    return this.#timed.length > 0;
  }

  /** Starts a backlog for `mailbox` with its first message; drains it unless it is flushed. */
  open(mailbox: Mailbox, flushed: boolean, first: Waiting): void {
    const backlog = new Backlog(mailbox, flushed);
    backlog.entries.push(first);
    this.#countHeld(backlog);
    this.#byOffset.set(mailbox.offset, backlog);
    if (this.counted) this.#timed.push(backlog);
    if (!flushed) this.#drain(backlog);
  }

  /** Queues a message behind those already waiting. */
  push(backlog: Backlog, waiting: Waiting): void {
    backlog.entries.push(waiting);
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
   * After a turn (of `served`'s actor): sends what waits for room in this thread's own
   * mailboxes, as far as there is room now, and counts the turn as time to drain for the
   * backlog of `served` only — another actor's turn, the sender's included, gave it none.
   */
  flushLocal(served: Mailbox): void {
    const timed = this.#timed;
    const now = performance.now();
    for (let i = 0; i < timed.length; i++) {
      const backlog = timed[i];
      if (backlog.checkedAt >= 0 && backlog.mailbox === served) {
        backlog.waited += now - backlog.checkedAt;
      }
      backlog.checkedAt = now;
      if (!backlog.flushed) continue; // #drain sends it
      const { mailbox, entries } = backlog;
      const before = entries.length;
      while (entries.length > 0) {
        const next = entries.peek()!;
        try {
          if (!this.owner.transport.offerBytes(mailbox, next.bytes)) break;
        } catch (error) {
          // Closed because the system gave this Worker up: it counts what is held.
          if (error instanceof MailboxClosedError && this.owner.abandoned?.()) {
            return;
          }
          this.#lose(next, error);
        }
        entries.shift();
        this.#countHeld(backlog);
      }
      if (entries.length !== before) backlog.waited = 0;
      if (entries.length === 0) {
        timed.splice(i--, 1);
        this.#delete(mailbox);
      }
    }
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
   * (the system's own are dropped silently). Close the mailbox first: a message whose send is
   * under way is settled once that send is, and it may still get in until the mailbox closes.
   * @returns how many messages became dead letters.
   */
  async drop(
    mailbox: Mailbox,
    kind: DeadLetterKind,
    reason: string,
  ): Promise<number> {
    const backlog = this.#byOffset.get(mailbox.offset);
    if (backlog === undefined) return 0;
    this.#forget(backlog);
    backlog.dropped = true;
    const inFlight = backlog.inFlight;
    const head = inFlight === null ? undefined : backlog.entries.shift();
    let dropped = 0;
    for (
      let next = backlog.entries.shift();
      next !== undefined;
      next = backlog.entries.shift()
    ) {
      dropped += this.#drop(next, kind, reason);
    }
    if (head !== undefined && (await inFlight) !== null) {
      dropped += this.#drop(head, kind, reason);
    }
    return dropped;
  }

  /** What a dead letter of `waiting` reports as its message. */
  #messageOf(waiting: Waiting): unknown {
    return waiting.encoded ? this.owner.decodeRecord(waiting.bytes) : waiting.message;
  }

  /** Makes a dead letter of a message that waited; 1 if it was someone's, 0 if the system's. */
  #drop(waiting: Waiting, kind: DeadLetterKind, reason: string): number {
    this.owner.deadLetter({
      target: waiting.target,
      sender: waiting.sender,
      message: this.#messageOf(waiting),
      kind,
      reason,
    });
    return waiting.sender !== null && waiting.sender === this.owner.systemSender ? 0 : 1;
  }

  #forget(backlog: Backlog): void {
    const at = this.#timed.indexOf(backlog);
    if (at >= 0) this.#timed.splice(at, 1);
    this.#delete(backlog.mailbox);
  }

  #delete(mailbox: Mailbox): void {
    if (this.#byOffset.delete(mailbox.offset) && this.#byOffset.size === 0) {
      this.owner.backlogsCleared?.();
    }
  }

  /** Sends a backlog as room appears, without blocking the thread. */
  async #drain(backlog: Backlog): Promise<void> {
    const { mailbox, entries } = backlog;
    while (entries.length > 0) {
      // What fits now goes now, without a promise each: room comes back a quarter ring at a time.
      if (this.#sendNow(backlog)) continue;
      const next = entries.peek()!;
      const timeout = this.#holding ? Infinity : next.expires - performance.now();
      const inFlight = backlog.inFlight = this.owner.transport.sendLater(
        mailbox,
        next.bytes,
        timeout,
      )
        .then(
          () => null,
          (error: unknown) => error ?? new Error("the send failed"),
        );
      const failure = await inFlight;
      backlog.inFlight = null;
      if (backlog.dropped) return; // drop() settles the head
      // Held (a graceful shutdown began) while it waited: it waits on.
      if (failure instanceof MailboxFullError && this.#holding) continue;
      // Closed because the system gave this Worker up: it counts what is held.
      if (failure instanceof MailboxClosedError && this.owner.abandoned?.()) {
        return;
      }
      if (failure !== null) this.#lose(next, failure);
      entries.shift();
      this.#countHeld(backlog);
      backlog.waited = 0;
    }
    this.#forget(backlog);
  }

  /**
   * Sends the backlog's head if its mailbox has room now; false when it has none, or the send
   * failed (the async send then meets the same and reports it).
   */
  #sendNow(backlog: Backlog): boolean {
    const entries = backlog.entries;
    try {
      if (!this.owner.transport.offerBytes(backlog.mailbox, entries.peek()!.bytes)) return false;
    } catch {
      return false;
    }
    entries.shift();
    this.#countHeld(backlog);
    backlog.waited = 0;
    return true;
  }

  /** Keeps a Worker's backlog's length where the system finds it if the Worker dies. */
  #countHeld(backlog: Backlog): void {
    if (!this.counted) return;
    const mailbox = backlog.mailbox;
    mailbox.heldWords[mailbox.heldIndex(BACKLOG_HELD)] = backlog.entries.length;
  }

  /** Reports a message that waited and could not be sent, with why. */
  #lose(waiting: Waiting, error: unknown): void {
    const target = waiting.target;
    const owner = this.owner;
    if (error instanceof MailboxFullError) {
      owner.deadLetter({
        target,
        sender: waiting.sender,
        message: this.#messageOf(waiting),
        kind: "mailbox-full",
        reason: fullReason(owner.describe(target)),
      });
    } else if (error instanceof MailboxClosedError) {
      owner.deadLetter({
        target,
        sender: waiting.sender,
        message: this.#messageOf(waiting),
        kind: "stopped",
        reason: `${owner.describe(target)} has stopped`,
      });
    } else {
      const reason = `it could not be sent: ${describeError(error)}`;
      owner.deadLetter({
        target,
        sender: waiting.sender,
        message: this.#messageOf(waiting),
        kind: "stopped",
        reason,
      });
    }
  }
}

/** Why a message for the actor `name` became a dead letter for lack of room. */
export function fullReason(name: string): string {
  return `the mailbox of ${name} stayed full for the whole send timeout`;
}
