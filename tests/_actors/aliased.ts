/**
 * An actor class exported twice under other names than its own: as the default and under an
 * alias (tests/system/lifecycle_review_test.ts).
 */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

export default class AliasedGreeter extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    sender?.send("aliased");
  }
}

export { AliasedGreeter as Greeting };
