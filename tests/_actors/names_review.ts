/** Actors for the names and remote-spawn review tests (tests/remote/names_review_test.ts). */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/** Answers whatever it is sent with what it was sent. */
export class Answerer extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    sender?.send(message);
  }
}
