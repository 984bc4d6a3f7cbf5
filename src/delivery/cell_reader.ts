/**
 * How a receive loop reads its cells' messages: a record through the inbox's rules, the replies
 * to this thread's asks to its reply desk, local mail's deadlines, `receive`'s wait for one
 * message, and what is left in a closed mailbox as dead letters.
 *
 * @module
 */

import type { ActorCell, ActorRef, DeadLetterKind, Received } from "../actor/mod.ts";
import { CLOSED_AND_DRAINED, EMPTY, type Mailbox } from "../ring/mod.ts";
import type { SystemCourier } from "./courier.ts";
import type { SenderCache } from "./envelope.ts";
import { type DrainFilter, Inbox } from "./inbox.ts";
import { type LocalMail, localOf } from "./local_mail.ts";
import type { ReplyDesk } from "./loop_options.ts";
import type { AbandonedFlags } from "./abandoned_flags.ts";

/** Reads records for the cells of one loop. */
export class CellReader {
  /** Holds the record read last (see {@link take}). */
  readonly inbox: Inbox;
  /** The cell whose tagged records go to {@link desk} (see setReplyDesk). */
  deskCell: ActorCell | null = null;
  desk: ReplyDesk | null = null;
  /**
   * Set once a take found the thread given up for dead (see {@link take}): nothing more is taken
   * here.
   */
  abandoned = false;
  readonly #courier: SystemCourier;
  readonly #drainCache: SenderCache = { lastSender: null };
  readonly #given: AbandonedFlags;

  /** @param given says when the system has given this thread up for dead (a kill, a cut-off). */
  constructor(courier: SystemCourier, given: AbandonedFlags) {
    this.#courier = courier;
    this.#given = given;
    this.inbox = new Inbox(courier);
  }

  /** Sends the records with a reply tag that come to `cell` to `desk` instead of to its actor. */
  setReplyDesk(cell: ActorCell, desk: ReplyDesk): void {
    this.deskCell = cell;
    this.desk = desk;
  }

  /**
   * Reads the record of `length` bytes at the cell's read position into the inbox and frees it.
   * A record that breaks the inbox's rules becomes a dead letter; one with a reply tag that
   * cannot be decoded goes to the reply desk, if the cell has one. Once the system has given
   * this thread up for dead, it takes nothing: {@link abandoned} is set, and the record stays.
   * @returns whether a message was taken (the inbox holds it).
   */
  take(cell: ActorCell, length: number): boolean {
    const inbox = this.inbox;
    const box = cell.mailbox;
    const start = box.recordStart;
    const decoded = inbox.decode(box.bytes, start, start + length, cell);
    // Looked at after the decode (which runs user code, maybe for long) and just before the
    // release, which is the take (it stores the consumed cursor): a thread given up keeps
    // running JavaScript, and the system, once its recovery's grace and barrier have passed,
    // reads what this thread never took as the restarted actor's (see WaitingCalls). After the
    // record's header too (read with an Atomics.load), so a record sent after the flags were
    // set is seen with them set.
    if (this.#given.isSet()) {
      inbox.message = undefined;
      this.abandoned = true;
      return false;
    }
    box.release();
    if (!decoded && cell === this.deskCell && inbox.envelope.targetTag !== 0) {
      this.desk!.undecodable(inbox.envelope.targetTag, inbox.error);
      return false;
    }
    return inbox.admit(decoded, cell.self, cell.name);
  }

  /** Whether `deadline` has passed; if so, `message` becomes a dead letter. */
  expired(
    cell: ActorCell,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
  ): boolean {
    return this.inbox.expired(cell.self, cell.name, message, sender, deadline);
  }

  /** Waits up to `timeoutMs` for the cell's next message (local mail first); null: none came. */
  receiveFor(cell: ActorCell, timeoutMs: number): Received | null {
    if (this.abandoned || this.#given.isSet()) {
      this.abandoned = true;
      return waitOut(timeoutMs);
    }
    const local = localOf(cell);
    while (local !== null && local.length > 0) {
      const message = local.shift();
      const sender = local.sender;
      if (
        local.deadline > 0 &&
        this.expired(cell, message, sender, local.deadline)
      ) continue;
      return { message, sender };
    }
    const box = cell.mailbox;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const length = box.waitForRecord(deadline - performance.now());
      if (length === EMPTY || length === CLOSED_AND_DRAINED) return null;
      if (this.take(cell, length)) {
        const inbox = this.inbox;
        const received = {
          message: inbox.message,
          sender: inbox.envelope.sender,
        };
        inbox.message = undefined;
        return received;
      }
      if (this.abandoned) return waitOut(deadline - performance.now());
    }
  }

  /**
   * Makes dead letters for `target` of what is left for it: its local mail first (it was sent
   * before what is still in the ring could be read), then every record in its closed mailbox —
   * except those `ignore` picks out. Their senders waiting for replies hear of it at once.
   * @returns how many dead letters it made.
   */
  drainDeadLetters(
    mailbox: Mailbox,
    local: LocalMail | null,
    target: ActorRef<unknown>,
    kind: DeadLetterKind,
    reason: string,
    ignore?: DrainFilter,
  ): number {
    let drained = 0;
    while (local !== null && local.length > 0) {
      const message = local.shift();
      if (ignore?.(message, local.sender, 0)) continue;
      drained++;
      this.#courier.deadLetter({
        target,
        sender: local.sender,
        message,
        kind,
        reason,
      });
    }
    return drained +
      this.inbox.drain(mailbox, target, kind, reason, this.#drainCache, ignore);
  }
}

/** A word nobody notifies: what a thread given up for dead waits on in `receive()`. */
const NEVER_NOTIFIED = new Int32Array(new SharedArrayBuffer(4));

/**
 * `receive()` in a thread given up for dead (see CellReader.take): nothing more comes, and it
 * says so as it would with nothing sent, once its timeout has passed (never, without one) — not
 * at once, which would break handlers that rely on a message before it (`receive()!`) and spin
 * those that loop on short timeouts, in a thread the system no longer counts on.
 */
function waitOut(timeoutMs: number): null {
  if (timeoutMs > 0) Atomics.wait(NEVER_NOTIFIED, 0, 0, timeoutMs);
  return null;
}
