/**
 * Local mail: the messages an actor gets from its own thread (a neighbour in the same Worker, its
 * own timers, itself). They skip the shared ring — no envelope, no reservation, no atomics, no
 * doorbell — and wait here, already copied by the codec, so that a receiver still never shares an
 * object with its sender.
 *
 * Ordering: a receiver serves its local mail before its ring. A message that arrives through the
 * ring was written after every local message queued when it is read, so nothing that caused it
 * is overtaken (for example a child's last messages and the `Terminated` that follows its end).
 * A thread's sends to an actor switch from the ring to local mail only once the actor's ring
 * held nothing at all, so that switch cannot reorder one sender's messages either.
 *
 * Fairness: local mail that never runs dry (an actor sending to itself, say, or an async handler
 * that sends before it settles) would keep the ring waiting forever — and with it a `Stop`. So
 * each local message is stamped with a ring position not past the ring's write position when it
 * is queued (one the receiver read lately), and every few local messages the receiver serves a
 * ring record first if it was reserved before the oldest local message's stamp: that message
 * cannot have caused it. Each such look also reads the write position afresh for later stamps.
 *
 * Loss: local mail lives in its thread's memory and dies with it. So that no message is lost
 * silently, the queue keeps its length in the mailbox's held count {@link LOCAL_MAIL_HELD} (in
 * shared memory; a plain store by this thread after each change), where the system reads it when
 * it recovers the mailbox of a dead Worker and counts that many dead letters. The actor's stash
 * (messages it set aside, see Stash) dies with the thread too: it counts in the same word
 * ({@link LocalMail.stashed}).
 *
 * @module
 */

import type { ActorCell, ActorRef } from "../actor/mod.ts";
import type { ClassInfo } from "../codec/mod.ts";
import type { TraceContext } from "./tracing.ts";

/**
 * What a courier hands local messages to: the cell of an actor served on the courier's own
 * thread, set as its mailbox's `localReceiver` while it takes local mail.
 */
export interface LocalReceiver {
  /** The actor, to check a send is for it and not for an earlier actor of the same mailbox. */
  readonly self: ActorRef<unknown>;
  /**
   * Queues `message` (already a private copy) and gets the actor served; `trace` is the trace
   * context it carries (see tracing.ts), null for none; `cls` the registered class it is a
   * plain instance of (what the copy found), null when not known.
   */
  postLocal(
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
    trace: TraceContext | null,
    cls: ClassInfo | null,
  ): void;
}

/** Slots per message: message, sender, deadline, stamp, trace context, class. */
const STRIDE = 6;

/** Which of a mailbox's held counts (see Mailbox.heldIndex) local mail keeps. */
export const LOCAL_MAIL_HELD = 0;

/** Where a LocalMail made for no mailbox keeps its count (tests). */
const NOWHERE = new Int32Array(1);

/**
 * A FIFO of (message, sender, deadline, stamp, trace, class), stored flat: queueing one
 * allocates nothing.
 */
export class LocalMail {
  /** The capacity in messages is a power of two; most actors hold one or two at a time. */
  #slots: unknown[] = new Array(STRIDE * 2);
  #capacity = 2;
  #head = 0;
  #length = 0;
  /** The sender of the message {@link shift} returned last. */
  sender: ActorRef<unknown> | null = null;
  /** The deadline of the message {@link shift} returned last (0: none). */
  deadline = 0;
  /** The trace context of the message {@link shift} returned last (null: none). */
  trace: TraceContext | null = null;
  /** The registered class of the message {@link shift} returned last (null: not known). */
  messageClass: ClassInfo | null = null;
  /**
   * Messages of the same actor held elsewhere in this thread (its stash): counted in the held
   * count with the queue's own. Set it with {@link setStashed}.
   */
  #stashed = 0;
  /** Where the length is mirrored, for the system to read if this thread dies. */
  readonly #held: Int32Array;
  readonly #heldAt: number;

  /**
   * @param held the view holding the mailbox's held count, and its index there
   * (Mailbox.heldWords and Mailbox.heldIndex(LOCAL_MAIL_HELD)); none by default.
   */
  constructor(held: Int32Array = NOWHERE, heldAt = 0) {
    this.#held = held;
    this.#heldAt = heldAt;
  }

  /** How many messages wait. */
  get length(): number {
    return this.#length;
  }

  /** The ring's write position when the oldest waiting message was queued (0: none waits). */
  get headStamp(): number {
    return this.#length === 0 ? 0 : this.#slots[STRIDE * this.#head + 3] as number;
  }

