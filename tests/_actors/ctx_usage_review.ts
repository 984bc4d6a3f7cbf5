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

/** A leaf whose stop takes a moment (it flushes something): its `Stopped` comes late. */
export class SlowLeaf extends Actor<string> {
  static readonly module = import.meta.url;
  override async postStop() {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Closes down in the usual order: tells each child to stop, then stops itself (answering the
 * caller its children, to wait for).
 */
export class Closer extends Actor<string> {
  static readonly module = import.meta.url;
  override preStart() {
    for (let i = 0; i < 3; i++) this.context.spawn(SlowLeaf);
  }
  @handles(String)
  onClose(_: string, sender: ActorRef<unknown> | null) {
    const children = this.context.children;
    for (const child of children) child.send(new Stop());
    this.context.stop();
    sender?.send(children);
  }
}
