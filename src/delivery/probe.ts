/**
 * The `Probe` seam: what delivery tells an observer, one call per event, on the thread where it
 * happens. The default, {@link NO_PROBE}, does nothing: each call site is a call to an empty
 * method of one class, which V8 inlines away, so a system nobody observes pays nothing
 * measurable (see bench/scale_bench.ts, same-Worker ping-pong).
 *
 * To observe: implement the interface (every method; keep them quick — they run on the message
 * path) and hand it to the courier and the receive loop of a thread (`CourierOptions.probe`,
 * `ReceiveLoopOptions.probe`).
 *
 * @module
 */

import type { ActorRef, DeadLetterKind } from "../actor/mod.ts";

/** An observer of one thread's deliveries. */
export interface Probe {
  /** `sender` sent `message` to `target` (accepted for delivery, not yet handled). */
  sent(
    target: ActorRef<unknown>,
    message: unknown,
    sender: ActorRef<unknown> | null,
  ): void;
  /** The actor `self` took `message` (its handler ran, or began if it is async). */
  handled(self: ActorRef<unknown>, message: unknown): void;
  /** A message for `target` will never be handled, for the reason `kind`. */
  deadLettered(
    target: ActorRef<unknown>,
    message: unknown,
    kind: DeadLetterKind,
  ): void;
  /** The actor `self`, named `name`, is served by this thread from now on. */
  started(self: ActorRef<unknown>, name: string): void;
  /** The actor `self`, named `name`, has ended and its mailbox is drained. */
  ended(self: ActorRef<unknown>, name: string): void;
}

/** The probe that observes nothing. */
class NoProbe implements Probe {
  sent(): void {}
  handled(): void {}
  deadLettered(): void {}
  started(): void {}
  ended(): void {}
}

/** The default probe: every call does nothing. */
export const NO_PROBE: Probe = new NoProbe();
