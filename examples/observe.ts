/**
 * A small busy system to watch in the live view (`system.observe()`):
 *
 * - a Producer floods a slow Consumer in waves: the Consumer's mailbox fills, what does not fit
 *   becomes dead letters (`whenFull: "drop"`), and it drains when the wave ebbs;
 * - a Flaky actor fails every few seconds, and its Supervisor restarts it;
 * - a Dispatcher hands jobs of varying size to four Crunchers in a pool of two Workers.
 *
 * `deno task example:observe` prints the view's address; open it in a browser. It runs until
 * Ctrl-C, or for `--duration=ms`; `--port=n` picks the port (default: any free one).
 *
 * @module
 */
import { Actor, type ActorRef, ActorSystem, handles, type SupervisionStrategy } from "../mod.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes numbers slowly: ~2 ms each, so a few hundred a second. */
export class Consumer extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  async onItem(_item: number) {
    await sleep(2); // its next message waits: an async handler is awaited
  }
}

/** Every 100 ms sends the Consumer a burst whose size rises and falls over ~20 s. */
export class Producer extends Actor<string> {
  static readonly module = import.meta.url;
  #sent = 0;
  constructor(readonly consumer: ActorRef<number> | null = null) {
    super();
  }
  override preStart() {
    this.context.sendEvery(100, this.self, "tick");
  }
  @handles(String)
  onTick() {
    const wave = Math.sin((Date.now() / 20_000) * 2 * Math.PI);
    const burst = Math.max(0, Math.round(30 + 45 * wave)); // 0 to 75 a tick: up to 750/s
    for (let i = 0; i < burst; i++) this.consumer!.send(this.#sent++);
  }
}

/** Reads every 300 ms, and fails at every 12th read (each ~3.6 s): "the sensor misread". */
export class Flaky extends Actor<string> {
  static readonly module = import.meta.url;
  #reads = 0; // a restart starts it again
  override preStart() {
    this.context.sendEvery(300, this.self, "read");
  }
  @handles(String)
  onRead() {
    if (++this.#reads === 12) throw new Error("the sensor misread");
  }
}

/** Keeps a Flaky child running: restarts it whenever it fails. */
export class Supervisor extends Actor<string> {
  static readonly module = import.meta.url;
  static readonly supervision: SupervisionStrategy = {
    onFailure: "restart",
    maxRestarts: 1000,
    withinMs: 60_000,
  };
  override preStart() {
    this.context.spawnWith(Flaky, { name: "sensor", near: this.self });
  }
}

/** Squares numbers the slow way, for `size` rounds; answers the Dispatcher. */
export class Cruncher extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onJob(size: number, sender: ActorRef | null) {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += Math.sqrt(i) * Math.sqrt(i);
    sender?.send(sum > 0 ? 1 : 0);
  }
}

/** Spawns four Crunchers and sends them jobs every 50 ms, busier some seconds than others. */
export class Dispatcher extends Actor<string | number> {
  static readonly module = import.meta.url;
  readonly #crunchers: ActorRef<number>[] = [];
  #next = 0;
  override preStart() {
    for (let i = 0; i < 4; i++) {
      this.#crunchers.push(this.context.spawnWith(Cruncher, { name: `cruncher-${i + 1}` }));
    }
    this.context.sendEvery(50, this.self, "tick");
  }
  @handles(String)
  onTick() {
    const jobs = 8 + Math.round(8 * Math.sin(Date.now() / 7_000));
    for (let i = 0; i < jobs; i++) {
      const cruncher = this.#crunchers[this.#next++ % this.#crunchers.length];
      cruncher.send(20_000 + Math.floor(Math.random() * 150_000));
    }
  }
  @handles(Number)
  onDone() {}
}

/** Starts the busy system's actors in `system`. */
export function startBusySystem(system: ActorSystem): void {
  const consumer = system.spawnWith(Consumer, {
    name: "slow-consumer",
    mailboxCapacity: 16 * 1024,
    whenFull: "drop",
  });
  system.spawnWith(Producer, { name: "producer" }, consumer);
  system.spawnWith(Supervisor, { name: "supervisor" });
  const pool = system.createPool({ workers: 2 });
  pool.spawnWith(Dispatcher, { name: "dispatcher" });
}

/** The value of `--name=value` among the program's arguments, if given. */
function flag(name: string): string | undefined {
  const prefix = `--${name}=`;
  return Deno.args.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

if (import.meta.main) {
  const duration = Number(flag("duration") ?? Infinity);
  await using system = new ActorSystem();
  startBusySystem(system);
  const view = await system.observe({ port: Number(flag("port") ?? 0) });
  console.log(`live view: ${view.url}`);
  console.log(
    Number.isFinite(duration) ? `ending in ${duration} ms` : "press Ctrl-C to stop",
  );
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => stop = resolve);
  Deno.addSignalListener("SIGINT", stop);
  const timer = Number.isFinite(duration) ? setTimeout(stop, duration) : undefined;
  await stopped;
  clearTimeout(timer);
  Deno.removeSignalListener("SIGINT", stop);
  console.log("shutting down");
}
