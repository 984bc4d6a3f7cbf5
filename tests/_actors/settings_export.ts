/**
 * A module that exports a plain value under the name "Greeter" and its own actor class Greeter as
 * its default: tests/system/lifecycle_review_test.ts.
 */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

const settings = { greeting: "hello" };
export { settings as Greeter };

export default class Greeter extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    sender?.send("mine");
  }
}
