/**
 * Whether a message came from the system itself (its guardian): the runtime's own notices (Stop,
 * ChildGone, Terminated) always wait for room, and one left for an actor that is gone is
 * nobody's lost message. By what the ref names, not by identity: a sender read back from a ring
 * is a new ref.
 *
 * @module
 */

import type { ActorRef } from "../actor/mod.ts";

/** Whether `sender` is the system's own ref `systemSender` (null: this thread knows none). */
export function sentBySystem(
  sender: ActorRef<unknown> | null,
  systemSender: ActorRef<unknown> | null,
): boolean {
  return sender !== null && systemSender !== null &&
    (sender === systemSender || sender.equals(systemSender));
}
