/** Actors of tests/remote/export_watch_review_test.ts. */
import { Actor, type ActorRef, handles, OtherMessage, Terminated } from "../../mod.ts";

/** Watches the actor it is given as it starts; answers what it gets. */
export class WatchOnStart extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly target: ActorRef<unknown> | null = null) {
    super();
  }
  override preStart() {
    if (this.target !== null) this.context.watch(this.target);
  }
  @handles(Terminated)
  onEnd(_end: Terminated) {}
  @handles(OtherMessage)
  onAnything(event: unknown, sender: ActorRef | null) {
    sender?.send(event);
    // "busy:<ms>": blocks its Worker that long (bounded), as a stuck actor does.
    if (typeof event === "string" && event.startsWith("busy:")) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(event.slice(5)));
    }
  }
}
