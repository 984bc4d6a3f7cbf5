/**
 * A module that re-exports another module's Greeter under that name and default-exports its own
 * Greeter (answers "v2"): tests/system/lifecycle_review_test.ts.
 */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

export { Greeter } from "./export_review_v1.ts";

export default class Greeter extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    sender?.send("v2");
  }
}
