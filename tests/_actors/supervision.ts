/**
 * Actors for the supervision, watch, worker-death and shutdown tests. Each is exported and says
 * where its module is.
 */
import {
  Actor,
  type ActorRef,
  handles,
  message,
  OtherMessage,
  type SupervisionStrategy,
  Terminated,
} from "../../mod.ts";

/** Records what it is told; `"dump"` answers the list so far. */
export class Probe extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #events: unknown[] = [];
  @handles(OtherMessage)
  onAnything(event: unknown, sender: ActorRef | null) {
    if (event === "dump") sender?.send([...this.#events]);
    else this.#events.push(event);
  }
}

/**
 * A child with state: `"inc"` counts, `"count"` answers the count, `"fail"` throws an Error,
 * `"bug"` a TypeError. Tells its probe (if any) when an instance starts and stops.
 */
export class Flaky extends Actor<string> {
  static readonly module = import.meta.url;
  static instances = 0;
  #count = 0;
  readonly #instance = ++Flaky.instances;
  constructor(readonly probe: ActorRef<unknown> | null = null, readonly label = "flaky") {
    super();
  }
  override preStart() {
    this.probe?.send(`${this.label} start ${this.#instance}`);
  }
  override postStop() {
    this.probe?.send(`${this.label} stop ${this.#instance}`);
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "inc") this.#count++;
    else if (text === "count") sender?.send(this.#count);
    else if (text === "instance") sender?.send(this.#instance);
    else if (text === "fail") throw new Error(`${this.label} told to fail`);
    else if (text === "bug") throw new TypeError(`${this.label} has a bug`);
    else if (text === "exit") Deno.exit(7);
    else if (text === "crash") {
      setTimeout(() => {
        throw new Error("uncaught: the worker dies");
      }, 0);
    } else sender?.send(text);
  }
}

/** Asks a parent to start a child: answered with the child's ref. */
@message()
export class StartChild {
  constructor(
    readonly probe: ActorRef<unknown> | null = null,
    readonly label = "child",
    readonly nearParent = false,
  ) {}
}

/** Asks a parent to pass `text` to its child. */
@message()
export class Tell {
  constructor(readonly child: ActorRef<string> | null = null, readonly text = "") {}
}

/**
 * A parent of Flaky children; the subclasses below differ only in their strategy. `"children"`
 * answers how many children it knows; `"fail"` makes it fail itself.
 */
export class Parent extends Actor<StartChild | Tell | string> {
  static readonly module = import.meta.url;
  @handles(StartChild)
  onStartChild(start: StartChild, sender: ActorRef | null) {
    const child = start.nearParent
      ? this.context.spawnWith(Flaky, { near: this.self }, start.probe, start.label)
      : this.context.spawn(Flaky, start.probe, start.label);
    sender?.send(child);
  }
  @handles(Tell)
  onTell(tell: Tell) {
    tell.child!.send(tell.text);
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "children") sender?.send(this.context.children.length);
    else if (text === "fail") throw new Error("the parent was told to fail");
    else sender?.send(text);
  }
}

export class ResumingParent extends Parent {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "resume" };
}

export class RestartingParent extends Parent {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = {
    onFailure: "restart",
    byError: { TypeError: "stop" },
    maxRestarts: 2,
    withinMs: 60_000,
  };
}

export class StoppingParent extends Parent {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "stop" };
}

export class EscalatingParent extends Parent {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "escalate" };
  readonly #probe: ActorRef<unknown> | null;
  constructor(probe: ActorRef<unknown> | null = null) {
    super();
    this.#probe = probe;
  }
  override preStart() {
    this.#probe?.send("escalating parent start");
  }
  override postStop() {
    this.#probe?.send("escalating parent stop");
  }
}

/** Restarts children whose Worker died; stops them on any other failure. */
export class WorkerDeathParent extends Parent {
  static override readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = {
    onFailure: "stop",
    byError: { WorkerDiedError: "restart" },
  };
}

/** Asks a grandparent to start an EscalatingParent under it. */
@message()
export class StartParent {
  constructor(readonly probe: ActorRef<unknown> | null = null) {}
}

/** Supervises EscalatingParents by restarting them. */
export class Grandparent extends Actor<StartParent> {
  static readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = { onFailure: "restart" };
  @handles(StartParent)
  onStartParent(start: StartParent, sender: ActorRef | null) {
    sender?.send(this.context.spawnWith(EscalatingParent, { near: this.self }, start.probe));
  }
}

