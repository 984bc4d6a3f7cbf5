/**
 * Two actor classes of this module that share the name "Twin": one exported under that name,
 * the other as the default (tests/system/lifecycle_review_test.ts).
 */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

const First = class Twin extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    sender?.send("first");
  }
};
export { First as Twin };

export default class Twin extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    sender?.send("default");
  }
}
