/** Actors for tests/system/inspect_edges_test.ts. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/** Answers its own name as it knows it; "child:<name>" spawns a child named <name> and answers its ref. */
export class NameTeller extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef | null) {
    if (typeof message === "string" && message.startsWith("child:")) {
      const child = this.context.spawnWith(NameTeller, { name: message.slice(6) });
      sender?.send(child);
      return;
    }
    if (message === "fail") throw new Error("asked to fail");
    sender?.send(this.context.name);
  }
}
