/**
 * The seed's second example: a Pinger and a Ponger bat a ball back and forth — Ping, Pong,
 * Ping, Pong — each in its own Worker, then both stop cleanly.
 *
 *   deno run --allow-read examples/pingpong.ts
 */
import {
  Actor,
  type ActorRef,
  ActorSystem,
  Bridge,
  handles,
  message,
  type Stopped,
} from "../mod.ts";

/** The ball, going out. */
@message()
export class Ping {
  constructor(readonly count = 0) {}
}

/** The ball, coming back. */
@message()
export class Pong {
  constructor(readonly count = 0) {}
}

/** Starts a rally of `rounds` round trips with `ponger`; the answer is the rally's log. */
@message()
export class Serve {
  constructor(readonly ponger: ActorRef<Ping> | null = null, readonly rounds = 0) {}
}

/** Answers every Ping with a Pong. */
export class Ponger extends Actor<Ping> {
  static readonly module = import.meta.url;

  @handles(Ping)
  onPing(ping: Ping, sender: ActorRef | null) {
    sender?.send(new Pong(ping.count));
  }
}

/** Serves, returns every Pong with the next Ping, and reports the rally when it is over. */
export class Pinger extends Actor<Serve | Pong> {
  static readonly module = import.meta.url;
  #log: string[] = [];
  #rounds = 0;
  #umpire: ActorRef | null = null;

  @handles(Serve)
  onServe(serve: Serve, sender: ActorRef | null) {
    this.#log = [];
    this.#rounds = serve.rounds;
    this.#umpire = sender;
    this.#hit(serve.ponger!, 1);
  }

  @handles(Pong)
  onPong(pong: Pong, sender: ActorRef | null) {
    this.#log.push(`Pong ${pong.count}`);
    if (pong.count < this.#rounds) this.#hit(sender as ActorRef<Ping>, pong.count + 1);
    else this.#umpire?.send(this.#log);
  }

  #hit(ponger: ActorRef<Ping>, count: number) {
    this.#log.push(`Ping ${count}`);
    ponger.send(new Ping(count));
  }
}

/** What the example produces. */
export interface PingPongResult {
  log: string[];
  stopped: Stopped[];
}

/** Plays a rally of `rounds`, then stops both players. */
export async function run(rounds = 5): Promise<PingPongResult> {
  await using system = new ActorSystem();
  using bridge = new Bridge(system);
  const ponger = system.spawn(Ponger);
  const pinger = system.spawn(Pinger);
  const log = await bridge.call(pinger, new Serve(ponger, rounds), { timeout: 10_000 }) as string[];
  const stopped = await bridge.stop([pinger, ponger], 10_000);
  return { log, stopped };
}

if (import.meta.main) {
  const { log, stopped } = await run();
  for (const line of log) console.log(line);
  console.log("stopped:", stopped.length, "actors");
}
