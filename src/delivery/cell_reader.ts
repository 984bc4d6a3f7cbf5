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

/** Reads records for the cells of one loop. */
export class CellReader {
  /** Holds the record read last (see {@link take}). */
  readonly inbox: Inbox;
  /** The cell whose tagged records go to {@link desk} (see setReplyDesk). */
  deskCell: ActorCell | null = null;
  desk: ReplyDesk | null = null;
  readonly #courier: SystemCourier;
  readonly #drainCache: SenderCache = { lastSender: null };

  constructor(courier: SystemCourier) {
    this.#courier = courier;
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
   * cannot be decoded goes to the reply desk, if the cell has one.
   * @returns whether a message was taken (the inbox holds it).
   */
  take(cell: ActorCell, length: number): boolean {
    const inbox = this.inbox;
    const decoded = inbox.read(cell.mailbox, length, cell);
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
