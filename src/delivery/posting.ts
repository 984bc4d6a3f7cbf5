/**
 * Posting: how a record the courier wrote goes into its mailbox. Into the ring while there is room
 * and no message of this thread waits for that mailbox; otherwise as the mailbox's DeliveryPolicy
 * says (see policy.ts and FullMailbox): block the sending Worker, queue in this thread's backlog
 * (backlogs.ts), drop it as a dead letter, or refuse the send. Messages already waiting for a
 * mailbox keep later sends to it behind them, so no sender's order depends on the ref it used.
 *
 * A record from another node is posted as it came, undecoded ({@link Posting.postUndecoded}): it
 * waits undecoded too, and is decoded only if it becomes a dead letter, for the report.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import type { Writer } from "../codec/mod.ts";
import { type Mailbox, MailboxClosedError } from "../ring/mod.ts";
import { Backlogs, type Waiting } from "./backlogs.ts";
import type { SystemCourier } from "./courier.ts";
import { droppedReason, FullMailbox, stillFullError, waitedOutError } from "./full_mailbox.ts";
import { DROP, type FullAction, REFUSE, WAIT } from "./policy.ts";
import { sentBySystem } from "./system_sender.ts";
import { closedLetter } from "./closed_as.ts";

/** How one thread's courier puts what it wrote into mailboxes, full ones included. */
export class Posting {
  readonly #courier: SystemCourier;
  /** What waits for room, by mailbox (see {@link backlogs}). */
  readonly #backlogs: Backlogs;
  /** What a full mailbox does, asked of its policy. */
  readonly #full: FullMailbox;
  /** Whether the thread may block (a Worker). */
  readonly #blocking: boolean;
  /**
   * @param courier whose records these are: its transport, its dead letters, its thread.
   * @param blocking whether the thread may block (a Worker).
   * @param sendTimeout the system's send timeout, in ms.
   */
  constructor(courier: SystemCourier, blocking: boolean, sendTimeout: number) {
    this.#courier = courier;
    this.#blocking = blocking;
    this.#backlogs = new Backlogs(courier, blocking);
    this.#full = new FullMailbox(blocking, sendTimeout);
  }

  /**
   * What waits for room, by mailbox: queued here; moved, flushed and given up on through the
   * courier's backlog calls.
   */
  get backlogs(): Backlogs {
    return this.#backlogs;
  }

  /**
   * {@link post}s a record as it came from node `from` (0: this one), its message not decoded
   * when `message` is undefined: decoded only if it turns into a dead letter or has to wait
   * after all (see #reported).
   * @returns whether it waits for room in a backlog: a record of another node is then still
   * that node's, until it leaves (see SystemCourier.leftBacklog).
   */
  postUndecoded(
    mailbox: Mailbox,
    writer: Writer,
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    record: Uint8Array,
    from: number,
  ): boolean {
    const undecoded = message === undefined ? record : null;
    return this.#post(mailbox, writer, target, sender, message, false, undecoded, from);
  }

  /**
   * Puts the record `writer` holds (`message` to `target` from `sender`) into `mailbox`: at once
   * while there is room and nothing of this thread waits for it; else as its policy says.
   * @throws {MailboxFullError} when the policy refuses the send.
   */
  post(
    mailbox: Mailbox,
    writer: Writer,
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    notice: boolean,
  ): void {
    this.#post(mailbox, writer, target, sender, message, notice, null, 0);
  }

