/**
 * Actors for tests/actor/stopped_context_test.ts: code an actor left behind (a timer's callback)
 * that calls its `this.context` once the actor has stopped (not restarted).
 */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../../mod.ts";
import { callOnContext, type Report } from "./context_ops.ts";

export type { Outcome, Report } from "./context_ops.ts";

/**
 * Has the actor leave code behind that calls `op` on its context once {@link Opener} opens the
 * gate; `stopItself`: then it calls `this.context.stop()` (else the test stops it).
 */
@message()
export class Leave {
  constructor(readonly op = "", readonly stopItself = false) {}
}

/**
 * Opened by an Opener in the same Worker (a pool of one): the left-behind code waits for it, so
 * that it runs only once the test has seen the actor stop. Made again by each Leave.
 */
let openGate: () => void = () => {};
let gate: Promise<void> = Promise.resolve();

/** Answers whatever it gets with it: a child to spawn, an actor to watch and to ask. */
export class Echo extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    sender?.send(m);
  }
}

/** Keeps what it gets; answers "dump" with it. */
export class Probe extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #got: unknown[] = [];
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    if (m === "dump") sender?.send(this.#got);
    else this.#got.push(m);
  }
}

/** Next to a Stopping (same Worker): "open" lets its left-behind code run. */
export class Opener extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    if (m === "open") openGate();
    sender?.send(m);
  }
}

/**
 * Tells `probe` of each message its handlers (or a behaviour, named) take, as `"<by>: <message>"`.
 * Set up by the test before it stops: "watch" (`other`), "spawn" (a child), "arm" (a receive
 * timeout of 30 ms), "become" (a behaviour of its own). `asyncPostStop`: its postStop awaits,
 * then asks `other` through its context and tells `probe` the answer.
 */
export class Stopping extends Actor<unknown> {
  static readonly module = import.meta.url;
  static readonly stashCapacity = 10;

  constructor(
    readonly probe: ActorRef<unknown> | null = null,
    readonly other: ActorRef<unknown> | null = null,
    readonly asyncPostStop = false,
  ) {
    super();
  }

  override async postStop() {
    if (!this.asyncPostStop) return;
    await Promise.resolve();
    let answer: string;
    try {
      answer = `postStop asked: ${await this.context.ask(this.other!, "bye", { timeout: 5000 })}`;
    } catch (error) {
      answer = `postStop's ask failed: ${error}`;
    }
    this.probe?.send(answer);
  }

  @handles(Leave)
  onLeave(leave: Leave, sender: ActorRef | null) {
    gate = new Promise((resolve) => openGate = resolve);
    const opened = gate;
    setTimeout(() => opened.then(() => this.#attempt(leave.op)), 0);
    if (leave.stopItself) this.context.stop();
    sender?.send("left");
  }

  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    this.#handle(m, sender, "handlers");
  }

  #handle(m: unknown, sender: ActorRef | null, by: string): void {
    if (m instanceof Leave) return this.onLeave(m, sender);
    this.probe?.send(`${by}: ${m}`);
    switch (m) {
      case "become":
        this.context.become((next, from) => this.#handle(next, from, "own behaviour"));
        break;
      case "arm":
        this.context.setReceiveTimeout(30);
        break;
      case "watch":
        this.context.watch(this.other!);
        break;
      case "spawn":
        this.context.spawn(Echo);
        break;
    }
    sender?.send(m);
  }

  /** What left-behind code does: calls `op` on the stopped actor's context. */
  async #attempt(op: string): Promise<void> {
    const outcome = await callOnContext(this.context, op, {
      probe: this.probe!,
      other: this.other!,
      child: Echo,
      behaviour: (m, s) => this.#handle(m, s, "left-behind behaviour"),
    });
    this.probe?.send({ op, outcome } satisfies Report, { sender: null });
  }
}
