/** Actors of tests/remote/export_watch_review_test.ts. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";
import { CodecError, MessageTooLargeError, RingmailError } from "../../errors.ts";

/** The second version of Greeter: answers "v2". Not exported (handed out by greeterV2). */
class Greeter extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    sender?.send("v2");
  }
}

/** Hands out the new Greeter without exporting it. */
export function greeterV2(): typeof Greeter {
  return Greeter;
}

// The old one stays available under another name: it is another class, of another module.
export { Greeter as LegacyGreeter } from "./export_review_v1.ts";

/** Not exported either; a plain helper function of this module happens to bear its name. */
class Helper extends Actor<unknown> {
  static readonly module = import.meta.url;
}
export function helperClass(): typeof Helper {
  return Helper;
}
export const formatHelper = function Helper(value: unknown): string {
  return String(value);
};

/** Throws ringmail errors of classes with fields, and a user's own class bearing such a name. */
export class Thrower extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(event: unknown) {
    if (event === "too-large") throw new MessageTooLargeError(5000, 4088, "a test");
    if (event === "codec") throw new CodecError("bad", { path: "message.x" });
    class MailboxFullError extends RingmailError {}
    throw new MailboxFullError("mine");
  }
}
