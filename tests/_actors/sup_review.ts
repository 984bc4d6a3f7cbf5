/** Actors for tests/actor/sup_review_test.ts: timers and supervision under review. */
import {
  Actor,
  type ActorRef,
  handles,
  message,
  OtherMessage,
  ReceiveTimeout,
  type SupervisionStrategy,
  Terminated,
} from "../../mod.ts";

/** Its preStart always throws (sync); tells `probe` of each attempt. */
export class NeverStarts extends Actor<string> {
  static readonly module = import.meta.url;
  static attempts = 0;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  override preStart() {
    NeverStarts.attempts++;
    throw new Error(`no database (attempt ${NeverStarts.attempts})`);
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
}

/** Its constructor always throws. */
export class NeverConstructs extends Actor<string> {
  static readonly module = import.meta.url;
  constructor() {
    super();
    throw new Error("no config");
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
}

/** Asks a Supervisor to spawn a child of `kind` with the probe. */
@message()
export class Spawn {
  constructor(readonly kind = "", readonly probe: ActorRef<unknown> | null = null) {}
}

/** A parent with a strategy; records its children's Terminated and its own failures via probe. */
export class Boss2 extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #ends: { kind: string; reason: string }[] = [];
  @handles(Spawn)
  onSpawn(spawn: Spawn, sender: ActorRef | null) {
    const cls = spawn.kind === "never-starts"
      ? NeverStarts
      : spawn.kind === "never-constructs"
      ? NeverConstructs
      : spawn.kind === "ticker"
      ? Ticker
      : Echo;
    const child = this.context.spawn(cls, spawn.probe);
    this.context.watch(child);
    sender?.send(child);
  }
  @handles(Terminated)
  onTerminated(end: Terminated) {
    this.#ends.push({ kind: end.kind, reason: end.reason });
  }
  @handles(OtherMessage)
  onText(text: unknown, sender: ActorRef | null) {
    if (text === "ends") sender?.send([...this.#ends]);
    else if (text === "children") sender?.send(this.context.children.length);
    else sender?.send(text);
  }
}

export class ManyRestartsBoss extends Boss2 {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = {
    onFailure: "restart",
    maxRestarts: 3_000,
    withinMs: 600_000,
  };
}

/** Answers what it gets; "fail" throws. */
export class Echo extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    if (m === "fail") throw new Error("echo told to fail");
    sender?.send(m);
  }
}

/** "every <ms>": ticks to the probe; "timeout <ms>": sets a receive timeout, reports timeouts to the probe. */
export class Ticker extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(ReceiveTimeout)
  onTimeout() {
    this.probe?.send("timeout");
  }
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    if (typeof m === "string" && m.startsWith("every ")) {
      this.context.sendEvery(Number(m.slice(6)), this.probe!, "tick");
    } else if (typeof m === "string" && m.startsWith("timeout ")) {
      this.context.setReceiveTimeout(Number(m.slice(8)));
    } else if (m === "clear") this.context.setReceiveTimeout(null);
    else if (m === "fail") throw new Error("ticker told to fail");
    sender?.send(m);
  }
}

/** A number blocks it (busy) for that many ms; a string is told to its probe. */
export class Blocker extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    if (typeof m === "number") {
      const until = Date.now() + m;
      while (Date.now() < until) { /* busy */ }
      sender?.send("unblocked");
    } else this.probe?.send(m);
  }
}

/** Asks a Later to set a timer: send `message` to `target` after `ms`. */
@message()
export class SetLater {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly message = "",
    readonly ms = 0,
    /** When above 0, the message is a string of this many "x" instead. */
    readonly size = 0,
  ) {}
}

/** Sets the timers it is asked to. */
export class Later extends Actor<SetLater> {
  static readonly module = import.meta.url;
  @handles(SetLater)
  onSet(set: SetLater, sender: ActorRef | null) {
    const message = set.size > 0 ? "x".repeat(set.size) : set.message;
    try {
      this.context.sendAfter(set.ms, set.target!, message);
    } catch (error) {
      return sender?.send(`${(error as Error).name}: ${(error as Error).message}`);
    }
    sender?.send("set");
  }
}
