/** An actor that asks another (in another process, say) from its Worker, and answers with the reply. */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** Asks `to` with `value`; answers with what `to` answers. */
@message()
export class Relay {
  constructor(readonly to: ActorRef<number> | null = null, readonly value = 0) {}
}

export class Relayer extends Actor<Relay> {
  static readonly module = import.meta.url;
  @handles(Relay)
  async onRelay(relay: Relay, sender: ActorRef<unknown> | null) {
    const answer = await this.context.ask<number, number, number>(relay.to!, relay.value, {
      timeout: 5000,
    });
    sender?.send(answer);
  }
}
