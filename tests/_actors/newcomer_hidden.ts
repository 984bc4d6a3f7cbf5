/** An actor class its module does not export: what a newcomer forgets, for the cluster review. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../actor.ts";

class Hidden extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    sender?.send(message);
  }
}

/** The class itself, reachable from code but not among the module's exports. */
export function hiddenClass(): typeof Hidden {
  return Hidden;
}
