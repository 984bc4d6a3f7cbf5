/** An actor for the tests of a Bridge's watches of other nodes' actors. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/**
 * `"quit"`: stops without answering (a call to it waits for its end); `"later:<ms>"`: answers
 * `"later"` after that long (at most 2 s); anything else: echoed.
 */
export class Quitter extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  async onAny(message: unknown, sender: ActorRef | null) {
    if (message === "quit") return this.context.stop();
    if (typeof message === "string" && message.startsWith("later:")) {
      const ms = Math.min(Number(message.slice(6)), 2_000);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return sender?.send("later");
    }
    sender?.send(message);
  }
}

/** `"hold"`: answered `"opened"` once `"open"` comes; `"held"`: how many wait; else echoed. */
export class Gate extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #held: ActorRef[] = [];
  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef | null) {
    if (message === "hold" && sender !== null) return void this.#held.push(sender);
    if (message === "held") return sender?.send(this.#held.length);
    if (message === "open") {
      for (const held of this.#held.splice(0)) held.send("opened");
    }
    sender?.send(message);
  }
}
