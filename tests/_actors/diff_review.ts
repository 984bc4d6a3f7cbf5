/** Actors for the review of the day's cluster changes (tests/remote/diff_review_test.ts). */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/** Answers whatever it is sent with what it was sent. */
export class Replier extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    sender?.send(message);
  }
}

/** Spawns a Replier child on "spawn" and answers with its ref; answers anything else as is. */
export class Parent extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    if (message === "spawn") sender?.send(this.context.spawn(Replier));
    else sender?.send(message);
  }
}
