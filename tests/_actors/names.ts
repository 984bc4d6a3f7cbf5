/** Actors with the names users write: the seed's `onStart` handler for a `Start` message. */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

@message()
export class Start {
  constructor(readonly label = "") {}
}

export class StartHandler extends Actor<Start | string> {
  static readonly module = import.meta.url;
  readonly #log: string[] = [];

  @handles(Start)
  onStart(start: Start, sender: ActorRef | null) {
    this.#log.push(`Start ${start.label}`);
    sender?.send(this.#log);
  }

  @handles(String)
  onText(_: string, sender: ActorRef | null) {
    sender?.send(this.#log);
  }
}

/** Hides the actor's `context` with a field of its own: refused when it is spawned. */
export class HidesContext extends Actor<string> {
  static readonly module = import.meta.url;
  constructor() {
    super();
    Object.defineProperty(this, "context", { value: "mine" });
  }
}

/** Stops itself on "stop" (after answering), or on "stop later" after an await. */
export class SelfStopper extends Actor<string> {
  static readonly module = import.meta.url;
  #handled: string[] = [];

  @handles(String)
  async onText(text: string, sender: ActorRef | null) {
    this.#handled.push(text);
    if (text === "stop") {
      this.context.stop();
      sender?.send("stopping"); // the handler runs to its end
    } else if (text === "stop later") {
      this.context.stop();
      await Promise.resolve();
      sender?.send(`stopping after ${this.#handled.join(", ")}`);
    } else sender?.send(this.#handled);
  }
}
