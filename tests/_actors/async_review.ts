/** Actors for tests/actor/async_review_test.ts: what an actor does from inside, async. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/**
 * On `"stop soon"` leaves a timer behind that calls `this.context.stop()` once the handler is
 * done; its async `postStop` awaits a while, then uses its context and tells `probe`.
 */
export class SlowLeaver extends Actor<string> {
  static readonly module = import.meta.url;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "stop soon") {
      setTimeout(() => this.context.stop(), 0);
      sender?.send("ok");
    }
  }
  override async postStop() {
    this.probe?.send("postStop began");
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      this.context.sendAfter(0, this.probe!, "timer set in postStop");
      this.probe?.send("context works after await");
    } catch (error) {
      this.probe?.send(`context refused: ${(error as Error).message}`);
    }
    this.probe?.send("postStop ended");
  }
}

/** Keeps what it is sent. */
export class Keeper extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #events: unknown[] = [];
  @handles(OtherMessage)
  onAnything(event: unknown, sender: ActorRef | null) {
    if (event === "dump") sender?.send([...this.#events]);
    else this.#events.push(event);
  }
}

/**
 * Its async `preStart` leaves behind a callback that calls `this.context.stop()` after `depth`
 * microtasks: before, as or after the actor begins to be served.
 */
export class EarlyStopper extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly depth = 0) {
    super();
  }
  override async preStart() {
    let later: Promise<void> = Promise.resolve();
    for (let i = 0; i < this.depth; i++) later = later.then(() => {});
    void later.then(() => this.context.stop());
    await undefined;
  }
  @handles(OtherMessage)
  onAnything() {}
}

/**
 * Its cleanup stops it, and its postStop runs that cleanup too (as a `close()` helper would):
 * `"fail"` throws, `"ping"` answers which instance it is.
 */
export class SelfCloser extends Actor<string> {
  static readonly module = import.meta.url;
  static instances = 0;
  readonly #instance = ++SelfCloser.instances;
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "fail") throw new Error("boom");
    if (text === "close") this.#close();
    else sender?.send(`instance ${this.#instance}`);
  }
  override postStop() {
    this.#close();
  }
  #close() {
    this.context.stop();
  }
}
