/** An actor that passes a request on for someone else to answer (its sender kept). */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";
import { busyFor } from "./busy.ts";

/**
 * Asks a Forwarder to send `fill` numbers to `target` (to fill its mailbox), then `payload`
 * with the asker as its sender, after working `delayMs`.
 */
@message()
export class Forward {
  constructor(
    readonly target: ActorRef | null = null,
    readonly payload: unknown = null,
    readonly fill = 0,
    readonly delayMs = 0,
  ) {}
}

/** Passes requests on (see Forward): the target's answer, or its dead letter, goes to the asker. */
export class Forwarder extends Actor<Forward> {
  static readonly module = import.meta.url;
  @handles(Forward)
  onForward(forward: Forward, sender: ActorRef | null) {
    busyFor(forward.delayMs);
    for (let i = 0; i < forward.fill; i++) forward.target!.send(i);
    forward.target!.send(forward.payload, { sender });
  }
}

/** Answers a number `n` with `n` replies, all to its one sender: more than one call's worth. */
export class Flooder extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onCount(n: number, sender: ActorRef | null) {
    for (let i = 0; i < n; i++) sender?.send(i);
  }
}
