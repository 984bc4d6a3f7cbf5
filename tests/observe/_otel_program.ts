/**
 * The program otel_test.ts runs with OpenTelemetry on: a Bridge call, inside a span of the
 * caller's, to Front (in a Worker of its own), which asks Back (in another Worker) and replies
 * with Back's answer; each tells a Tail of its own (in its Worker: local mail) — five times; then
 * a message Front fails on, a call Front has no handler for (a dead letter), and a shutdown. In
 * a cluster ("far" and "near"), Back lives on another node. What it exports is the test's to read.
 */
import {
  Actor,
  type ActorRef,
  ActorSystem,
  Bridge,
  handles,
  message,
  type ReplyTo,
  Request,
} from "../../mod.ts";
import { openTelemetry } from "../../otel.ts";

/** Asks Front for n + 1 (through Back). */
@message("otel_test/Greet")
export class Greet extends Request<number> {
  constructor(readonly n = 0) {
    super();
  }
}

/** Asks Back for n + 1. */
@message("otel_test/Relay")
export class Relay extends Request<number> {
  constructor(readonly n = 0) {
    super();
  }
}

/** Makes Front's handler throw. */
@message("otel_test/Boom")
export class Boom {}

/** Answers each Greet with what Back answers, and tells its Tail once it has the answer. */
export class Front extends Actor<Greet | Boom | string> {
  static readonly module = import.meta.url;
  #tail: ActorRef<number> | null = null;

  constructor(readonly back: ActorRef<Relay> | null = null) {
    super();
  }

  override preStart() {
    this.#tail = this.context.spawnWith(Tail, { near: this.self });
  }

  @handles(Greet)
  async onGreet(greet: Greet, sender: ReplyTo<Greet>) {
    const answer = await this.context.ask(this.back!, new Relay(greet.n), { timeout: 10_000 });
    this.#tail!.send(answer); // after the await: still in the span of this Greet
    sender?.send(answer);
  }

  @handles(Boom)
  onBoom() {
    throw new RangeError("boom");
  }
}

/** Tells Tail of each Relay, and answers n + 1. */
export class Back extends Actor<Relay> {
  static readonly module = import.meta.url;
  #tail: ActorRef<number> | null = null;

  override preStart() {
    this.#tail = this.context.spawnWith(Tail, { near: this.self });
  }

  @handles(Relay)
  onRelay(relay: Relay, sender: ReplyTo<Relay>) {
    this.#tail!.send(relay.n);
    sender?.send(relay.n + 1);
  }
}

/** Takes numbers, in the Worker of whoever spawned it. */
export class Tail extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onNumber() {}
}

/** How many calls the program makes. */
export const CALLS = 5;

/** The API's tracer, as Deno registers it with OpenTelemetry on. */
function tracer(): {
  startActiveSpan<T>(name: string, fn: (span: { end(): void }) => T): T;
} {
  const otel = (globalThis as Record<symbol, unknown>)[Symbol.for("opentelemetry.js.api.1")] as {
    trace: { getTracer(name: string): ReturnType<typeof tracer> };
  };
  return otel.trace.getTracer("otel_test");
}

/** CALLS calls to `front`, each inside a span "request" of the caller's. */
async function callInSpans(
  bridge: Bridge,
  front: ActorRef<Greet | Boom | string>,
): Promise<void> {
  for (let n = 0; n < CALLS; n++) {
    const answer = await tracer().startActiveSpan("request", async (span) => {
      try {
        return await bridge.call(front, new Greet(n), { timeout: 10_000 });
      } finally {
        span.end();
      }
    });
    if (answer !== n + 1) throw new Error(`call ${n} answered ${answer}`);
  }
}

if (import.meta.main) {
  const observer = openTelemetry({ spans: true });
  const [mode, servers] = Deno.args;
  if (mode === "far") {
    // Another node: Back, named "back", until the test closes our standard input.
    await using system = new ActorSystem({ observer, cluster: { servers, name: "otel" } });
    await system.joined;
    await system.register("back", system.spawn(Back));
    console.log("ready");
    for await (const _ of Deno.stdin.readable) { /* nothing comes */ }
  } else if (mode === "near") {
    // Front here, Back on the far node.
    await using system = new ActorSystem({ observer, cluster: { servers, name: "otel" } });
    await system.joined;
    using bridge = new Bridge(system);
    const front = system.spawn(Front, await system.lookup<Relay>("back"));
    await callInSpans(bridge, front);
    console.log("done");
  } else {
    await using system = new ActorSystem({ observer });
    using bridge = new Bridge(system);
    const front = system.spawn(Front, system.spawn(Back));
    await callInSpans(bridge, front);
    // The failure is counted by the time it is reported (and `inspect()` reads the count).
    const failed = new Promise((resolve) => system.onFailure(resolve));
    front.send(new Boom());
    await failed;
    const lost = await bridge.call(front, "nobody handles this", { timeout: 10_000 })
      .catch((error: Error) => error.name);
    console.log(`done: ${lost}`);
  }
}
