/** Actors for tests/actor/diff_review_test.ts (review of observability, supervision, timers). */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/** Opens the gate of this Worker's SlowStop (see below). */
let openGate: () => void = () => {};

/**
 * `"fail"` throws; its postStop waits (async) until a GateOpener of its Worker opens the gate.
 * Anything else is answered with itself.
 */
export class SlowStop extends Actor<unknown> {
  static readonly module = import.meta.url;
  #gate = new Promise<void>((resolve) => openGate = resolve);
  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef | null) {
    if (message === "fail") throw new Error("told to fail");
    sender?.send(message);
  }
  override async postStop() {
    await this.#gate;
  }
}

/** `"open"` opens the gate its SlowStop neighbour waits at. */
export class GateOpener extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onOpen(_text: string, sender: ActorRef | null) {
    openGate();
    sender?.send("opened");
  }
}
