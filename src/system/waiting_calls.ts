/**
 * The calls an actor that lost its Worker had not taken yet: requests still waiting in its
 * mailbox, which its new instance will read and answer. It keeps their reply tags by reply
 * address (a Bridge's, a Worker's desk for its asks; of this node or another), in the order they
 * wait. A Bridge of this node fails exactly the calls not among them (`has`). Those who can be
 * told only a prefix of the tags (a Worker's asks, another node's calls: AskLost and CallsLost
 * carry "up to this tag") get the tag before the first that waits (`lostUpTo`): each sender's
 * records keep their order and a reply address's tags grow with each call, so the lost instance
 * took every call from that address before it, and none from it on.
 *
 * Read on the system's thread (the ring, then that thread's backlog for the mailbox) while nobody
 * receives on the mailbox: its receiver died and the new instance's is not bound yet (see
 * Mailbox.forEachWaiting). Other Workers' backlogs are out of reach: a Worker's ask waiting in
 * one, with none of its desk's in the ring, counts as taken (the ask fails; its reply, if the new
 * instance answers it, becomes a dead letter).
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import type { Inbox, SenderCache, SystemCourier } from "../delivery/mod.ts";
import type { Mailbox } from "../ring/mod.ts";
import { tagAtMost } from "../util/reply_tags.ts";

/** Reply tags are positive 31-bit serial numbers (see src/util/reply_tags.ts). */
const LAST_TAG = 0x7fff_ffff;

/** What a waiting message's sender says of its call: its reply address and tag (0: none). */
export type ReplyAddress = Pick<ActorRef<unknown>, "node" | "slot" | "generation" | "tag">;

/** The waiting calls' reply tags, by reply address, in the order they wait. */
export class WaitingCalls {
  readonly #tags = new Map<string, number[]>();

  /**
   * What waits in `mailbox`, read through `inbox` (its envelopes only), and, behind it, what this
   * thread's `courier` holds for it, waiting for room.
   */
  static in(mailbox: Mailbox, inbox: Inbox, courier: SystemCourier): WaitingCalls {
    const senders: (ActorRef<unknown> | null)[] = [];
    const cache: SenderCache = { lastSender: null };
    mailbox.forEachWaiting((bytes, start, end) => {
      try {
        inbox.decodeEnvelope(bytes, start, end, cache);
      } catch {
        // Its sender cannot be read here, nor its call told apart: the new instance reads it and
        // reports it as undecodable, the caller answered as for any such record.
        return;
      }
      senders.push(inbox.envelope.sender);
    });
    // Each sender's messages wait behind its records in the ring.
    courier.forEachBacklogged(mailbox, (sender) => senders.push(sender));
    return WaitingCalls.of(senders);
  }

  /** The calls among messages waiting, in order, from `senders` (null: a message without one). */
  static of(senders: Iterable<ReplyAddress | null>): WaitingCalls {
    const waiting = new WaitingCalls();
    for (const sender of senders) waiting.#note(sender);
    return waiting;
  }

  /** A message from `sender` waits (one with a tagged sender is a call). */
  #note(sender: ReplyAddress | null): void {
    if (sender === null || sender.tag === 0) return; // no call waits on a reply to it
    const key = addressKey(sender.node, sender.slot, sender.generation);
    const tags = this.#tags.get(key);
    if (tags === undefined) this.#tags.set(key, [sender.tag]);
    else tags.push(sender.tag);
  }

  /** How many reply addresses have calls waiting. */
  get size(): number {
    return this.#tags.size;
  }

  /** Whether the call of reply address (`node`, `slot`, `generation`) tagged `tag` waits. */
  has(node: number, slot: number, generation: number, tag: number): boolean {
    return this.#tags.get(addressKey(node, slot, generation))?.includes(tag) ?? false;
  }

  /**
   * The last tag of the reply address (`node`, `slot`, `generation`) that the lost instance may
   * have taken, for those who can only be told a prefix of the tags: the tag before the first
   * that waits, when its calls wait in the order of their tags (as they do unless an actor passed
   * some on: then they may overtake each other, and what was taken is not known); else
   * `takenUpTo`, what the caller knew already (undefined: every call).
   */
  lostUpTo(
    node: number,
    slot: number,
    generation: number,
    takenUpTo?: number,
  ): number | undefined {
    const tags = this.#tags.get(addressKey(node, slot, generation));
    if (tags === undefined) return takenUpTo;
    for (let i = 1; i < tags.length; i++) {
      if (!tagAtMost(tags[i - 1], tags[i])) return takenUpTo;
    }
    const first = tags[0];
    return first === 1 ? LAST_TAG : first - 1;
  }
}

function addressKey(node: number, slot: number, generation: number): string {
  return `${node}:${slot}.${generation}`;
}
