/**
 * Whether a message came from the system itself (its guardian): the runtime's own notices (Stop,
 * ChildGone, Terminated) always wait for room, and one left for an actor that is gone is
 * nobody's lost message (one a live actor has no handler for is a dead letter "no-handler"). By
 * what the ref names, not by identity: a sender read back from a ring is a new ref.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";

/**
 * Whether `sender` is the system's own ref `systemSender` (null: this thread knows none), or
 * another node's guardian: every node's guardian takes its system's first slot, and its notices
 * to this node's actors (a `Terminated` of an actor they watched there) are the runtime's too.
 */
export function sentBySystem(
  sender: ActorRef<unknown> | null,
  systemSender: ActorRef<unknown> | null,
): boolean {
  if (sender === null || systemSender === null) return false;
  if (sender === systemSender || sender.equals(systemSender)) return true;
  return sender.node !== 0 && sender.tag === 0 && sender.slot === systemSender.slot &&
    sender.generation === systemSender.generation;
}
