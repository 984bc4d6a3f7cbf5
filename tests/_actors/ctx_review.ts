/** Actors for tests/actor/ctx_review_test.ts: what an actor does through `this.context`. */
import {
  Actor,
  type ActorRef,
  handles,
  message,
  OtherMessage,
  ReceiveTimeout,
  Request,
} from "../../mod.ts";

/** What a `Try` came to: the value, or the error's class and message. */
export interface Outcome {
  ok: boolean;
  value?: unknown;
  name?: string;
  message?: string;
}

function outcomeOf(error: unknown): Outcome {
  const e = error as Error;
  return { ok: false, name: e?.constructor?.name ?? typeof error, message: String(e?.message) };
}

/**
 * Runs one call of `this.context` with the arguments given (`"self"` and `"sender"` stand for
 * those refs) and answers how it went.
 */
@message()
export class Try extends Request<Outcome> {
  constructor(
    readonly op = "",
    readonly a: unknown = undefined,
    readonly b: unknown = undefined,
    readonly c: unknown = undefined,
  ) {
    super();
  }
}

/** Calls its context with whatever arguments a test sends (see `Try`). */
export class Lab extends Actor<unknown> {
  static readonly module = import.meta.url;

  @handles(Try)
  async onTry(t: Try, sender: ActorRef | null) {
    const context = this.context;
    const ref = (x: unknown) => (x === "self" ? this.self : x === "sender" ? sender : x) as never;
    try {
      let value: unknown;
      switch (t.op) {
        case "sendAfter":
          value = context.sendAfter(t.a as number, ref(t.b), t.c as never).active;
          break;
        case "sendEvery": {
          const timer = context.sendEvery(t.a as number, ref(t.b), t.c as never);
          value = timer.active;
          timer.cancel();
          break;
        }
        case "ask":
          value = await context.ask(ref(t.a), t.b, t.c as never);
          break;
        case "watch":
          context.watch(ref(t.a));
          break;
        case "unwatch":
          context.unwatch(ref(t.a));
          break;
        case "receive":
          value = context.receive(t.a as number);
          break;
        case "pipeToSelf":
          context.pipeToSelf(
            (t.a === "a promise" ? Promise.resolve(1) : t.a) as never,
            (t.b === "a function" ? () => "piped" : t.b) as never,
          );
          break;
        default:
          throw new Error(`no op ${t.op}`);
      }
      sender?.send({ ok: true, value });
    } catch (error) {
      sender?.send(outcomeOf(error));
    }
  }

  @handles(OtherMessage)
  onOther() {}
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

/**
 * Tells `probe` of each message it handles (its `ReceiveTimeout`s as "ReceiveTimeout") and of each
 * instance's start. "arm" sets a receive timeout of `ms` and answers, "off" turns it off, "fail"
 * throws (its supervisor restarts it), "ping" answers.
 */
export class Quiet extends Actor<unknown> {
  static readonly module = import.meta.url;
  constructor(readonly probe: ActorRef<unknown> | null = null, readonly ms = 20) {
    super();
  }
  override preStart() {
    this.probe?.send("started");
  }
  @handles(ReceiveTimeout)
  onTimeout() {
    this.probe?.send("ReceiveTimeout");
  }
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    this.probe?.send(m);
    if (m === "arm") this.context.setReceiveTimeout(this.ms);
    if (m === "off") this.context.setReceiveTimeout(null);
    if (m === "fail") throw new Error("failing on purpose");
    if (m === "arm" || m === "ping") sender?.send(m);
  }
}

/** Holds a `Hog`'s Worker for `ms`, then has it send `message` to `target`, if any. */
@message()
export class Hold {
  constructor(
    readonly ms = 0,
    readonly target: ActorRef<unknown> | null = null,
    readonly message: unknown = null,
  ) {}
}

/** Blocks its Worker as each `Hold` says (telling `probe` first), then answers "done". */
export class Hog extends Actor<Hold> {
  static readonly module = import.meta.url;
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  @handles(Hold)
  onHold(hold: Hold, sender: ActorRef | null) {
    this.probe?.send("blocking");
    const until = performance.now() + hold.ms;
    while (performance.now() < until) { /* its Worker does nothing else */ }
    hold.target?.send(hold.message);
    sender?.send("done");
  }
}

/** What a stopped `Leaver` left behind: code that still holds its context. */
let leftBehind: Actor<unknown>["context"] | null = null;

/** "leave": stops itself, leaving its context to a callback (see `Neighbour`). */
export class Leaver extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onLeave() {
    leftBehind = this.context;
    this.context.stop();
  }
}

/**
 * Next to a Leaver (same Worker): on a probe ref, tells the probe "receiving", then calls the
 * stopped Leaver's `context.receive(1000)` as a callback it left behind would, and answers what
 * came of it.
 */
export class Neighbour extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onProbe(probe: unknown, sender: ActorRef | null) {
    (probe as ActorRef<unknown>).send("receiving");
    try {
      sender?.send({ ok: true, value: leftBehind!.receive(1_000)?.message ?? null });
    } catch (error) {
      sender?.send(outcomeOf(error));
    }
  }
}
