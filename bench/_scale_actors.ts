/** Actors of bench/scale_bench.ts. */
import { Actor, type ActorRef, handles, message } from "../mod.ts";

/** Answers whatever number it gets with the same number. */
export class Answer extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onNumber(n: number, sender: ActorRef | null) {
    sender?.send(n);
  }
}

/** Counts numbers; answers "done" to the caller once `expected` have arrived. */
@message()
export class Expect {
  constructor(readonly expected = 0) {}
}

export class Sink extends Actor<number | Expect> {
  static readonly module = import.meta.url;
  #count = 0;
  #expected = 0;
  #caller: ActorRef | null = null;

  @handles(Expect)
  onExpect(expect: Expect, sender: ActorRef | null) {
    this.#count = 0;
    this.#expected = expect.expected;
    this.#caller = sender;
  }

  @handles(Number)
  onNumber(_: number) {
    if (++this.#count === this.#expected) this.#caller?.send("done");
  }
}

/** Sends `count` numbers to `sink`. */
@message()
export class Burst {
  constructor(
    readonly sink: ActorRef<number> | null = null,
    readonly count = 0,
  ) {}
}

export class Source extends Actor<Burst> {
  static readonly module = import.meta.url;
  @handles(Burst)
  onBurst(burst: Burst) {
    for (let i = 0; i < burst.count; i++) burst.sink!.send(i);
  }
}

/** Reports its Worker's JS heap (after a GC when run with --expose-gc). */
export class Meter extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onString(_: string, sender: ActorRef | null) {
    (globalThis as { gc?: () => void }).gc?.();
    sender?.send(Deno.memoryUsage().heapUsed);
  }
}
