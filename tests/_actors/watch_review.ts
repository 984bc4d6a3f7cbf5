/** Actors of tests/remote/watch_review_test.ts and tests/delivery/drop_block_test.ts. */
import { Actor, type ActorRef, handles, message, OtherMessage, Terminated } from "../../mod.ts";

/** Asks a Watcher to watch `target`. */
@message()
export class WatchIt {
  constructor(readonly target: ActorRef<unknown> | null = null) {}
}

/** Watches what it is told to; keeps the ends it hears of; `"dump"` answers them. */
export class Watcher extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #ends: string[] = [];
  @handles(WatchIt)
  onWatch(request: WatchIt, sender: ActorRef | null) {
    this.context.watch(request.target!);
    sender?.send("watching");
  }
  @handles(Terminated)
  onEnd(end: Terminated) {
    this.#ends.push(`${end.actor} ${end.kind}`);
  }
  @handles(OtherMessage)
  onAnything(event: unknown, sender: ActorRef | null) {
    if (event === "dump") sender?.send([...this.#ends]);
  }
}

/** Answers what it gets. */
export class Echo2 extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(event: unknown, sender: ActorRef | null) {
    sender?.send(event);
  }
}

/** `"busy:<ms>"`: answers "busy", then blocks its Worker for that long (bounded); else echoes. */
export class Blocker extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(event: unknown, sender: ActorRef | null) {
    if (typeof event === "string" && event.startsWith("busy:")) {
      sender?.send("busy");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(event.slice(5)));
      return;
    }
    if (event instanceof Uint8Array) return;
    sender?.send(event);
  }
}
