/** Actors whose traffic the tests of `inspect()` know exactly. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/** Takes anything; `"count"` answers how many it took before; `"fail"` throws. */
export class Sink extends Actor<unknown> {
  static readonly module = import.meta.url;
  #taken = 0;
  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef | null) {
    if (message === "count") sender?.send(this.#taken);
    else if (message === "fail") throw new Error("told to fail");
    else this.#taken++;
  }
}

/** Sends `n` messages to its target for each number `n`, then answers `n`. */
export class Source extends Actor<number> {
  static readonly module = import.meta.url;
  constructor(readonly target: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(Number)
  onCount(count: number, sender: ActorRef | null) {
    for (let i = 0; i < count; i++) this.target!.send(i);
    sender?.send(count);
  }
}

/** Opens the gate of this Worker's Held actor (see below). */
let openGate: () => void = () => {};

/**
 * `"hold"` keeps it busy (an async handler: its mailbox waits) until an Opener of its Worker
 * opens the gate; anything else is answered with itself.
 */
export class Held extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  async onAny(message: unknown, sender: ActorRef | null) {
    if (message === "hold") {
      const opened = new Promise<void>((resolve) => openGate = resolve);
      sender?.send("holding");
      await opened;
    } else sender?.send(message);
  }
}

/** `"open"` opens the gate its Held neighbour waits at; answers `"opened"`. */
export class Opener extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onOpen(_text: string, sender: ActorRef | null) {
    openGate();
    sender?.send("opened");
  }
}

/** Spawns `n` Sinks as its children for each number `n`; answers their refs. */
export class Nest extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onCount(count: number, sender: ActorRef | null) {
    const children = [];
    for (let i = 0; i < count; i++) {
      children.push(this.context.spawnWith(Sink, { name: `child ${i}`, near: this.self }));
    }
    sender?.send(children);
  }
}
