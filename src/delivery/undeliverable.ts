/**
 * The notice a courier sends back when a message waiting for a reply became a dead letter.
 *
 * @module
 */

import { registerMessage } from "../codec/mod.ts";
import { type ActorRef, type DeadLetterKind, RequestFailed, Stopped } from "../actor/mod.ts";

/**
 * Any thread -> the sender of an undeliverable message, when that sender is waiting for a reply
 * (a Bridge call): settles the call at once instead of at its timeout. `kind` is the dead
 * letter's: the caller's error depends on it (an actor that is gone, full, or late differ).
 * `targetName` is the target's name where it was lost ("" when not known there): a caller on
 * another node has no other way to name it.
 */
export class Undeliverable {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly kind: DeadLetterKind = "stopped",
    readonly reason = "",
    readonly targetName = "",
  ) {}
}
registerMessage(Undeliverable, { name: "ringmail.Undeliverable" });

/**
 * Whether `message` is the runtime's answer to a waiting caller: that no reply will come (an
 * Undeliverable, or a RequestFailed: see Courier.answer), or that a Stop was taken (Stopped).
 * Nobody's message: if it comes late, its news was told already, or (a Stop's) did not need to
 * be — a Stop is sent for its effect, which it had.
 */
export function isRuntimeAnswer(message: unknown): boolean {
  return message instanceof Undeliverable || message instanceof RequestFailed ||
    message instanceof Stopped;
}
