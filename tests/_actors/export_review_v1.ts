/** The first version of a Greeter (tests/remote/export_watch_review_test.ts): answers "v1". */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

export class Greeter extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    sender?.send("v1");
  }
}
