/**
 * The calls an actor that lost its Worker had not taken: requests still waiting in its mailbox
 * (or in the system thread's backlog for it), which its new instance will read and answer. It
 * keeps, by reply address of this node (a Bridge's, a Worker's desk for its asks), the tags of
 * the calls that wait. A Bridge fails exactly its calls to that actor not among them: the lost
 * instance took those (or they died with its Worker: stashed, or in its local mail).
 *
 * When it is read decides what it is worth. A thread given up for dead (its agent's mailbox closed
 * as its death is handled) takes no more records: `CellReader.take` reads the abandoned flags
 * after decoding a record and just before releasing it (the take), in the loop and in `receive()`
 * alike. The walk comes after the recovery's grace period and barrier (recovery.ts), when a take
 * under way as the flags were set has long ended, and before the new instance is started. (A
 * bound in time, not a lock: a thread held up, between its look at the flags and its release, for
 * longer than the grace would take a record the walk found waiting, and that call would wait for
 * its timeout.) A
 * Bridge sends from this thread, so each of its calls to the actor is in the ring or in this
 * thread's backlog by then. (A call made to another actor, which passed it on to this one, is not
 * among its calls to this actor: it waits on the other, as before.)
 *
 * Exact tags, not "up to a tag": a call passed on to the actor by another (with its sender) may
 * wait behind a later call of the same Bridge that the lost instance took.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";
import { Envelope, type SenderCache, type SystemCourier } from "../delivery/mod.ts";
import { Reader } from "../codec/mod.ts";
import type { Mailbox } from "../ring/mod.ts";

/**
 * The tags of the calls that wait, by reply address of this node: read when first asked, so
 * that an actor no Bridge waits on costs no walk (a pool Worker's death restarts many). Ask it
 * only while the mailbox is as the recovery found it (in `registry.lost`, before the restart).
 */
export class WaitingCalls {
  /** By `slot.generation` of the reply address: the tags of its calls that wait. */
  #tags: Map<string, Set<number>> | null = null;

  /**
   * What waits in `mailbox` (the envelopes only, read through `courier`), and, behind it, what
   * this thread's `courier` holds for it, waiting for room.
   */
  constructor(readonly mailbox: Mailbox, readonly courier: SystemCourier) {}

  #read(): Map<string, Set<number>> {
    if (this.#tags !== null) return this.#tags;
    const tags = this.#tags = new Map();
    const { mailbox, courier } = this;
    const envelope = new Envelope();
    const reader = new Reader();
    const cache: SenderCache = { lastSender: null };
    mailbox.forEachWaiting((bytes, start, end) => {
      try {
        envelope.read(reader.reset(bytes, start, end, courier), courier, cache);
      } catch {
        // Its sender cannot be read here, nor its call told apart: the new instance reads it
        // and reports it as undecodable, its caller answered as for any such record.
        return;
      }
      note(tags, envelope.sender);
    });
    courier.forEachBacklogged(mailbox, (sender) => note(tags, sender));
    return tags;
  }

  /** How many reply addresses have calls waiting. */
  get size(): number {
    return this.#read().size;
  }

  /** Whether the call of reply address `slot`.`generation` (of this node) tagged `tag` waits. */
  has(slot: number, generation: number, tag: number): boolean {
    return this.#read().get(`${slot}.${generation}`)?.has(tag) ?? false;
  }
}

/** A message from `sender` waits: one with a reply tag (of this node) is a call. */
function note(tags: Map<string, Set<number>>, sender: ActorRef<unknown> | null): void {
  if (sender === null || sender.tag === 0 || sender.node !== 0) return;
  const key = `${sender.slot}.${sender.generation}`;
  const known = tags.get(key);
  if (known === undefined) tags.set(key, new Set([sender.tag]));
  else known.add(sender.tag);
}
