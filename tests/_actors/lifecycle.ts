/**
 * Actors for the pool-healing, kill and child-announcement tests. Each is exported and says
 * where its module is.
 */
import { Actor, type ActorRef, handles, message, type SupervisionStrategy } from "../../mod.ts";

/**
 * Answers any string with itself; `"id"` answers an id made when the instance was (a restart
 * makes a new one). `"loop"` spins forever, `"hang"` awaits a promise that never settles: only
 * a kill ends either.
 */
export class Hung extends Actor<string> {
  static readonly module = import.meta.url;
  readonly #id = crypto.randomUUID();
  @handles(String)
  onText(text: string, sender: ActorRef | null): void | Promise<void> {
    if (text === "loop") {
      for (;;) { /* stuck: its Worker never gets to anything else */ }
    }
    if (text === "hang") return new Promise<void>(() => {});
    sender?.send(text === "id" ? this.#id : text);
  }
}

/** Its Worker dies a moment after it starts, every time (an uncaught error there). */
export class Poison extends Actor<string> {
  static readonly module = import.meta.url;
  override onStart() {
    setTimeout(() => {
      throw new Error("poison: its Worker dies");
    }, 0);
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
}

/** Asks a ChildMaker for a child near itself: answered with the child's ref. */
@message()
export class MakeChild {
  constructor(readonly near = true) {}
}

/** Spawns a Hung child per MakeChild and answers its ref at once, from the same handler. */
export class ChildMaker extends Actor<MakeChild> {
  static readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "stop" };
  @handles(MakeChild)
  onMakeChild(request: MakeChild, sender: ActorRef | null) {
    sender?.send(request.near ? this.spawnWith(Hung, { near: this.self }) : this.spawn(Hung));
  }
}
