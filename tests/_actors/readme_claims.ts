/** Actors for the README's claims (tests/readme_claims_test.ts). */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/** Answers every message with itself. */
export class Answerer extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    sender?.send(message);
  }
}
