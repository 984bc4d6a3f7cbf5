/**
 * Actors for the pool-healing, kill and child-announcement tests. Each is exported and says
 * where its module is.
 */
import {
  Actor,
  type ActorRef,
  handles,
  message,
  OtherMessage,
  type SupervisionStrategy,
} from "../../mod.ts";
import { Ledger } from "./ledger.ts";

/**
 * Answers any string with itself; `"id"` answers an id made when the instance was (a restart
 * makes a new one). `"busy <ms>"` answers, then keeps its thread busy for that long. `"hang"`
 * answers, then awaits a promise that never settles; `"hang quietly"` awaits it without
 * answering. `"loop <key>"`
 * answers, then spins in a synchronous loop that nothing in the actor system can end: Deno's
 * `Worker.terminate()` does not interrupt a thread running JavaScript, so a thread in a true
 * `while (true) {}` would spin until the test process ends and load every test after it. The
 * loop ends only once the test calls {@link releaseLoop} with its key, after its system is gone.
 */
export class Hung extends Actor<string> {
  static readonly module = import.meta.url;
  readonly #id = crypto.randomUUID();
  @handles(String)
  onText(text: string, sender: ActorRef | null): void | Promise<void> {
    // Taken, never answered: a call of it waits until the actor is killed.
    if (text === "hang quietly") return new Promise<void>(() => {});
    sender?.send(text === "id" ? this.#id : text);
    if (text.startsWith("loop ")) {
      const released = releaseVariable(text.slice(5));
      while (Deno.env.get(released) === undefined) { /* stuck: nothing else runs here */ }
    }
    if (text === "hang") return new Promise<void>(() => {});
    if (text.startsWith("busy ")) {
      const until = Date.now() + Number(text.slice(5));
      while (Date.now() < until) { /* busy: the next messages wait */ }
    }
  }
}

function releaseVariable(key: string): string {
  return `RINGMAIL_TEST_RELEASE_${key.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** Ends the loops of Hung actors told `"loop <key>"` (their thread then runs on and ends). */
export function releaseLoop(key: string): void {
  Deno.env.set(releaseVariable(key), "1");
}

/** Its Worker dies a moment after it starts, every time (an uncaught error there). */
export class Poison extends Actor<string> {
  static readonly module = import.meta.url;
  override preStart() {
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
    sender?.send(
      request.near ? this.context.spawnWith(Hung, { near: this.self }) : this.context.spawn(Hung),
    );
  }
}

/**
 * `"spawn"` spawns a child (a Ledger) and answers its ref; `"hang"` answers, then never settles
 * (an async handler: its mailbox waits, its Worker is free) — a parent a shutdown cuts off.
 */
export class StuckParent extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onOther(message: unknown, sender: ActorRef | null): void | Promise<void> {
    if (message === "spawn") sender?.send(this.context.spawn(Ledger));
    if (message === "hang") {
      sender?.send("hang");
      return new Promise<void>(() => {});
    }
  }
}
