/** Actors for the become tests: replies that change with the actor's behaviour. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/**
 * Answers `base:<text>` with its handlers; `"push X"` becomes one that answers `X:<text>` on
 * top of the current one, `"set X"` replaces the current one with it, `"pop"` unbecomes,
 * `"boom"` throws. Commands answer `"ok"`.
 */
export class Mood extends Actor<string> {
  static readonly module = import.meta.url;

  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (!this.#command(text, sender)) sender?.send(`base:${text}`);
  }

  #command(text: string, sender: ActorRef | null): boolean {
    const [verb, name] = text.split(" ");
    if (verb === "push" || verb === "set") {
      this.context.become((next: string, from) => {
        if (!this.#command(next, from)) from?.send(`${name}:${next}`);
      }, { discardOld: verb === "set" });
    } else if (verb === "pop") this.context.unbecome();
    else if (verb === "boom") throw new Error("a mood swing");
    else return false;
    sender?.send("ok");
    return true;
  }
}

/**
 * `"slow"` switches to an async behaviour that logs when each message starts and ends, with a
 * timer's wait in between; `"log"` answers the log (after its own wait).
 */
export class SlowMood extends Actor<string> {
  static readonly module = import.meta.url;
  readonly #log: string[] = [];

  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text !== "slow") return;
    this.context.become(async (next: string, from) => {
      this.#log.push(`start ${next}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      this.#log.push(`end ${next}`);
      if (next === "log") from?.send([...this.#log]);
    });
    sender?.send("ok");
  }
}

/** Answers anything with "hi", to its sender as it sees it. */
export class Greeter extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(_: string, sender: ActorRef | null) {
    sender?.send("hi");
  }
}

/**
 * A class with no async method (its Worker has run no async function yet); given a Greeter, it
 * switches to an async behaviour: `"go"` greets the Greeter after an await, and the Greeter's
 * "hi" (which reaches this actor only if it was the greeting's implicit sender) answers "go".
 */
export class LateGreeter extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onGreeter(greeter: unknown, sender: ActorRef | null) {
    let waiter: ActorRef | null = null;
    this.context.become(async (next: unknown, from) => {
      if (next === "go") {
        waiter = from;
        await Promise.resolve();
        (greeter as ActorRef<string>).send("hello");
      } else if (next === "hi") waiter?.send("greeted");
    });
    sender?.send("ready");
  }
}
