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

/** Its first instance stashes each request, then fails; a restarted one answers what it gets back. */
export class StashThenFail extends Actor<string> {
  static readonly module = import.meta.url;
  static readonly stashCapacity = 10;
  static instances = 0;
  readonly #instance = ++StashThenFail.instances;
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (this.#instance === 1) {
      this.context.stash();
      throw new Error("not ready yet");
    }
    sender?.send(`${text} handled by instance ${this.#instance}`);
  }
}

/** Asks a PassThenFail to pass `text` on to `to`, the asker as its sender. */
@message()
export class PassOn {
  constructor(readonly to: ActorRef<string> | null = null, readonly text = "") {}
}

/** Passes a request on with its sender, then fails. */
export class PassThenFail extends Actor<PassOn> {
  static readonly module = import.meta.url;
  @handles(PassOn)
  onPass(pass: PassOn, sender: ActorRef | null) {
    pass.to!.send(pass.text, { sender });
    throw new Error("bookkeeping failed after passing it on");
  }
}

/** Holds what it gets until "open", then answers each with its text. */
export class Gate extends Actor<string> {
  static readonly module = import.meta.url;
  readonly #held: [string, ActorRef | null][] = [];
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text !== "open") {
      this.#held.push([text, sender]);
      return;
    }
    for (const [held, to] of this.#held.splice(0)) to?.send(held);
  }
}
