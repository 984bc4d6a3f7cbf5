/**
 * Actors for tests/actor/stopped_context_test.ts: code an actor left behind (a timer's callback)
 * that calls its `this.context` once the actor has stopped (not restarted).
 */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../../mod.ts";

/** What a left-behind call came to: the value, or the error's class and message. */
export interface Outcome {
  ok: boolean;
  value?: unknown;
  name?: string;
  message?: string;
}

/** What the left-behind code tells the probe once it made its call. */
export interface Report {
  op: string;
  outcome: Outcome;
}

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
    let outcome: Outcome;
    try {
      const context = this.context;
      let value: unknown;
      switch (op) {
        case "become":
          context.become((m, s) => this.#handle(m, s, "left-behind behaviour"));
          break;
        case "unbecome":
          context.unbecome();
          break;
        case "stash":
          context.stash();
          break;
        case "unstashAll":
          context.unstashAll();
          break;
        case "setReceiveTimeout":
          context.setReceiveTimeout(20);
          break;
        case "setReceiveTimeout(null)":
          context.setReceiveTimeout(null);
          break;
        case "sendAfter":
          context.sendAfter(10, this.probe!, "tick");
          break;
        case "sendEvery":
          context.sendEvery(10, this.probe!, "tick");
          break;
        case "watch":
          context.watch(this.other!);
          break;
        case "unwatch":
          context.unwatch(this.other!);
          break;
        case "spawn":
          value = String(context.spawn(Echo));
          break;
        case "spawnWith":
          value = String(context.spawnWith(Echo, { name: "late" }));
          break;
        case "children":
          value = context.children.length;
          break;
        case "stop":
          context.stop();
          break;
        case "receive":
          value = context.receive(500)?.message ?? null;
          break;
        case "ask":
          value = await context.ask(this.other!, "question", { timeout: 5000 });
          break;
        case "pipeToSelf":
          context.pipeToSelf(Promise.resolve("piped"), (piped) => piped);
          break;
        case "self":
          value = String(context.self);
          break;
        case "name":
          value = context.name;
          break;
        case "parent":
          value = context.parent;
          break;
        default:
          throw new Error(`no op ${op}`);
      }
      outcome = { ok: true, value };
    } catch (error) {
      const e = error as Error;
      outcome = { ok: false, name: e?.constructor?.name, message: String(e?.message) };
    }
    this.probe?.send({ op, outcome } satisfies Report, { sender: null });
  }
}
