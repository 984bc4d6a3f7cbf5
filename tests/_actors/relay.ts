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
