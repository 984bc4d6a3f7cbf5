/** Actors for tests/actor/regressions2_test.ts. */
import { Actor, type ActorRef, handles, OtherMessage, ReceiveTimeout } from "../../mod.ts";

/** Handles strings only: a number sent to it has no handler. */
export class OnlyStrings extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onString() {}
}

/** On "go", asks its target for 42 (which it has no handler for) and lets the failure go. */
export class FailingAsker extends Actor<string> {
  static readonly module = import.meta.url;
  constructor(readonly target: ActorRef<unknown>) {
    super();
  }
  @handles(String)
  async onGo() {
    await this.context.ask(this.target, 42, { timeout: 10_000 });
  }
}

/**
 * Has a long receive timeout; counts ReceiveTimeouts it handles. "ping" does nothing; "count?"
 * is answered once "done" has come (with the count then).
 */
export class IdleParent extends Actor<unknown> {
  static readonly module = import.meta.url;
  #count = 0;
  #done = false;
  #asker: ActorRef | null = null;
  override preStart() {
    this.context.setReceiveTimeout(60_000);
  }
  @handles(ReceiveTimeout)
  onTimeout() {
    this.#count++;
  }
  @handles(OtherMessage)
  onOther(message: unknown, sender: ActorRef | null) {
    if (message === "done") {
      this.#done = true;
      this.#asker?.send(this.#count);
    } else if (message === "count?") {
      if (this.#done) sender?.send(this.#count);
      else this.#asker = sender;
    }
  }
}

/** Tells its parent-like target when it went idle: forwards its ReceiveTimeout (once). */
export class IdleReporter extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly target: ActorRef<unknown>) {
    super();
  }
  override preStart() {
    this.context.setReceiveTimeout(5);
  }
  @handles(ReceiveTimeout)
  onTimeout(timeout: ReceiveTimeout) {
    this.context.setReceiveTimeout(null);
    this.target.send("ping");
    this.target.send(timeout); // "I am idle": the target handles ReceiveTimeout already
    this.target.send("done");
  }
}

/** Does nothing. */
export class Idle extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny() {}
}

/**
 * On "go": turns a receive timeout of 100 ms on, then works 300 ms in the same handler. Answers
 * the asker of "go" with how long after that handler ended its ReceiveTimeout came.
 */
export class SlowStarter extends Actor<unknown> {
  static readonly module = import.meta.url;
  #ended = 0;
  #asker: ActorRef | null = null;
  @handles(ReceiveTimeout)
  onTimeout() {
    this.context.setReceiveTimeout(null);
    this.#asker?.send(performance.now() - this.#ended);
  }
  @handles(OtherMessage)
  onGo(_: unknown, sender: ActorRef | null) {
    this.#asker = sender;
    this.context.setReceiveTimeout(100);
    const until = performance.now() + 300;
    while (performance.now() < until) { /* work */ }
    this.#ended = performance.now();
  }
}

/** "fail": throws; "quit-and-fail": stop(), then throws. */
export class Flaky extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(text: string) {
    if (text === "quit-and-fail") this.context.stop();
    throw new Error(text);
  }
}

/** Restarts a failing child at most once; "spawn" answers a new Flaky child. */
export class OnceRestarter extends Actor<string> {
  static readonly module = import.meta.url;
  static readonly supervision = { onFailure: "restart" as const, maxRestarts: 1 };
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "spawn") sender?.send(this.context.spawn(Flaky));
  }
}

/** A user's own error class that happens to share a name with one of ringmail's. */
export class SpawnError extends Error {
  override name = "SpawnError";
}

/** "throw": throws the user's own SpawnError. */
export class OwnErrorThrower extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText() {
    throw new SpawnError("my own spawn failed");
  }
}
