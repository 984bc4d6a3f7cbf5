/** Actors of tests/actor/api_review_test.ts. */
import {
  Actor,
  type ActorRef,
  handles,
  message,
  ReceiveTimeout,
  Stop,
  Terminated,
} from "../../mod.ts";

/** Asks a `StashWatcher` to watch `target`. */
@message()
export class WatchIt {
  constructor(readonly target: ActorRef | null = null) {}
}

/** An actor that does nothing; stopped by the tests. */
export class Victim extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(_: string, sender: ActorRef | null) {
    sender?.send("here");
  }
}

/**
 * Watches what it is told to. `"hold"` sets a behaviour that stashes every `Terminated` (as a
 * "busy, later" state does) and answers `"held?"` with how many it stashed; `"release"` goes back
 * to the handlers and unstashes. `"ends"` answers the kinds of the Terminated its handler got.
 */
export class StashWatcher extends Actor<WatchIt | string | Terminated> {
  static readonly module = import.meta.url;
  static readonly stashCapacity = 10;
  readonly #ends: string[] = [];
  #held = 0;

  @handles(WatchIt)
  onWatchIt(request: WatchIt, sender: ActorRef | null) {
    this.context.watch(request.target!);
    sender?.send("watching");
  }

  @handles(Terminated)
  onTerminated(end: Terminated) {
    this.#ends.push(end.kind);
  }

  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "hold") {
      this.context.become(this.#holding);
      sender?.send("holding");
    } else if (text === "ends") sender?.send([...this.#ends]);
  }

  readonly #holding = (message: unknown, sender: ActorRef | null) => {
    if (message instanceof Terminated) {
      this.#held++;
      this.context.stash();
    } else if (message === "held?") sender?.send(this.#held);
    else if (message === "release") {
      this.context.unbecome();
      this.context.unstashAll();
      sender?.send("released");
    }
  };
}

/** Spawns a `Victim` child for each `"spawn"` and tells the `ChildWatcher` it was given to watch it. */
export class Spawner extends Actor<string | WatchIt> {
  static readonly module = import.meta.url;
  #watcher: ActorRef | null = null;
  @handles(WatchIt)
  onWatcher(request: WatchIt, sender: ActorRef | null) {
    this.#watcher = request.target;
    sender?.send("ok");
  }
  @handles(String)
  onSpawn(_: string, sender: ActorRef | null) {
    const child = this.context.spawn(Victim);
    this.#watcher!.send(new WatchIt(child));
    sender?.send(child);
  }
}

/** Watches each ref it is sent at once; answers `"ends"` with the kinds of the Terminated it got. */
export class ChildWatcher extends Actor<WatchIt | string | Terminated> {
  static readonly module = import.meta.url;
  readonly #ends: string[] = [];
  @handles(WatchIt)
  onWatchIt(request: WatchIt) {
    this.context.watch(request.target!);
  }
  @handles(Terminated)
  onTerminated(end: Terminated) {
    this.#ends.push(end.kind);
  }
  @handles(String)
  onText(_: string, sender: ActorRef | null) {
    sender?.send([...this.#ends]);
  }
}

/**
 * `"watch me"`: watches its sender (a client it serves) and answers `"watching"`, or the error
 * the watch threw as `name: message`; `"ends"` answers what its Terminated handler got, as
 * `kind: reason`.
 */
export class ClientWatcher extends Actor<string | Terminated> {
  static readonly module = import.meta.url;
  readonly #ends: string[] = [];
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "watch me") {
      try {
        this.context.watch(sender!);
        sender?.send("watching");
      } catch (error) {
        sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
      }
    } else if (text === "ends") sender?.send([...this.#ends]);
  }
  @handles(Terminated)
  onTerminated(end: Terminated) {
    this.#ends.push(`${end.kind}: ${end.reason}`);
  }
}

/** Asks `target` with `text` (this.context.ask) and answers with the reply or the error's name. */
@message()
export class AskFor {
  constructor(
    readonly target: ActorRef | null = null,
    readonly text = "",
    readonly timeout = 10_000,
  ) {}
}

/** An actor that asks others on request (see AskFor). */
export class TextAsker extends Actor<AskFor> {
  static readonly module = import.meta.url;
  @handles(AskFor)
  async onAskFor(request: AskFor, sender: ActorRef | null) {
    try {
      const reply = await this.context.ask(request.target!, request.text, {
        timeout: request.timeout,
      });
      sender?.send(reply);
    } catch (error) {
      sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}

/**
 * Stops the actor it is sent (`WatchIt`) by sending it `Stop`, as one actor stops another, and
 * watches it; `"ended?"` answers whether its Terminated came.
 */
export class Stopper extends Actor<WatchIt | string | Terminated> {
  static readonly module = import.meta.url;
  #ended = false;
  @handles(WatchIt)
  onStopIt(request: WatchIt, sender: ActorRef | null) {
    this.context.watch(request.target!);
    request.target!.send(new Stop());
    sender?.send("sent");
  }
  @handles(Terminated)
  onTerminated() {
    this.#ended = true;
  }
  @handles(String)
  onText(_: string, sender: ActorRef | null) {
    sender?.send(this.#ended);
  }
}

/**
 * Has a 20 ms receive timeout. `"hold"` sets a behaviour that stashes its `ReceiveTimeout`s and
 * tells `told` of each; `"release"` makes the timeout a minute, goes back to the handlers
 * and unstashes. `"timeouts"` answers how many its handler got.
 */
export class StashIdler extends Actor<string | ReceiveTimeout> {
  static readonly module = import.meta.url;
  static readonly stashCapacity = 10;
  #timeouts = 0;

  constructor(readonly told: ActorRef<string> | null = null) {
    super();
  }

  override preStart() {
    this.context.setReceiveTimeout(20);
  }

  @handles(ReceiveTimeout)
  onTimeout() {
    this.#timeouts++;
  }

  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "hold") {
      this.context.become(this.#holding);
      sender?.send("holding");
    } else if (text === "timeouts") sender?.send(this.#timeouts);
  }

  readonly #holding = (message: unknown, sender: ActorRef | null) => {
    if (message instanceof ReceiveTimeout) {
      this.context.stash();
      this.told?.send("stashed");
    } else if (message === "release") {
      this.context.setReceiveTimeout(60_000); // on still, but none comes during the test
      this.context.unbecome();
      this.context.unstashAll();
      sender?.send("released");
    }
  };
}
