/**
 * Encoded delivery: a courier's sends of records encoded already — a timer's message, encoded
 * when it was set (see Courier.encode), or a record from another node as the cluster link took
 * it from its batch. Such a record is not written again: it goes into its target's mailbox as it
 * is, by the same rules as any send (dead letters, local mail, the full mailbox's policy). A
 * record from another node for a live actor is not even decoded: it goes straight into the
 * actor's ring when nothing stands in its way ({@link EncodedDelivery.offer}), and otherwise is
 * decoded only if it becomes a dead letter (see Posting).
 *
 * @module
 */

import { type ActorRef, ActorStat } from "../actor/mod.ts";
import { MailboxClosedError } from "../ring/mod.ts";
import type { SystemCourier } from "./courier.ts";
import { Inbox } from "./inbox.ts";
import { localReceiverFor, type MailboxHandle } from "./mailbox_handles.ts";
import { NO_PROBE } from "./probe.ts";

/** One thread's delivery of encoded records, for its courier. */
export class EncodedDelivery {
  readonly #courier: SystemCourier;
  /** Reads encoded records delivered locally (timers), and those reported as dead letters. */
  readonly #inbox: Inbox;
  readonly #senderCache = { lastSender: null };
  /** The mailbox {@link offer} put a record into last (its offset says which). */
  #offered: MailboxHandle | null = null;

  /** @param courier whose sends these are. */
  constructor(courier: SystemCourier) {
    this.#courier = courier;
    this.#inbox = new Inbox(courier);
  }

  /**
   * The doorbell of the thread that serves the mailbox {@link offer} put a record into last (0:
   * none yet): the cluster link asks whether that thread is another one, whose answer it may
   * wait for (see BatchSender.awaitAnswers).
   */
  get lastOfferedDoorbell(): number {
    return this.#offered?.receiverDoorbell ?? 0;
  }

  /**
   * SystemCourier.deliverEncoded (Courier.deliverEncoded); `from` is the node a record handed on
   * by the cluster link came from.
   * @returns whether the record waits for room in a backlog: it is then still the sending
   * node's, until it leaves (see SystemCourier.leftBacklog); otherwise it was put into its
   * mailbox, or became a dead letter.
   */
  deliver(
    target: ActorRef<unknown>,
    record: Uint8Array,
    sender: ActorRef<unknown> | null,
    message: unknown,
    from: number,
  ): boolean {
    if (target.node !== 0) {
      // A timer's message to another node: written afresh, named from this node.
      const inbox = this.#inbox;
      if (!inbox.decode(record, 0, record.length, this.#senderCache)) {
        inbox.deadLetterUndecodable(target);
        return false;
      }
      this.#courier.deliver(target, inbox.message, sender, inbox.envelope.deadline);
      return false;
    }
    const courier = this.#courier;
    courier.probe.sent(target, message, sender);
    if (sender !== null && sender.counters !== null) sender.counters.countStat(ActorStat.Sent);
    const offset = courier.openOffset(target, sender, message);
    if (offset === 0) return false;
    const mailbox = courier.mailbox(offset);
    const local = localReceiverFor(mailbox, target);
    if (local !== null) {
      // A timer's message from this thread: in order with this thread's other local sends.
      mailbox.checkSize(record.length);
      const inbox = this.#inbox;
      if (!inbox.decode(record, 0, record.length, this.#senderCache)) {
        inbox.deadLetterUndecodable(target);
        return false;
      }
      const decoded = inbox.message;
      inbox.message = undefined;
      local.postLocal(
        decoded,
        sender,
        inbox.envelope.deadline,
        inbox.envelope.trace,
        inbox.messageClass,
      );
      return false;
    }
    return courier.postRecord(mailbox, record, target, sender, message, from);
  }

  /**
   * Puts the record `bytes[start, end)` (from another node, not decoded) straight into the ring
   * of the actor in `slot` of `generation`, when nothing stands in its way: the actor is live, no
   * message of this thread waits for its mailbox, nobody observes sends, the system is not
   * refusing, and the ring has room. One copy, no ref made: the receiving side of a remote link
   * does this for each record of a batch.
   * @returns false when it did not (nothing was sent): SystemCourier.deliverEncoded then applies
   * every rule (dead letters, local mail, the full mailbox's policy).
   */
  offer(
    slot: number,
    generation: number,
    sender: ActorRef<unknown> | null,
    bytes: Uint8Array,
    start: number,
    end: number,
  ): boolean {
    const courier = this.#courier;
    if (
      courier.refusing !== null || courier.probe !== NO_PROBE ||
      (sender !== null && sender.counters !== null)
    ) {
      return false;
    }
    const offset = courier.directory.liveMailbox(slot, generation);
    if (offset === 0) return false;
    // A batch's records mostly go to one actor: its handle is kept at hand (handles live on).
    let mailbox = this.#offered;
    if (mailbox === null || mailbox.offset !== offset) {
      mailbox = this.#offered = courier.mailbox(offset);
    }
    if (mailbox.localReceiver !== null || courier.hasBacklog(mailbox)) return false;
    try {
      return courier.transport.offerBytes(mailbox, bytes, start, end);
    } catch (error) {
      if (error instanceof MailboxClosedError) return false;
      throw error;
    }
  }

  /** The message of the record `record` (undefined when it does not decode), for a report. */
  decode(record: Uint8Array): unknown {
    const inbox = this.#inbox;
    if (!inbox.decode(record, 0, record.length, this.#senderCache)) return undefined;
    const decoded = inbox.message;
    inbox.message = undefined;
    return decoded;
  }
}
