/** Actors for the stash tests: a door that keeps what comes while it is closed. */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** What a door let in, in order: its answer to `"log"`. */
@message()
export class DoorLog {
  constructor(readonly entries: string[] = []) {}
}

/**
 * Closed, it stashes every message but `"open"`, `"open later"` (opens from a timer, outside any
 * turn), `"boom"` (throws), `"exit"` (ends its Worker) and the probes `"stashed?"`/`"stash twice"`. Open, it logs what it
 * gets, answers `"log"` with a DoorLog and closes again on `"close"`. Holds at most three.
 */
export class Door extends Actor<string> {
  static readonly module = import.meta.url;
  static readonly stashCapacity: number = 3;
  readonly #log: string[] = [];
  /** What `stash()` threw in preStart, outside any handler. */
  #outside = "";

  override preStart() {
    try {
      this.context.stash();
    } catch (error) {
      this.#outside = `${(error as Error).name}: ${(error as Error).message}`;
    }
  }

  @handles(String)
  onClosed(text: string, sender: ActorRef | null) {
    if (text === "open") this.#open();
    else if (text === "open later") setTimeout(() => this.#open(), 1);
    else if (text === "boom") throw new Error("the door was kicked");
    else if (text === "exit") Deno.exit(7);
    else if (text === "outside") sender?.send(this.#outside);
    else if (text === "stash twice") {
      this.context.stash();
      try {
        this.context.stash();
      } catch (error) {
        sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
      }
    } else this.context.stash();
  }

  #open(): void {
    this.context.become(this.#opened);
    this.context.unstashAll();
  }

  readonly #opened = (text: string, sender: ActorRef | null) => {
    if (text === "log") sender?.send(new DoorLog([...this.#log]));
    else if (text === "close") this.context.unbecome();
    else this.#log.push(text);
  };
}

/** A door that holds 20. */
export class BigDoor extends Door {
  static override readonly stashCapacity = 20;
}

/**
 * Spawns a Door next to itself; given a script, sends all of it to the door in one turn (so
 * every line waits in the door's mailbox before the door handles any) and answers the door's
 * log to whoever sent the script. It asks the door something first and sends the script once
 * answered: by then the door has drained its ring, so the script goes to the door's local mail,
 * the queue unstashed messages are put in front of.
 */
export class DoorKeeper extends Actor<unknown[] | DoorLog | string> {
  static readonly module = import.meta.url;
  readonly #door;
  #asker: ActorRef | null = null;
  #script: string[] = [];

  /**
   * @param viaRing skip the question: the script goes through the door's ring, every line
   * reserved in it before the door unstashes (and the door holds 20, not 3).
   */
  constructor(readonly viaRing = false) {
    super();
    this.#door = this.context.spawnWith(viaRing ? BigDoor : Door, { near: this.self });
  }

  @handles(Array)
  onScript(script: unknown[], sender: ActorRef | null) {
    this.#asker = sender;
    this.#script = script.map(String);
    if (this.viaRing) this.onAnswer();
    else this.#door.send("outside");
  }

  @handles(String)
  onAnswer() {
    for (const line of this.#script) this.#door.send(line);
  }

  @handles(DoorLog)
  onLog(log: DoorLog) {
    this.#asker?.send(log.entries);
  }
}

/** Declares no stash: answers what `stash()` threw. */
export class NoStash extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(_: string, sender: ActorRef | null) {
    try {
      this.context.stash();
    } catch (error) {
      sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}

/** Declares a stash that holds nothing: it cannot start. */
export class EmptyStash extends Actor<string> {
  static readonly module = import.meta.url;
  static readonly stashCapacity = 0;
}
