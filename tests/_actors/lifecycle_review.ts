/** Actors of tests/system/lifecycle_review_test.ts: busy, witnessing and collecting actors. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";
import { Echo } from "./basic.ts";

/**
 * Busy (its Worker's thread held, as a computation would) for `n` ms on a number `n`, answered
 * as it begins; answers anything else with itself.
 */
export class Busy extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(work: unknown, sender: ActorRef | null) {
    if (typeof work === "number") {
      sender?.send(work); // answered as it begins: the caller knows it is busy
      const until = Date.now() + work;
      while (Date.now() < until) { /* busy */ }
      return;
    }
    sender?.send(work);
  }
}

/** Keeps what Witnesses tell it; `"?"` answers all of it. */
export class Sink extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #seen: unknown[] = [];
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    if (message === "?") sender?.send([...this.#seen]);
    else this.#seen.push(message);
  }
}

/**
 * Tells its sink `"<instance> <message>"` for each message it handles (each instance has an id of
 * its own); answers `"id"` with its instance's id.
 */
export class Witness extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #id = crypto.randomUUID().slice(0, 8);
  constructor(readonly sink: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    if (message === "id") {
      sender?.send(this.#id);
      return;
    }
    this.sink?.send(`${this.#id} ${message}`);
  }
}

/** Spawns an Echo child on any message: answers `"ok"`, or the error's class and message. */
export class Spawning extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(_: unknown, sender: ActorRef | null) {
    try {
      this.context.spawn(Echo);
      sender?.send("ok");
    } catch (error) {
      sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
