/**
 * Actors for the tests of a lifecycle's edges: stop() in preStart, receive() in a parent, timers
 * during an async postStop, a constructor that throws once.
 */
import { Actor, type ActorRef, handles, message, OtherMessage, Stop } from "../../mod.ts";
import { ActorNotStartedError } from "../../errors.ts";
import { Flaky } from "./supervision.ts";

/** Stops itself in preStart (sync). */
export class QuitsAtStart extends Actor<unknown> {
  static readonly module = import.meta.url;
  override preStart() {
    this.context.stop();
  }
  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef | null) {
    sender?.send(["handled", message]);
  }
}

/** Stops itself in an async preStart. */
export class QuitsAtAsyncStart extends Actor<unknown> {
  static readonly module = import.meta.url;
  override async preStart() {
    await Promise.resolve();
    this.context.stop();
  }
  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef | null) {
    sender?.send(["handled", message]);
  }
}

/**
 * A parent in the seed's react loop: `"listen <what>"` spawns a Flaky child, tells it `what`
 * (a Stop for "stop", else the string), then takes its messages itself with receive() until
 * "end", and answers what it saw and how many children it still has.
 */
@message()
export class Listen {
  constructor(readonly what = "", readonly probe: ActorRef<unknown> | null = null) {}
}

export class ReactParent extends Actor<Listen | string> {
  static readonly module = import.meta.url;
  static readonly supervision = { onFailure: "escalate" } as const;
  @handles(Listen)
  onListen(listen: Listen, sender: ActorRef | null) {
    const what = listen.what;
    const child = this.context.spawn(Flaky);
    listen.probe?.send(child);
    if (what === "stop") child.send(new Stop());
    else child.send(what);
    const seen: string[] = [];
    for (;;) {
      const next = this.context.receive(10_000);
      if (next === null || next.message === "end") break;
      const m = next.message as object;
      seen.push(typeof m === "object" && m !== null ? m.constructor.name : String(m));
    }
    sender?.send({ seen, children: this.context.children.length });
  }
}

/**
 * "start": sends its probe `tick <instance>` every 5 ms; "fail": tells the probe "failing", then
 * throws. Its postStop is async and slow (a flush, 150 ms); each instance tells its probe when
 * it starts.
 */
export class SlowTicker extends Actor<string> {
  static readonly module = import.meta.url;
  static instances = 0;
  readonly #instance = ++SlowTicker.instances;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  override preStart() {
    this.probe?.send(`start ${this.#instance}`);
  }
  override async postStop() {
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "start") {
      this.context.sendEvery(5, this.probe!, `tick ${this.#instance}`);
      sender?.send("ticking");
    } else if (text === "fail") {
      this.probe?.send("failing");
      throw new Error("told to fail");
    }
  }
}

/** Its first instance (in its Worker) fails in its constructor; the next ones work. */
export class FirstCtorFails extends Actor<string> {
  static readonly module = import.meta.url;
  static made = 0;
  constructor() {
    super();
    if (++FirstCtorFails.made === 1) throw new Error("first constructor fails");
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
}

/** Its first instance (in its Worker) fails in its preStart; the next ones work. */
export class FirstPreStartFails extends Actor<string> {
  static readonly module = import.meta.url;
  static made = 0;
  override preStart() {
    if (++FirstPreStartFails.made === 1) throw new Error("first preStart fails");
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
}

/** `"poll"` makes it send its probe "poll" every 5 ms; its postStop tells the probe, then flushes for 150 ms. */
export class SlowPoller extends Actor<string> {
  static readonly module = import.meta.url;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  override async postStop() {
    this.probe?.send("postStop");
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "poll") this.context.sendEvery(5, this.probe!, "poll");
    sender?.send(text);
  }
}

/** `"wait"`: tells its probe "waiting", then answers what `receive()` (no timeout) takes. */
export class Receiver extends Actor<string> {
  static readonly module = import.meta.url;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text !== "wait") return;
    this.probe?.send("waiting");
    sender?.send(this.context.receive()?.message ?? "nothing");
  }
}

/** Calls `receive()` in its preStart and answers any message with what that did. */
export class ReceivesAtStart extends Actor<string> {
  static readonly module = import.meta.url;
  #outcome = "";
  override preStart() {
    try {
      this.#outcome = `received ${this.context.receive(50)?.message}`;
    } catch (error) {
      const { name, message } = error as Error;
      const notStarted = error instanceof ActorNotStartedError;
      this.#outcome = `${name} (ActorNotStartedError: ${notStarted}): ${message}`;
    }
  }
  @handles(String)
  onText(_text: string, sender: ActorRef | null) {
    sender?.send(this.#outcome);
  }
}
