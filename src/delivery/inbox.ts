/**
 * The inbox: reads a record back into a message, and says whether its actor may have it. The one
 * place for the rules every reader of records applies — the receive loop, `receive`, the drain
 * of a closed mailbox, the Bridge's replies, a timer's record delivered locally:
 *
 * - **undecodable**: the bytes do not decode (a class unknown here, corrupt bytes, a codec
 *   version from elsewhere);
 * - **stale**: the record names an earlier actor of the mailbox's slot (a sender kept a ref from
 *   before the mailbox was recycled);
 * - **deadline**: its deadline passed before the actor could handle it.
 *
 * A record that breaks a rule becomes a dead letter, reported through the courier with its kind.
 * One inbox per reader, reused for every record: reading one allocates nothing but the message.
 *
 * @module
 */

import { type ClassInfo, Reader } from "../codec/mod.ts";
import { ActorRef, type DeadLetterKind, messageOf, type Undelivered } from "../actor/mod.ts";
import type { Mailbox } from "../ring/mod.ts";
import type { SystemCourier } from "./courier.ts";
import { Envelope, type SenderCache } from "./envelope.ts";

/**
 * Which records a drain leaves out, silently: given each one's message, sender and the reply
 * tag it was addressed with (0: none; a reply to an ask or a call has one).
 */
export type DrainFilter = (
  message: unknown,
  sender: ActorRef<unknown> | null,
  tag: number,
) => boolean;

/** Reads records for one reader (a loop, a Bridge), one at a time. */
export class Inbox {
  /** The envelope of the record read last (its sender, tags and deadline). */
  readonly envelope = new Envelope();
  /** The message of the record read last; `undefined` when it could not be decoded. */
  message: unknown = undefined;
  /**
   * The registered class {@link message} is a plain instance of, null when it is none (or not
   * known): dispatch needs no lookup of its class.
   */
  messageClass: ClassInfo | null = null;
  /** Why the record read last could not be decoded. */
  error: unknown = undefined;
  readonly #reader = new Reader();
  readonly #courier: SystemCourier;

  /** @param courier makes the refs the records hold, and reports their dead letters. */
  constructor(courier: SystemCourier) {
    this.#courier = courier;
  }

  /**
   * Decodes the record of `length` bytes at `mailbox`'s read position, then releases it.
   * Senders equal to `senders.lastSender` reuse that ref (see Envelope.read).
   * @returns false when it could not be decoded: {@link error} says why, and the envelope holds
   * what was read of it before (a sender waiting for a reply may still be told).
   */
  read(mailbox: Mailbox, length: number, senders: SenderCache): boolean {
    const start = mailbox.recordStart;
    const decoded = this.decode(mailbox.bytes, start, start + length, senders);
    mailbox.release();
    return decoded;
  }

  /** Decodes the record in `bytes[start, end)` (see {@link read}). */
  decode(
    bytes: Uint8Array,
    start: number,
    end: number,
    senders: SenderCache,
  ): boolean {
    const envelope = this.envelope;
    envelope.sender = null;
    envelope.targetTag = 0;
    envelope.deadline = 0;
    const reader = this.#reader.reset(bytes, start, end, this.#courier);
    try {
      envelope.read(reader, this.#courier, senders);
      this.message = reader.value();
      this.messageClass = reader.topClass;
      reader.expectEnd();
      return true;
    } catch (error) {
      this.message = undefined;
      this.messageClass = null;
      this.error = error;
      return false;
    }
  }

  /**
   * Reads every record left in `mailbox` as a dead letter of `kind` for `target` (their senders
   * waiting for replies hear of it at once), except those `ignore` picks out (see DrainFilter);
   * an undecodable one is reported without its message.
   * @returns how many dead letters it made.
   */
  drain(
    mailbox: Mailbox,
    target: ActorRef<unknown>,
    kind: DeadLetterKind,
    reason: string,
    senders: SenderCache,
    ignore?: DrainFilter,
  ): number {
    let drained = 0;
    for (let length = mailbox.read(); length >= 0; length = mailbox.read()) {
      this.read(mailbox, length, senders);
      const message = this.message;
      const sender = this.envelope.sender;
      this.message = undefined;
      if (ignore?.(message, sender, this.envelope.targetTag)) continue;
      drained++;
      this.#courier.deadLetter({ target, sender, message, kind, reason });
    }
    return drained;
  }

  /**
   * Reads only the envelope of the record in `bytes[start, end)` (its target, sender and
   * deadline), for a reader that passes the record on as it is. Records read one after the other
   * from one buffer share the reader's view of it.
   * @throws {CodecError} when the envelope cannot be read.
   */
  decodeEnvelope(
    bytes: Uint8Array,
    start: number,
    end: number,
    senders: SenderCache,
  ): void {
    const envelope = this.envelope;
    envelope.sender = null;
    envelope.targetTag = 0;
    envelope.deadline = 0;
    envelope.read(
      this.#reader.reset(bytes, start, end, this.#courier),
      this.#courier,
      senders,
    );
  }

  /** Whether the record read last is addressed to the actor in `slot` of `generation`. */
  isFor(slot: number, generation: number): boolean {
    const envelope = this.envelope;
    return envelope.targetSlot === slot &&
      envelope.targetGeneration === generation;
  }

  /**
   * Applies the rules to the record just read (see {@link read}) for the actor `self`, named
   * `name`: a record that breaks one becomes a dead letter.
   * @returns whether the actor may have the message.
   */
  admit(decoded: boolean, self: ActorRef<unknown>, name: string): boolean {
    const envelope = this.envelope;
    if (!decoded) {
      this.deadLetterUndecodable(self);
      return false;
    }
    if (!this.isFor(self.slot, self.generation)) {
      const stale = new ActorRef(
        envelope.targetSlot,
        envelope.targetGeneration,
        0,
        this.#courier,
      );
      this.#courier.deadLetter({
        target: stale,
        sender: envelope.sender,
        message: this.message,
        kind: "stale",
        reason: "it was sent through a ref to an actor that has stopped (its slot has a new actor)",
      });
      return false;
    }
    const deadline = envelope.deadline;
    return deadline === 0 ||
      !this.expired(self, name, this.message, envelope.sender, deadline);
  }

  /** Makes a dead letter for `target` of the record read last, which could not be decoded. */
  deadLetterUndecodable(target: ActorRef<unknown>): void {
    this.#courier.deadLetter(undecodableLetter(target, this.envelope.sender, this.error));
  }

  /**
   * Whether `deadline` (ms since the epoch) has passed; if so, `message` becomes a dead letter
   * of `self` (named `name`). The deadline rule for messages that did not come as records too
   * (local mail).
   */
  expired(
    self: ActorRef<unknown>,
    name: string,
    message: unknown,
    sender: ActorRef<unknown> | null,
    deadline: number,
  ): boolean {
    const late = Date.now() - deadline;
    if (late <= 0) return false;
    this.#courier.deadLetter({
      target: self,
      sender,
      message,
      kind: "deadline",
      reason: `its deadline passed ${Math.round(late)} ms before ${name} could handle it`,
    });
    return true;
  }
}

/**
 * The dead letter of a message for `target` that could not be decoded (`error` says why): its
 * bytes are all there is, so it carries no message. Through the ring or as local mail alike.
 */
export function undecodableLetter(
  target: ActorRef<unknown>,
  sender: ActorRef<unknown> | null,
  error: unknown,
): Undelivered {
  return {
    target,
    sender,
    message: undefined,
    kind: "undecodable",
    reason: `it could not be decoded: ${messageOf(error)}`,
  };
}
