/**
 * Dead letters, as a courier reports them: a message that will never be handled is counted in
 * the directory by kind, told to the probe and to the sink (the system's dead-letter listeners),
 * and — when its sender waits for a reply (a Bridge call) — answered at once with
 * `Undeliverable`, so that the call fails now rather than at its timeout. Also the two a send
 * becomes before anything is written: one a shutdown refuses, one to an actor not running.
 *
 * @module
 */

import { type ActorRef, Stopped, type Undelivered } from "../actor/mod.ts";
import type { SystemCourier } from "./courier.ts";
import { Undeliverable } from "./undeliverable.ts";
import { sentBySystem } from "./system_sender.ts";

/**
 * Counts and reports a message that will never be handled. When its sender waits for a reply
 * (a ref with a reply tag, as Bridge calls use), tells the sender at once.
 */
export function reportDeadLetter(courier: SystemCourier, lost: Undelivered): void {
  const { target, sender, message, kind, reason } = lost;
  // The system's own notices to actors that are gone are nobody's lost messages. One a live
  // actor took and has no handler for (a Terminated of an actor it watches) is: its actor was
  // told of something and never heard it, which must not pass unseen.
  if (kind !== "no-handler" && sentBySystem(sender, courier.systemSender)) return;
  // An actor's answer to the Stop another actor sent it, which that actor ended before it took
  // (it stopped right after sending, as a parent closing down does): the runtime's answer to a
  // question nobody waits for any more, no message of anyone's. README: an actor that sent the
  // Stop and has no handler for Stopped "simply does not get it"; a stopped one has none.
  if (isOrphanStopped(lost)) return;
  courier.directory.countDeadLetter(kind);
  courier.probe.deadLettered(target, message, kind);
  if (
    sender !== null && sender.tag !== 0 && !(message instanceof Undeliverable)
  ) {
    const name = target === null ? "" : courier.describe(target);
    courier.answer(sender, new Undeliverable(target, kind, reason, name));
  }
  courier.sink?.deadLetter({ target, sender, message, kind, reason });
}

/**
 * Whether `lost` is an actor's `Stopped` for an actor (no reply address: a Bridge's late
 * `Stopped` is told as unanswered) that had ended, or whose slot went to another, by then.
 */
function isOrphanStopped({ target, sender, message, kind }: Undelivered): boolean {
  return message instanceof Stopped && (kind === "stopped" || kind === "stale") &&
    sender !== null && sender.tag === 0 && target !== null && target.tag === 0;
}

/** The most of an actor's end reason a dead letter to it repeats, in characters. */
const END_REASON_MAX = 200;

/** A message for an actor the directory does not list as live: stopped, or a stale ref. */
export function notRunning(
  courier: SystemCourier,
  target: ActorRef<unknown>,
  sender: ActorRef<unknown> | null,
  message: unknown,
): void {
  const directory = courier.directory;
  const slot = target.slot;
  const live = slot > 0 && slot < directory.capacity;
  if (live && directory.generation(slot) !== target.generation) {
    courier.deadLetter({
      target,
      sender,
      message,
      kind: "stale",
      reason: `${target} has ended (its slot was reused)`,
    });
  } else {
    // Why it ended, when this thread knows: a call to an actor whose start failed says why. Cut
    // short: it is repeated in every dead letter of the actor (its end tells it whole).
    const why = courier.endReason(target);
    const ended = why === undefined || why.length <= END_REASON_MAX
      ? why
      : `${why.slice(0, END_REASON_MAX)}…`;
    const name = courier.describe(target);
    courier.deadLetter({
      target,
      sender,
      message,
      kind: "stopped",
      reason: ended === undefined ? `${name} is not running` : `${name} is not running: ${ended}`,
    });
  }
}

/** Whether a shutdown refuses this send (it is then a dead letter). */
export function refused(
  courier: SystemCourier,
  target: ActorRef<unknown>,
  sender: ActorRef<unknown> | null,
  message: unknown,
): boolean {
  if (courier.refusing === null || (sender !== null && sender.tag === 0)) {
    return false;
  }
  courier.deadLetter({
    target,
    sender,
    message,
    kind: "shutdown",
    reason: courier.refusing,
  });
  return true;
}
