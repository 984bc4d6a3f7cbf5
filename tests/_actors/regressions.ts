/** Actors for tests/actor/regressions_test.ts. */
import { Actor, type ActorRef, handles, OtherMessage, ReceiveTimeout } from "../../mod.ts";
import { ActorDeadError } from "../../errors.ts";

/**
 * Turns a long receive timeout on in preStart (it never fires in a test); counts the
 * ReceiveTimeouts it handles; `"count?"` answers the count.
 */
export class TimeoutCounter extends Actor<unknown> {
  static readonly module = import.meta.url;
  #timeouts = 0;
  override preStart() {
    this.context.setReceiveTimeout(60_000);
  }
  @handles(ReceiveTimeout)
  onTimeout() {
    this.#timeouts++;
  }
  @handles(OtherMessage)
  onOther(message: unknown, sender: ActorRef | null) {
    if (message === "count?") sender?.send(this.#timeouts);
  }
}

/** `"quit-and-fail"`: this.context.stop(), then throws. */
export class Quitter extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(text: string) {
    if (text === "quit-and-fail") {
      this.context.stop();
      throw new Error("failed after asking to stop");
    }
  }
}

/** Escalates its children's failures; `"spawn"` answers a new Quitter child. */
export class EscalatingBoss extends Actor<string> {
  static readonly module = import.meta.url;
  static readonly supervision = { onFailure: "escalate" as const };
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "spawn") sender?.send(this.context.spawn(Quitter));
  }
}

/**
 * `"rethrow"`: throws an ActorDeadError with a note added, as a handler does that catches a failed
 * ask, annotates the error and rethrows it; `"ping"` answers "pong".
 */
export class Rethrower extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "ping") sender?.send("pong");
    if (text === "rethrow") {
      const error = new ActorDeadError("no reply from Shop: Shop has stopped");
      (error as unknown as Record<string, unknown>).attempt = 3;
      throw error;
    }
  }
}