/** Asks a Watcher to watch (or, with `stop`, to unwatch) an actor. */
@message()
export class WatchIt {
  constructor(readonly target: ActorRef<never> | null = null, readonly stop = false) {}
}

/** Watches what it is told to and records each `Terminated` as `{ kind, reason, error }`. */
export class Watcher extends Actor<WatchIt | Terminated | string> {
  static readonly module = import.meta.url;
  readonly #ends: { kind: string; reason: string; error: string | null; actor: string }[] = [];
  @handles(WatchIt)
  onWatchIt(request: WatchIt, sender: ActorRef | null) {
    if (request.stop) this.context.unwatch(request.target!);
    else this.context.watch(request.target!);
    sender?.send("ok");
  }
  @handles(Terminated)
  onTerminated(end: Terminated) {
    this.#ends.push({
      kind: end.kind,
      reason: end.reason,
      error: end.error?.message ?? null,
      actor: String(end.actor?.slot),
    });
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "ends") sender?.send([...this.#ends]);
  }
}

/** Handles slowly: each message takes `ms` of an awaited timer. Logs what it handled. */
export class Slow extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #log: unknown[] = [];
  #atStop: ActorRef | null = null;
  constructor(readonly ms = 20) {
    super();
  }
  @handles(OtherMessage)
  async onAnything(work: unknown, sender: ActorRef | null) {
    if (work === "log") return sender?.send([...this.#log]);
    if (work === "tell me at stop") {
      this.#atStop = sender;
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, this.ms));
    this.#log.push(work);
    sender?.send(work);
  }
  override postStop() {
    this.#atStop?.send([...this.#log]);
  }
}

/**
 * Blocks its Worker, busy, on `"block"` (for two minutes: only terminate() ends that) or on a
 * number (for that many ms); answers anything else.
 */
export class Stubborn extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(work: unknown, sender: ActorRef | null) {
    const ms = work === "block" ? 120_000 : typeof work === "number" ? work : 0;
    const until = Date.now() + ms;
    while (Date.now() < until) { /* busy */ }
    sender?.send(work);
  }
}

/** Relays each number it gets to `target`, blocking when `target`'s mailbox is full. */
export class Flooder extends Actor<number | string> {
  static readonly module = import.meta.url;
  constructor(readonly target: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(Number)
  onCount(count: number, sender: ActorRef | null) {
    const payload = "x".repeat(200);
    let sent = 0;
    for (; sent < count; sent++) this.target!.send(payload);
    sender?.send(sent);
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
}

/** A parent that reports, in its `postStop`, what it heard from its child before stopping. */
export class Family extends Actor<string> {
  static readonly module = import.meta.url;
  readonly #heard: string[] = [];
  #atStop: ActorRef | null = null;
  override preStart() {
    this.context.spawnWith(Leaf, { near: this.self }, this.self);
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "tell me at stop") this.#atStop = sender;
    else if (text === "child?") sender?.send(this.context.children[0]);
    else this.#heard.push(text);
  }
  override postStop() {
    this.#atStop?.send([...this.#heard, "parent stopping"]);
  }
}

/** Tells its parent when it stops. */
export class Leaf extends Actor<string> {
  static readonly module = import.meta.url;
  constructor(readonly parentRef: ActorRef<string> | null = null) {
    super();
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
  override postStop() {
    this.parentRef?.send("child stopped");
  }
}

/**
 * Its `onStart` throws for the first `failures` instances made in its Worker (awaiting first
 * when `async`); later instances start and answer any string with itself.
 */
export class FailsToStart extends Actor<string> {
  static readonly module = import.meta.url;
  static made = 0;
  constructor(readonly failures = 1, readonly async = false) {
    super();
  }
  override preStart(): void | Promise<void> {
    const failing = ++FailsToStart.made <= this.failures;
    if (!this.async) {
      if (failing) throw new Error("no database");
      return;
    }
    return Promise.resolve().then(() => {
      if (failing) throw new Error("no database (async)");
    });
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
}

/**
 * Spawns two Flaky children as it starts; `"fail"` throws. Its postStop tells `probe` how many
 * children its context lists then.
 */
export class CountingParent extends Actor<string> {
  static readonly module = import.meta.url;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  override preStart() {
    this.context.spawn(Flaky);
    this.context.spawn(Flaky);
  }
  override postStop() {
    this.probe?.send(`postStop sees ${this.context.children.length} children`);
  }
  @handles(String)
  onText(text: string) {
    if (text === "fail") throw new Error("told to fail");
  }
}
