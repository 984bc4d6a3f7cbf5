/**
 * The actors of bench/pingpong_bench.ts and worker_start_bench.ts: registered Ping and Pong
 * classes, as users write them (from the actor entry, as a module of actors without a main should).
 */
import { Actor, type ActorRef, handles, message } from "../actor.ts";

@message()
export class Ping {
  constructor(readonly count = 0) {}
}

@message()
export class Pong {
  constructor(readonly count = 0) {}
}

/** Starts `rounds` round trips with `ponger`; answers "done" when the last Pong is back. */
@message()
export class Rally {
  constructor(
    readonly ponger: ActorRef<Ping> | null = null,
    readonly rounds = 0,
  ) {}
}

export class Ponger extends Actor<Ping> {
  static readonly module = import.meta.url;
  @handles(Ping)
  onPing(ping: Ping, sender: ActorRef | null) {
    sender!.send(new Pong(ping.count));
  }
}

export class Pinger extends Actor<Rally | Pong> {
  static readonly module = import.meta.url;
  #rounds = 0;
  #caller: ActorRef | null = null;

  @handles(Rally)
  onRally(rally: Rally, sender: ActorRef | null) {
    this.#rounds = rally.rounds;
    this.#caller = sender;
    rally.ponger!.send(new Ping(1));
  }

  @handles(Pong)
  onPong(pong: Pong, sender: ActorRef | null) {
    if (pong.count < this.#rounds) sender!.send(new Ping(pong.count + 1));
    else this.#caller!.send("done");
  }
}

/** Answers every Ping with a Pong: the target of the Bridge-call benchmark. */
export class Echo extends Actor<Ping> {
  static readonly module = import.meta.url;
  @handles(Ping)
  onPing(ping: Ping, sender: ActorRef | null) {
    sender?.send(new Pong(ping.count));
  }
}
