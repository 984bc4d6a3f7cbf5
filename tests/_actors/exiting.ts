/** An actor whose Worker ends by Deno.exit right after it sent the guardian many reports. */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** Asks an Exiter to watch and unwatch `target` `pairs` times, then to call `Deno.exit(3)`. */
@message()
export class SpamThenExit {
  constructor(readonly target: ActorRef | null = null, readonly pairs = 0) {}
}

/** Sends the guardian many reports (watch, unwatch), then ends its Worker with Deno.exit. */
export class Exiter extends Actor<SpamThenExit> {
  static readonly module = import.meta.url;
  @handles(SpamThenExit)
  onSpam(spam: SpamThenExit) {
    for (let i = 0; i < spam.pairs; i++) {
      this.context.watch(spam.target!);
      this.context.unwatch(spam.target!);
    }
    Deno.exit(3);
  }
}
