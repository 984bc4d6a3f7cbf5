/**
 * What a send into a full mailbox does, asked of the mailbox's policy (see policy.ts), and how
 * its outcomes are worded. The courier sets out the send's situation; this reads the mailbox's
 * send timeout and policy from its header and keeps one situation object, reused.
 *
 * @module
 */

import { type Mailbox, MAILBOX_USER_WORD, MailboxFullError } from "../ring/mod.ts";
import type { Backlog } from "./backlogs.ts";
import { type DeliveryPolicy, type FullAction, type FullSend, policyOf } from "./policy.ts";

/**
 * Mailbox header word holding the mailbox's send timeout in ms (0: the system's default);
 * written once by the spawning thread before the actor's ref is handed out.
 */
export const SEND_TIMEOUT_WORD = MAILBOX_USER_WORD + 1;

/** One thread's questions to full mailboxes' policies. */
export class FullMailbox {
  readonly #send: FullSend = {
    blocking: false,
    onlyHere: false,
    notice: false,
    fromSystem: false,
    backlogWaited: -1,
    timeoutMs: 0,
  };
  /** The policy {@link whenFull} asked last (its mailbox's header is not read twice). */
  #policy: DeliveryPolicy | null = null;
  readonly #blocking: boolean;
  readonly #defaultTimeoutMs: number;

  /**
   * @param blocking whether the thread may block (a Worker).
   * @param defaultTimeoutMs the system's send timeout.
   */
  constructor(blocking: boolean, defaultTimeoutMs: number) {
    this.#blocking = blocking;
    this.#defaultTimeoutMs = defaultTimeoutMs;
  }

  /** The mailbox's send timeout, in ms. */
  timeoutOf(mailbox: Mailbox): number {
    return mailbox.userWord(SEND_TIMEOUT_WORD) || this.#defaultTimeoutMs;
  }

  /** What a send into `mailbox`, full, does now (see FullSend for the situation). */
  whenFull(
    mailbox: Mailbox,
    onlyHere: boolean,
    notice: boolean,
    fromSystem: boolean,
    backlogWaited: number,
  ): FullAction {
    const send = this.#send;
    send.blocking = this.#blocking;
    send.onlyHere = onlyHere;
    send.notice = notice;
    send.fromSystem = fromSystem;
    send.backlogWaited = backlogWaited;
    send.timeoutMs = this.timeoutOf(mailbox);
    const policy = this.#policy = policyOf(mailbox);
    return policy.whenFull(send);
  }

  /**
   * Ms a message queued now may wait before it becomes a dead letter (Infinity: never), for the
   * send {@link whenFull} was last asked about.
   */
  queueFor(): number {
    return this.#policy!.queueFor(this.#send);
  }
}

/** Why a message for the actor `name`, which drops what does not fit, is a dead letter. */
export function droppedReason(name: string): string {
  return `the mailbox of ${name} was full, and ${name} drops what does not fit ` +
    `(whenFull: "drop")`;
}

/** The error of a send behind messages that found no room for as long as a send may wait. */
export function stillFullError(
  name: string,
  mailbox: Mailbox,
  backlog: Backlog,
): MailboxFullError {
  return new MailboxFullError(
    `the mailbox of ${name} (${mailbox.capacity} bytes) stayed full for ` +
      `${Math.round(backlog.waited)} ms while its receiver could drain it, with ` +
      `${backlog.entries.length} earlier messages of this Worker still waiting; this one was ` +
      `not sent: its receiver is slower than its senders — give it a larger capacity, or ` +
      `send less`,
  );
}

/**
 * The error of a send that waited the whole send timeout for room, behind messages of the
 * runtime this thread had queued for that mailbox first.
 */
export function waitedOutError(
  name: string,
  mailbox: Mailbox,
  timeoutMs: number,
): MailboxFullError {
  return new MailboxFullError(
    `the mailbox of ${name} (${mailbox.capacity} bytes) stayed full for ${timeoutMs} ms, ` +
      `behind the runtime's own messages this Worker had waiting for it; this one was not ` +
      `sent: its receiver is slower than its senders — give it a larger capacity, or send less`,
  );
}
