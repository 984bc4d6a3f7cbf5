/** Actors whose failures have causes: what the caller must still see at the end of the chain. */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** Its handler throws an error caused by another. */
export class Layered extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(text: string) {
    throw new Error(`cannot handle ${text}`, { cause: new RangeError("the root cause") });
  }
}

/** Its preStart fails with an error caused by another. */
export class NoConnection extends Actor<string> {
  static readonly module = import.meta.url;
  override preStart() {
    throw new Error("no database", { cause: new Error("connection refused") });
  }
}

/** Asks a Faulty to ask `target` `text`. */
@message()
export class AskFaulty {
  constructor(readonly target: ActorRef<string> | null = null, readonly text = "") {}
}

/**
 * Fails as it is told: `"throw"` throws a RangeError, `"reject"` rejects (an async handler),
 * `"reply, then throw"` answers "replied" first; `Ask` asks another actor and answers what it
 * got, or the class and message of the error its ask rejected with. Anything else it echoes.
 */
export class Faulty extends Actor<string | AskFaulty> {
  static readonly module = import.meta.url;
  @handles(String)
  async onText(text: string, sender: ActorRef | null) {
    if (text === "throw") throw new RangeError("division by zero");
    if (text === "reject") {
      await Promise.resolve();
      throw new RangeError("rejected later");
    }
    if (text === "reply, then throw") {
      sender?.send("replied");
      throw new RangeError("after the reply");
    }
    sender?.send(text);
  }
  @handles(AskFaulty)
  async onAsk(ask: AskFaulty, sender: ActorRef | null) {
    try {
      sender?.send(await this.context.ask(ask.target!, ask.text, { timeout: 20_000 }));
    } catch (error) {
      sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
