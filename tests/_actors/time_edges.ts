/** Actors for tests/actor/time_edges_test.ts: receive timeouts, a stopped actor's timers, stop() from callbacks. */
import { Actor, type ActorRef, handles, OtherMessage, ReceiveTimeout } from "../../mod.ts";

/**
 * Logs what it handles. `"watch"` sets a receive timeout of 50 ms; `"busy"` keeps it busy for
 * 200 ms (an async handler awaiting a timer); `"spin"` blocks for 200 ms; `"log"` answers the log.
 * At each ReceiveTimeout it sends the log and the times to `reporter`, so that nobody needs to ask
 * (asking is a message: the actor would not be quiet).
 */
export class Watchful extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly reporter: ActorRef<unknown> | null = null) {
    super();
  }
  readonly #log: string[] = [];
  /** When each logged message was handled (performance.now()). */
  readonly #at: number[] = [];

  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    if (message === "log") {
      sender?.send([[...this.#log], [...this.#at]]);
      return;
    }
    this.#log.push(String(message));
    this.#at.push(performance.now());
    if (message === "watch") this.context.setReceiveTimeout(50);
    else if (message === "busy") {
      return new Promise<void>((resolve) => setTimeout(resolve, 200));
    } else if (message === "spin") {
      const until = performance.now() + 200;
      while (performance.now() < until) { /* busy */ }
    } else if (message === "drain") {
      // The react-loop style: takes the next `count` messages itself.
      for (let i = 0; i < 3; i++) {
        const got = this.context.receive(5_000);
        this.#log.push(
          `received ${got?.message instanceof ReceiveTimeout ? "timeout" : String(got?.message)}`,
        );
      }
    }
  }

  @handles(ReceiveTimeout)
  onTimeout() {
    this.#log.push("timeout");
    this.#at.push(performance.now());
    this.reporter?.send([[...this.#log], [...this.#at]]);
  }
}

/** Contexts of stopped `Leaver`s, as user code may keep them (a closure, a callback). */
const leftBehind: { context: Leaver["context"] | null } = { context: null };

/** Keeps its context where a neighbour's code can reach it, then stops on `"leave"`. */
export class Leaver extends Actor<string> {
  static readonly module = import.meta.url;
  override preStart() {
    leftBehind.context = this.context;
  }
  @handles(String)
  onLeave() {
    this.context.stop();
  }
}

/**
 * Next to a Leaver (same Worker): calls the stopped Leaver's `context.setReceiveTimeout(null)`
 * (turning its receive timeout off, as cleanup code left behind would) and answers what came of it.
 */
export class Cleaner extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny(_: unknown, sender: ActorRef | null) {
    try {
      leftBehind.context!.setReceiveTimeout(null);
      sender?.send("ok");
    } catch (error) {
      sender?.send(`threw ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}

/**
 * Next to a Leaver (same Worker): on a target ref, calls the stopped Leaver's
 * `context.sendEvery(5, target, "from a stopped actor")`, as a leftover callback of the Leaver
 * would, and answers what came of it.
 */
export class Neighbour extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onTarget(target: unknown, sender: ActorRef | null) {
    try {
      const timer = leftBehind.context!.sendEvery(
        5,
        target as ActorRef<string>,
        "from a stopped actor",
      );
      sender?.send(`timer set, active: ${timer.active}`);
    } catch (error) {
      sender?.send(`refused: ${(error as Error).name}`);
    }
  }
}

/** Counts what it gets; answers `"count?"` with the count of the others. */
export class Counter extends Actor<unknown> {
  static readonly module = import.meta.url;
  #count = 0;
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    if (message === "count?") sender?.send(this.#count);
    else this.#count++;
  }
}

/**
 * `"stop soon"`: a handler (async, or not: `new Stopper(false)`) that leaves a callback behind,
 * which calls `this.context.stop()` once the handler is done, then answers "stop called".
 */
export class Stopper extends Actor<string> {
  static readonly module = import.meta.url;
  constructor(readonly isAsync = true) {
    super();
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (this.isAsync) return this.#async(text, sender);
    this.#leave(sender);
  }
  async #async(_: string, sender: ActorRef | null) {
    await Promise.resolve();
    this.#leave(sender);
  }
  #leave(sender: ActorRef | null) {
    setTimeout(() => {
      this.context.stop();
      sender?.send("stop called");
    }, 0);
  }
}

/** The same with an `async` handler. */
export class AsyncStopper extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  async onText(_: string, sender: ActorRef | null) {
    await Promise.resolve();
    setTimeout(() => {
      this.context.stop();
      sender?.send("stop called");
    }, 0);
  }
}