  /**
   * {@link post}s a record from node `from` (0: this one); `undecoded` is the record when its
   * message was not decoded. Passed along, not kept in fields: a dead letter's listener that
   * sends from inside this post posts a message of its own, not this record.
   * @returns whether it waits for room in a backlog.
   */
  #post(
    mailbox: Mailbox,
    writer: Writer,
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    notice: boolean,
    undecoded: Uint8Array | null,
    from: number,
  ): boolean {
    const backlogs = this.#backlogs;
    let backlog = backlogs.size === 0 ? undefined : backlogs.get(mailbox.offset);
    // Ms a send that blocks may wait (-1: the send timeout): less what the queue before it took.
    let waitFor = -1;
    // What waits goes first, as far as there is room; if all of it went, so may this one.
    if (backlog !== undefined && backlogs.moveAll(backlog)) backlog = undefined;
    if (backlog !== undefined) {
      // Messages already wait for this mailbox: queue behind them, to keep the sender's order —
      // as far as the policy allows.
      let action = this.#whenFull(mailbox, target, sender, notice, backlog.waited);
      let gaveUp = false;
      if (action === WAIT) {
        // What queued first goes first, then this one (below), all within the send timeout.
        const timeout = this.#full.timeoutOf(mailbox);
        const began = performance.now();
        const outcome = backlogs.sendAllWaiting(
          backlog,
          timeout,
          () => this.#onlyHere(mailbox, target),
        );
        if (outcome === "waited-out") {
          throw waitedOutError(this.#courier.describe(target), mailbox, timeout);
        }
        waitFor = Math.max(0, timeout - (performance.now() - began));
        // Given up, only this thread can make room now (see #onlyHere): this one queues
        // behind what still waits, as the policy, asked again, says.
        gaveUp = outcome === "given-up";
        if (gaveUp) action = this.#whenFull(mailbox, target, sender, notice, backlog.waited);
      }
      if (action !== WAIT || gaveUp) {
        if (action === REFUSE) {
          throw stillFullError(this.#courier.describe(target), mailbox, backlog);
        }
        if (action === DROP) {
          this.#dropFull(target, sender, this.#reported(message, undecoded));
          return false;
        }
        backlogs.push(
          backlog,
          this.#waiting(target, sender, message, undecoded, from, notice),
          writer.bytes,
          writer.start,
          writer.pos,
        );
        return true;
      }
    }
    const courier = this.#courier;
    let action: FullAction;
    try {
      if (courier.transport.offer(mailbox, writer)) return false;
      action = this.#whenFull(mailbox, target, sender, notice, -1);
      if (action === WAIT) {
        // Blocks up to the send timeout (less what the queue before it took) for room; false:
        // it stopped waiting, as only this thread can make room now (nothing was sent).
        const timeout = waitFor >= 0 ? waitFor : this.#full.timeoutOf(mailbox);
        const sent = courier.transport.sendWaiting(
          mailbox,
          writer,
          Math.max(0, timeout),
          () => this.#onlyHere(mailbox, target),
        );
        if (sent) return false;
        // Only this thread can make room now (the actor was placed here while we waited, after
        // its Worker died): the policy, asked again, says what a send would do from now on.
        action = this.#whenFull(mailbox, target, sender, notice, -1);
      }
    } catch (error) {
      // Refused, waited out, or its mailbox closed: no retry of this record follows.
      mailbox.dropRetryBlock();
      if (this.#stopped(error, mailbox, target, sender, message, undecoded, notice)) return false;
      throw error;
    }
    if (action === DROP) {
      mailbox.dropRetryBlock(); // no retry of this record follows
      this.#dropFull(target, sender, this.#reported(message, undecoded));
      return false;
    }
    // A mailbox this thread receives from frees up only when this thread's loop serves it:
    // the loop flushes the backlog after each turn (flushLocal). Any other drains as room comes.
    const flushed = this.#blocking && courier.doorbell !== 0 &&
      mailbox.receiverDoorbell === courier.doorbell;
    backlogs.open(
      mailbox,
      flushed,
      this.#waiting(target, sender, message, undecoded, from, notice),
      writer.bytes,
      writer.start,
      writer.pos,
    );
    return true;
  }

  /**
   * Makes the message a dead letter when `error` says its mailbox closed: "stopped" (its actor
   * stopped), or as the mailbox's closer said (its actor ended with its Worker: see
   * closed_as.ts) — unless it is the runtime's own `notice`, which is moot then (see openOffset).
   * @returns whether the mailbox had closed.
   */
  #stopped(
    error: unknown,
    mailbox: Mailbox,
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    undecoded: Uint8Array | null,
    notice = false,
  ): boolean {
    if (!(error instanceof MailboxClosedError)) return false;
    if (notice) return true;
    const courier = this.#courier;
    const { kind, reason } = closedLetter(mailbox, courier.describe(target));
    courier.deadLetter({
      target,
      sender,
      message: this.#reported(message, undecoded),
      kind,
      reason,
    });
    return true;
  }

  /** Asks the mailbox's policy what a send into it, full, does (see FullMailbox). */
  #whenFull(
    mailbox: Mailbox,
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    notice: boolean,
    backlogWaited: number,
  ): FullAction {
    const courier = this.#courier;
    const fromSystem = sentBySystem(sender, courier.systemSender);
    return this.#full.whenFull(
      mailbox,
      this.#onlyHere(mailbox, target),
      notice,
      fromSystem,
      backlogWaited,
    );
  }

  /**
   * Whether only this thread can make room in `mailbox`: it receives from it itself (its own
   * receive loop frees it), or the mailbox of an actor not started yet is to start here (its
   * receiver is not bound yet). Blocking would then wait for nothing.
   */
  #onlyHere(mailbox: Mailbox, target: ActorRef<unknown>): boolean {
    const receiver = mailbox.receiverDoorbell;
    const courier = this.#courier;
    return receiver === courier.doorbell ||
      (receiver === 0 && courier.directory.owner(target.slot) === courier.threadId);
  }

  /**
   * A message that waits for room from now on (#whenFull just set out its situation), from node
   * `from`; `undecoded`: its record, when its message was not decoded; `notice`: whether it is
   * the runtime's own.
   */
  #waiting(
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
    undecoded: Uint8Array | null,
    from: number,
    notice: boolean,
  ): Waiting {
    // A record posted undecoded waits undecoded: decoded only if it becomes a dead letter.
    const encoded = message === undefined && undecoded !== null;
    return {
      at: 0,
      length: 0,
      target,
      sender,
      message,
      encoded,
      from,
      counted: !notice && !sentBySystem(sender, this.#courier.systemSender),
      maxWait: this.#full.queueFor(),
      expires: NaN,
    };
  }

  /** A message its policy dropped for lack of room. */
  #dropFull(
    target: ActorRef<unknown>,
    sender: ActorRef<unknown> | null,
    message: unknown,
  ): void {
    const courier = this.#courier;
    const reason = droppedReason(courier.describe(target));
    courier.deadLetter({ target, sender, message, kind: "mailbox-full", reason });
  }

  /**
   * `message`, or, when it is the undefined of a record posted undecoded (postUndecoded), that
   * record decoded: a dead letter reports what it was, even when its actor stopped between the
   * link's look at it and the post.
   */
  #reported(message: unknown, undecoded: Uint8Array | null): unknown {
    if (message !== undefined || undecoded === null) return message;
    return this.#courier.decodeRecord(undecoded);
  }
}
