/** Actors for the usage review's tests (tests/bridge/usage_review_test.ts). */
import { Actor, ActorRef, handles, OtherMessage, Stop } from "../../mod.ts";

/**
 * Busy until its gate opens: `"hold"` asks the gate (a tests/_actors/bridge_watches.ts Gate) and
 * returns once it answers, so the Holder's next message waits behind it; anything else echoed.
 */
export class Holder extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly gate: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(OtherMessage)
  async onAny(message: unknown, sender: ActorRef | null) {
    if (message === "hold") {
      await this.context.ask(this.gate!, "hold", { timeout: 60_000 });
      return;
    }
    sender?.send(message);
  }
}

/** Asks its target to stop, with `ms` to answer, and tells whoever asked how that went. */
export class Stopper extends Actor<number> {
  static readonly module = import.meta.url;
  constructor(readonly target: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(Number)
  async onStop(ms: number, sender: ActorRef | null) {
    try {
      await this.context.ask(this.target!, new Stop(), { timeout: ms });
      sender?.send("stopped");
    } catch (error) {
      sender?.send((error as Error).name);
    }
  }
}

/** Watches the ref it is sent, and has no handler for `Terminated` (nor `ReceiveTimeout`). */
export class CarelessWatcher extends Actor<ActorRef<never> | string> {
  static readonly module = import.meta.url;
  @handles(ActorRef)
  onRef(ref: ActorRef<never>) {
    this.context.watch(ref);
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "idle") this.context.setReceiveTimeout(10);
    sender?.send(text);
  }
}
