/**
 * Actors for tests/actor/incarnation_test.ts: code an instance left behind (a timer's callback, an
 * event listener) that calls its `this.context` after a restart replaced that instance.
 */
import {
  Actor,
  type ActorRef,
  handles,
  message,
  OtherMessage,
  ReceiveTimeout,
  Terminated,
} from "../../mod.ts";
import { callOnContext, type Report } from "./context_ops.ts";

export type { Outcome, Report } from "./context_ops.ts";

/**
 * Has the instance leave code behind that calls `op` on its context, then fail (its supervisor
 * restarts it). `by`: "timer", a plain setTimeout's callback, which runs outside any handler;
 * "listener", an event listener the fresh instance's "open" handler fires, so that it runs inside
 * one of the fresh instance's handlers.
 */
@message()
export class Leave {
  constructor(readonly op = "", readonly by = "timer") {}
}

/** {@link Leave}, from an async handler: the timer inherits its async context. */
@message()
export class LeaveAsync {
  constructor(readonly op = "") {}
}

/**
 * Opened by the fresh instance's "open": left-behind code waits for it, so that it runs once the
 * fresh instance is set up as a test wants. Made again by each Leave (one Worker per actor).
 */
let openGate: () => void = () => {};
let gate: Promise<void> = Promise.resolve();
const bell = new EventTarget();
let made = 0;

/** Answers whatever it gets with it; a child to spawn, an actor to watch and to ask. */
export class Echo extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    sender?.send(m);
  }
}

/** Keeps what it gets with its sender; answers "dump" with those (message, sender) pairs. */
export class Probe extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #got: [unknown, ActorRef<unknown> | null][] = [];
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    if (m === "dump") sender?.send(this.#got);
    else this.#got.push([m, sender]);
  }
}

/**
 * Tells `probe` of each start and of each message its handlers (or behaviours, named) take, as
 * `"<by>: <message>"`. Set up by the test, the fresh instance takes: "become" (a behaviour of its
 * own), "hold" (stashed), "unstash", "arm" (a receive timeout of 30 ms), "watch" (`other`),
 * "spawn" (a child), "open" (lets the left-behind code run), "state" (answers how it handles
 * messages and how many children it has).
 */
export class Replaced extends Actor<unknown> {
  static readonly module = import.meta.url;
  static readonly stashCapacity = 10;
  readonly instance = ++made;

  constructor(
    readonly probe: ActorRef<unknown> | null = null,
    readonly other: ActorRef<unknown> | null = null,
  ) {
    super();
  }

  override preStart() {
    this.probe?.send(`instance ${this.instance} started`);
  }

  @handles(Leave)
  onLeave(leave: Leave) {
    this.#leave(leave.op, leave.by);
    throw new Error("failing on purpose, to be restarted");
  }

  @handles(LeaveAsync)
  async onLeaveAsync(leave: LeaveAsync) {
    await Promise.resolve();
    this.#leave(leave.op, "timer");
    throw new Error("failing on purpose, to be restarted");
  }

  @handles(ReceiveTimeout)
  onTimeout() {
    this.probe?.send("handlers: ReceiveTimeout");
  }

  @handles(Terminated)
  onTerminated() {
    this.probe?.send("handlers: Terminated");
  }

  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    this.#handle(m, sender, "handlers");
  }

  #handle(m: unknown, sender: ActorRef | null, by: string): void {
    this.probe?.send(`${by}: ${m}`);
    switch (m) {
      case "become":
        this.context.become((next, from) => this.#handle(next, from, "fresh behaviour"));
        break;
      case "hold":
        sender?.send("held");
        this.context.stash();
        return;
      case "unstash":
        this.context.unstashAll();
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
      case "open":
        bell.dispatchEvent(new Event("open"));
        openGate();
        break;
      case "state":
        sender?.send({ by, children: this.context.children.length });
        return;
    }
    sender?.send(m);
  }

  #leave(op: string, by: string): void {
    gate = new Promise((resolve) => openGate = resolve);
    const run = () => void this.#attempt(op);
    if (by === "listener") bell.addEventListener("open", run, { once: true });
    else {
      const opened = gate;
      setTimeout(() => opened.then(run), 0);
    }
  }

  /** What left-behind code does: calls `op` on this (old) instance's context. */
  async #attempt(op: string): Promise<void> {
    if (op === "send") {
      // Not the context's: a send with the implicit sender, from the code left behind.
      this.probe!.send("sent by the old instance");
      const outcome = { ok: true, value: undefined };
      this.probe?.send({ op, outcome } satisfies Report, { sender: null });
      return;
    }
    const outcome = await callOnContext(this.context, op, {
      probe: this.probe!,
      other: this.other!,
      child: Echo,
      behaviour: (m, s) => this.#handle(m, s, "old behaviour"),
    });
    this.probe?.send({ op, outcome } satisfies Report, { sender: null });
  }
}
