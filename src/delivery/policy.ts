/**
 * The `DeliveryPolicy` seam: what a send does when its mailbox has no room. Read in one place
 * (the courier asks {@link policyOf} only when a mailbox is full, or while messages of this
 * thread already wait for it), so a new policy is one object here plus its line in
 * {@link DELIVERY_POLICIES}.
 *
 * A mailbox's policy is chosen when its actor is spawned (`whenFull`) and kept in its header word
 * {@link POLICY_WORD}, written once by the spawning thread before the actor's ref is handed out
 * and read by every sender.
 *
 * @module
 */

import { type Mailbox, MAILBOX_USER_WORD } from "../ring/mod.ts";

/** Mailbox header word holding its policy's index in {@link DELIVERY_POLICIES} (0: "wait"). */
export const POLICY_WORD = MAILBOX_USER_WORD + 2;

/**
 * Block the sending thread until room appears, up to the send timeout (for what this thread
 * queued for that mailbox first, when something did).
 */
export const WAIT = 0;
/** Wait in this thread's backlog for the mailbox, behind what already waits there. */
export const QUEUE = 1;
/** Make the message a dead letter now (kind "mailbox-full"). */
export const DROP = 2;
/** Refuse the send: `send` throws MailboxFullError (the backlog stayed full too long). */
export const REFUSE = 3;
/** What a send into a full mailbox does. */
export type FullAction =
  | typeof WAIT
  | typeof QUEUE
  | typeof DROP
  | typeof REFUSE;

/** The situation of a send that found its mailbox full (one reused object per courier). */
export interface FullSend {
  /** The sending thread may block: a Worker (the main thread never blocks). */
  blocking: boolean;
  /**
   * Only this thread can make room: it receives from the mailbox itself, or the mailbox's actor
   * has not started and may start here. Blocking would then wait forever.
   */
  onlyHere: boolean;
  /** The runtime's own notice (a Stop to children, a Failed to a parent, a receive timeout). */
  notice: boolean;
  /** Sent by the system's guardian (a shutdown's Stop, Terminated): dropping it strands an actor. */
  fromSystem: boolean;
  /** Ms the receiver had to drain what waits for this mailbox already; -1: nothing waits. */
  backlogWaited: number;
  /** The mailbox's send timeout, in ms. */
  timeoutMs: number;
}

/** What a full mailbox does. */
export interface DeliveryPolicy {
  /** The name users choose it by (`whenFull`). */
  readonly name: string;
  /** What this send does now. */
  whenFull(send: FullSend): FullAction;
  /** Ms a message queued now may wait before it becomes a dead letter (Infinity: never). */
  queueFor(send: FullSend): number;
}

/**
 * The default: a sender waits for room. A Worker blocks up to the send timeout, then `send`
 * throws MailboxFullError; where only its own thread can make room it queues instead, and once
 * the queue has waited that long unmoved, the next send throws. The main thread never blocks:
 * it queues, and what is still queued after the send timeout becomes a dead letter. The
 * runtime's own messages always wait, as long as it takes, without blocking: queued.
 */
export const waitForRoom: DeliveryPolicy = {
  name: "wait",
  whenFull(send: FullSend): FullAction {
    if (send.backlogWaited >= 0) {
      // A Worker's send to another thread's mailbox blocks, as it would with nothing queued:
      // for what queued before it (the runtime's notices), then for itself.
      if (send.blocking && !send.notice && !send.onlyHere) return WAIT;
      return send.blocking && !send.notice &&
          send.backlogWaited >= send.timeoutMs
        ? REFUSE
        : QUEUE;
    }
    // The runtime's own notices never block: a Stop or Failed that waited out the send timeout
    // would have to fail the actor sending it, or be lost. They wait in the sending Worker's
    // backlog, counted if it dies (held_table.ts).
    return send.blocking && !send.onlyHere && !send.notice ? WAIT : QUEUE;
  },
  queueFor(send: FullSend): number {
    // A Worker's waiting messages were accepted by `send`: they never expire. The system's own
    // (a shutdown's Stop, Terminated, ChildGone) and the runtime's notices (an Undeliverable
    // answer) wait as long as it takes: dropping one would leave an actor running, a watcher
    // uninformed, or a call waiting out its timeout.
    return send.blocking || send.fromSystem || send.notice ? Infinity : send.timeoutMs;
  },
};

/**
 * Newest messages give way: a send into a full mailbox becomes a dead letter at once, and the
 * sender never waits (telemetry, prices, positions: only the latest matter). The runtime's own
 * messages still wait, as under {@link waitForRoom}.
 */
export const dropWhenFull: DeliveryPolicy = {
  name: "drop",
  whenFull(send: FullSend): FullAction {
    return send.notice || send.fromSystem ? waitForRoom.whenFull(send) : DROP;
  },
  queueFor(send: FullSend): number {
    return waitForRoom.queueFor(send);
  },
};

/** Every policy, by the index kept in {@link POLICY_WORD}: add a new one at the end. */
export const DELIVERY_POLICIES: readonly DeliveryPolicy[] = [
  waitForRoom,
  dropWhenFull,
];

/** The names users may choose a policy by. */
export type WhenFull = "wait" | "drop";

/** The policy of `mailbox` (read from its header). */
export function policyOf(mailbox: Mailbox): DeliveryPolicy {
  return DELIVERY_POLICIES[mailbox.userWord(POLICY_WORD)] ?? waitForRoom;
}

/**
 * The index of the policy users call `name` (undefined: the default), to keep in a mailbox's
 * {@link POLICY_WORD}. Check it before claiming anything.
 * @throws {RangeError} for a name no policy has.
 */
export function policyIndex(name: string | undefined): number {
  if (name === undefined) return 0;
  const index = DELIVERY_POLICIES.findIndex((policy) => policy.name === name);
  if (index < 0) {
    const names = DELIVERY_POLICIES.map((policy) => `"${policy.name}"`).join(
      " or ",
    );
    throw new RangeError(
      `whenFull must be ${names}, got ${JSON.stringify(name)}`,
    );
  }
  return index;
}
