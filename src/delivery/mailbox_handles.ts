/**
 * One thread's handles on the mailboxes of an actor system: exactly one per mailbox. A handle
 * holds a producer's view of the ring (its guess of the cursors) and, on the receiving thread,
 * the consumer's; delivery keeps per-mailbox state of the thread on it (the local receiver) or
 * keys it by the handle's offset (what waits for room). Two handles on one mailbox
 * in one thread would split that state: sends through one could overtake sends through the
 * other. So every handle a thread uses — for a ref it spawned, a ref it decoded, a mailbox it
 * took from the pool or receives from — comes from here.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import {
  type Arena,
  type Doorbell,
  Mailbox,
  type MailboxOptions,
  MailboxTable,
} from "../ring/mod.ts";
import type { LocalReceiver } from "./local_mail.ts";

/** This thread's handle on one mailbox: the ring's, plus what delivery keeps per mailbox. */
export class MailboxHandle extends Mailbox {
  /**
   * On the receiving thread: who takes the messages this very thread sends to the mailbox
   * without going through the ring (the actor's cell, once its ring held nothing of this
   * thread's; see ReceiveLoop), or null.
   */
  localReceiver: LocalReceiver | null = null;

  /** A handle on the mailbox whose header is at `offset`. */
  static open(arena: Arena, offset: number, producerId: number): MailboxHandle {
    return new MailboxHandle(arena, offset, producerId);
  }
}

/**
 * The local receiver of a mailbox of this thread (see MailboxHandle.localReceiver); every handle
 * of a thread is a MailboxHandle (they all come from its MailboxHandles).
 */
export function localReceiverOf(mailbox: Mailbox): LocalReceiver | null {
  return (mailbox as MailboxHandle).localReceiver ?? null;
}

/** Sets who takes this thread's sends to `mailbox` without the ring (null: nobody). */
export function setLocalReceiver(
  mailbox: Mailbox,
  receiver: LocalReceiver | null,
): void {
  (mailbox as MailboxHandle).localReceiver = receiver;
}

/**
 * The cell on this thread that takes `target`'s messages as local mail, if any: the mailbox's
 * local receiver, when it is the actor `target` addresses (not an earlier one of the mailbox)
 * and the ref carries no reply tag.
 */
export function localReceiverFor(
  mailbox: MailboxHandle,
  target: ActorRef<unknown>,
): LocalReceiver | null {
  const local = mailbox.localReceiver;
  if (local === null || target.tag !== 0) return null;
  const self = local.self;
  return self.slot === target.slot && self.generation === target.generation ? local : null;
}

/** The handles of one thread, by their mailbox (see MailboxTable). */
export class MailboxHandles {
  readonly #arena: Arena;
  readonly #producerId: number;
  readonly #maxExternal: number;
  readonly #handles: MailboxTable<MailboxHandle>;
  /** See Mailbox.ownDoorbell: given to every handle of this thread. */
  #ownDoorbell: Doorbell | null = null;

  /**
   * @param producerId the thread id written into the records this thread reserves.
   * @param maxExternal the largest message a handle sends in a block of its own (see
   * `Mailbox.maxExternal`).
   */
  constructor(arena: Arena, producerId: number, maxExternal: number) {
    this.#arena = arena;
    this.#producerId = producerId;
    this.#maxExternal = maxExternal;
    this.#handles = new MailboxTable(arena);
  }

  /** This thread's handle on the mailbox whose header is at `offset`, made on first use. */
  of(offset: number): MailboxHandle {
    // The offset is checked: a wrong one (no mailbox's header) then fails as the handle is made.
    const handle = this.#handles.get(offset);
    return handle !== undefined && handle.offset === offset ? handle : this.#adopt(offset);
  }

  /** Makes a new mailbox in the arena; its handle is this thread's handle on it. */
  create(options: MailboxOptions): MailboxHandle {
    return this.#adopt(Mailbox.allocate(this.#arena, options));
  }

  /**
   * Lets this thread's receive loop take the mailboxes this thread makes ready itself (see
   * Mailbox.ownDoorbell); null: no more.
   */
  setOwnDoorbell(doorbell: Doorbell | null): void {
    this.#ownDoorbell = doorbell;
    for (const mailbox of this.#handles.values()) {
      mailbox.ownDoorbell = doorbell;
    }
  }

  #adopt(offset: number): MailboxHandle {
    const mailbox = MailboxHandle.open(this.#arena, offset, this.#producerId);
    mailbox.maxExternal = this.#maxExternal;
    mailbox.ownDoorbell = this.#ownDoorbell;
    this.#handles.set(offset, mailbox);
    return mailbox;
  }
}
