/** An actor that asks another (in another process, say) from its Worker, and answers with the reply. */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** Asks `to` with `value`; answers with what `to` answers, or with the ask's error's name. */
@message()
export class Relay {
  constructor(readonly to: ActorRef<number> | null = null, readonly value = 0) {}
}

export class Relayer extends Actor<Relay> {
  static readonly module = import.meta.url;
  @handles(Relay)
  async onRelay(relay: Relay, sender: ActorRef<unknown> | null) {
    try {
      sender?.send(
        await this.context.ask<number, number, number>(relay.to!, relay.value, { timeout: 10_000 }),
      );
    } catch (error) {
      sender?.send(`failed: ${(error as Error).name}`);
    }
  }
}

/** Asks `to` with `request`; answers with what `to` answers, or with the ask's error. */
@message()
export class AskFor {
  constructor(readonly to: ActorRef<unknown> | null = null, readonly request: unknown = null) {}
}

/** Handles `AskFor`: answers `[reply]`, or `"<error name>: <error message>"`. */
export class Asker extends Actor<AskFor> {
  static readonly module = import.meta.url;
  @handles(AskFor)
  async onAskFor(order: AskFor, sender: ActorRef<unknown> | null) {
    try {
      sender?.send([await this.context.ask(order.to!, order.request, { timeout: 10_000 })]);
    } catch (error) {
      sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}

/** Asks `to` with `request`, not waiting for the answer, then writes "asked" to `marker`. */
@message()
export class AskThenMark {
  constructor(
    readonly to: ActorRef<unknown> | null = null,
    readonly request: unknown = null,
    readonly marker = "",
  ) {}
}

/** Handles `AskThenMark`: the ask is under way once the marker file is there. */
export class MarkingAsker extends Actor<AskThenMark> {
  static readonly module = import.meta.url;
  @handles(AskThenMark)
  onAsk(order: AskThenMark) {
    this.context.ask(order.to!, order.request, { timeout: 600_000 }).catch(() => {});
    Deno.writeTextFileSync(order.marker, "asked");
  }
}
