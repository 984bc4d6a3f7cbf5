/** Actors for tests/actor/ctx_usage_review_test.ts: stateful actors as a user writes them. */
import { Actor, type ActorRef, handles, Stop } from "../../mod.ts";

/** Stops itself the way README names besides `stop()`: by sending itself `Stop`. */
export class SelfStopper extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onCommand(command: string, sender: ActorRef<unknown> | null) {
    if (command === "now") this.self.send(new Stop());
    if (command === "later") this.context.sendAfter(1, this.self, new Stop());
    sender?.send(command);
  }
}
