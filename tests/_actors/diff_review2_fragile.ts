/**
 * An actor whose module fails to load while RINGMAIL_DIFF_REVIEW2_BREAK is "1" (for
 * tests/actor/diff_review_test.ts: a restart in a new Worker that cannot start it).
 */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

if (Deno.env.get("RINGMAIL_DIFF_REVIEW2_BREAK") === "1") {
  throw new Error("this module cannot be loaded now");
}

/** Answers anything with itself. */
export class Fragile extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef | null) {
    sender?.send(message);
  }
}
