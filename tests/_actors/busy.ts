/**
 * Actors that keep their Worker busy, for the tests of what a busy Worker still owes its event
 * loop (timers, I/O, the promises of async handlers) and of what happens to the messages it holds
 * when it dies.
 */
import { Actor, type ActorRef, handles, message, type SupervisionStrategy } from "../../mod.ts";

/** Keeps the thread busy for `ms` (a handler that computes, as far as the event loop can tell). */
export function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * Works `ms` for each number it gets. `"timer"` arms a plain `setTimeout(0)` that answers, once it
 * fires, how many ms it waited; `"crash"` arms one that throws (an uncaught error: the Worker
 * dies); `"count"` answers how many numbers it handled.
 */
export class Grinder extends Actor<number | string> {
  static readonly module = import.meta.url;
  #handled = 0;
  @handles(Number)
  onWork(ms: number) {
    busyFor(ms);
    this.#handled++;
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "count") sender?.send(this.#handled);
    else if (text === "timer") {
      const armed = performance.now();
      setTimeout(() => sender?.send(performance.now() - armed), 0);
    } else if (text === "crash") {
      setTimeout(() => {
        throw new Error("uncaught: a timer's error ends the Worker");
      }, 0);
    }
  }
}

/**
 * Asks a Napper to give `busy` `count` jobs of `workMs` each, then to read a file and to sleep
 * `napMs`, timing each wait.
 */
@message()
export class NapBeside {
  constructor(
    readonly busy: ActorRef<number> | null = null,
    readonly workMs = 0,
    readonly count = 0,
    readonly napMs = 0,
  ) {}
}

/** What a Napper measured, in ms: its file read and its sleep. */
export interface Naps {
  read: number;
  slept: number;
}

/** An async handler that waits for I/O and a timer while its neighbour is busy. */
export class Napper extends Actor<NapBeside> {
  static readonly module = import.meta.url;
  @handles(NapBeside)
  async onNap(nap: NapBeside, sender: ActorRef | null) {
    for (let i = 0; i < nap.count; i++) nap.busy!.send(nap.workMs);
    let started = performance.now();
    await Deno.readFile(new URL(import.meta.url));
    const read = performance.now() - started;
    started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, nap.napMs));
    const slept = performance.now() - started;
    sender?.send({ read, slept } satisfies Naps);
  }
}

/** Asks a LocalFlooder to send `count` messages to `target`, `"block"` as the `blockAt`-th. */
@message()
export class FloodWithBlock {
  constructor(
    readonly target: ActorRef<unknown> | null = null,
    readonly count = 0,
    readonly blockAt = 0,
  ) {}
}

/** Floods a neighbour; the `"block"` goes with the flood's own asker as its sender. */
export class LocalFlooder extends Actor<FloodWithBlock> {
  static readonly module = import.meta.url;
  @handles(FloodWithBlock)
  onFlood(flood: FloodWithBlock, sender: ActorRef | null) {
    for (let i = 0; i < flood.count; i++) {
      if (i === flood.blockAt) flood.target!.send("block", { sender });
      else flood.target!.send(i);
    }
  }
}

/**
 * Handles each number slowly (`workMs`) and counts it; `"count"` answers the count. `"block"`
 * answers the count (itself included), then never finishes (an async handler that never
 * settles): what is queued behind it waits until the Worker is killed or cut off. Not a busy
 * loop: Deno's `Worker.terminate()` stops a Worker only once it returns to its event loop.
 */
export class SlowCounter extends Actor<number | string> {
  static readonly module = import.meta.url;
  #handled = 0;
  constructor(readonly workMs = 0) {
    super();
  }
  @handles(Number)
  onNumber() {
    this.#handled++;
    busyFor(this.workMs);
  }
  @handles(String)
  async onText(text: string, sender: ActorRef | null) {
    if (text === "count") {
      sender?.send(this.#handled);
      return;
    }
    this.#handled++;
    sender?.send(this.#handled);
    await new Promise(() => {});
  }
}

/**
 * Told `"start"`, spawns a SlowCounter child in a Worker of its own and a LocalFlooder next to
 * it; answers `[counter, flooder]`. Restarts children whose Worker died.
 */
export class FloodParent extends Actor<string> {
  static readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = {
    onFailure: "stop",
    byError: { WorkerDiedError: "restart" },
  };
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text !== "start") return;
    const counter = this.context.spawn(SlowCounter, 0.01);
    sender?.send([counter, this.context.spawnWith(LocalFlooder, { near: counter })]);
  }
}