  push(
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
    stamp: number,
    trace: TraceContext | null = null,
    cls: ClassInfo | null = null,
  ): void {
    if (this.#length === this.#capacity) this.#grow();
    const at = STRIDE * ((this.#head + this.#length) & (this.#capacity - 1));
    const slots = this.#slots;
    slots[at] = message;
    slots[at + 1] = sender;
    slots[at + 2] = deadline;
    slots[at + 3] = stamp;
    slots[at + 4] = trace;
    slots[at + 5] = cls;
    // Straight-line code, no call in between: V8 cannot terminate the thread between the two
    // stores, so a message is either queued and counted, or neither.
    this.#length++;
    this.#held[this.#heldAt] = this.#length + this.#stashed;
  }

  /**
   * Queues a message in front of every waiting one (what the actor stashed, put back): it is
   * taken next. `stamp` at or before the ring's read position keeps the ring from going first.
   */
  unshift(
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
    stamp: number,
  ): void {
    if (this.#length === this.#capacity) this.#grow();
    const head = (this.#head - 1) & (this.#capacity - 1);
    const at = STRIDE * head;
    const slots = this.#slots;
    slots[at] = message;
    slots[at + 1] = sender;
    slots[at + 2] = deadline;
    slots[at + 3] = stamp;
    slots[at + 4] = null; // a stashed message's handling had its span
    slots[at + 5] = null; // anything may have been stashed: its class is looked up again
    this.#head = head;
    this.#length++;
    this.#held[this.#heldAt] = this.#length + this.#stashed;
  }

  /** How many messages the actor holds in its stash (see {@link #stashed}). */
  get stashed(): number {
    return this.#stashed;
  }

  /** Counts `count` stashed messages in the held count from now on. */
  setStashed(count: number): void {
    this.#stashed = count;
    this.#held[this.#heldAt] = this.#length + count;
  }

  /** Takes the oldest message (its sender and deadline go to the fields); undefined if none. */
  shift(): unknown {
    if (this.#length === 0) return undefined;
    const at = STRIDE * this.#head;
    const slots = this.#slots;
    const message = slots[at];
    this.sender = slots[at + 1] as ActorRef<unknown> | null;
    this.deadline = slots[at + 2] as number;
    this.trace = slots[at + 4] as TraceContext | null;
    this.messageClass = slots[at + 5] as ClassInfo | null;
    // Let the message, its sender and trace be collected once handled.
    slots[at] = slots[at + 1] = slots[at + 4] = undefined;
    this.#head = (this.#head + 1) & (this.#capacity - 1);
    this.#length--;
    this.#held[this.#heldAt] = this.#length + this.#stashed;
    return message;
  }

  #grow(): void {
    const capacity = this.#capacity;
    const slots = this.#slots;
    const grown: unknown[] = new Array(STRIDE * 2 * capacity);
    for (let i = 0; i < this.#length; i++) {
      const from = STRIDE * ((this.#head + i) & (capacity - 1));
      for (let k = 0; k < STRIDE; k++) grown[STRIDE * i + k] = slots[from + k];
    }
    this.#slots = grown;
    this.#capacity = 2 * capacity;
    this.#head = 0;
  }
}

/** The cell's local mail: the loop's own (see ActorCell.local), which only this loop makes. */
export function localOf(cell: ActorCell): LocalMail | null {
  return cell.local as LocalMail | null;
}

/** The cell's local mail, made on first use. Only on the cell's loop's thread. */
export function localMailOf(cell: ActorCell): LocalMail {
  const existing = localOf(cell);
  if (existing !== null) return existing;
  const box = cell.mailbox;
  cell.ringMark = box.writePosition();
  return cell.local = new LocalMail(
    box.heldWords,
    box.heldIndex(LOCAL_MAIL_HELD),
  );
}

/**
 * The stamp for a local message queued now: a ring position known not to be past the write
 * position — the last one read, unless the read position is further on (the ring was served
 * since) or the mark is more than a ring ahead of it (impossible for a true mark: one left
 * behind by over 2^31 bytes of traffic, that wrapped). An atomic load per message for the exact
 * position cost a fifth of a same-Worker hop.
 */
export function stampFor(cell: ActorCell): number {
  const box = cell.mailbox;
  const read = box.readPosition;
  const ahead = (cell.ringMark - read) | 0;
  if (ahead < 0 || ahead > box.capacity) cell.ringMark = read;
  return cell.ringMark;
}

/**
 * Whether the record at the head of the cell's ring may go before its local mail: one reserved
 * before the oldest local message was queued, which that message cannot have caused. Also
 * brings the cell's ring mark up to date, so the local messages queued from now on let every
 * record reserved so far go first.
 */
export function ringGoesFirst(cell: ActorCell, local: LocalMail): boolean {
  const box = cell.mailbox;
  const first = box.read() >= 0 &&
    ((local.headStamp - box.readPosition) | 0) > 0;
  cell.ringMark = box.writePosition();
  return first;
}

/**
 * Puts (message, sender) pairs (flat, oldest first) in front of the local mail, stamped with the
 * read position: no ring record may go first (see ringGoesFirst), as Akka's unstashAll prepends
 * them to the mailbox. No deadline: each was taken in time once (stashed, or read by receive()).
 */
export function putInFront(
  cell: ActorCell,
  local: LocalMail,
  entries: readonly unknown[],
): void {
  const stamp = cell.mailbox.readPosition;
  for (let i = entries.length - 2; i >= 0; i -= 2) {
    local.unshift(
      entries[i],
      entries[i + 1] as ActorRef<unknown> | null,
      0,
      stamp,
    );
  }
}
