/** Actors of the remote bench's ringmail peer (bench/_ringmail_peer.ts). */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../mod.ts";

/** Answers once `count` more messages have come to the Tally. */
@message()
export class Expect {
  constructor(readonly count = 0) {}
}

/** A 32 B message of plain numbers: four float64 fields (no Uint8Array to make per message). */
@message()
export class Sample {
  constructor(
    readonly a = 0.1,
    readonly b = 0.2,
    readonly c = 0.3,
    readonly d = 0.4,
  ) {}
}

/** Counts what it gets; answers an `Expect` when that many have come. */
export class Tally extends Actor<Expect | Uint8Array | Sample> {
  static readonly module = import.meta.url;
  #left = 0;
  #waiter: ActorRef<unknown> | null = null;
  @handles(Expect)
  onExpect(expect: Expect, sender: ActorRef<unknown> | null) {
    this.#left = expect.count;
    this.#waiter = sender;
  }
  @handles(OtherMessage)
  onAny() {
    if (--this.#left === 0) this.#waiter?.send("done");
  }
}

/** Answers each message with itself. */
export class Echo extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAny(message: unknown, sender: ActorRef<unknown> | null) {
    sender?.send(message);
  }
}

/** Tells a Blaster to send `count` copies of `payload` to `to`, then answers. */
@message()
export class Blast {
  constructor(
    readonly to: ActorRef<Uint8Array> | null = null,
    readonly count = 0,
    readonly payload: Uint8Array = new Uint8Array(0),
  ) {}
}

/** Tells a Blaster to send `count` copies of `sample` to `to`, then answers. */
@message()
export class SampleBlast {
  constructor(
    readonly to: ActorRef<Sample> | null = null,
    readonly count = 0,
    readonly sample: Sample = new Sample(),
  ) {}
}

/** Sends what a Blast says, from its own Worker, as fast as the link takes it. */
export class Blaster extends Actor<Blast | SampleBlast> {
  static readonly module = import.meta.url;
  @handles(Blast)
  onBlast(blast: Blast, sender: ActorRef<unknown> | null) {
    const to = blast.to!;
    for (let i = 0; i < blast.count; i++) to.send(blast.payload);
    sender?.send("sent");
  }
  @handles(SampleBlast)
  onSampleBlast(blast: SampleBlast, sender: ActorRef<unknown> | null) {
    const to = blast.to!;
    for (let i = 0; i < blast.count; i++) to.send(blast.sample);
    sender?.send("sent");
  }
}

/** Starts a rally of `rounds` round trips with `partner`; answers once it is over. */
@message()
export class Rally {
  constructor(
    readonly partner: ActorRef<number> | null = null,
    readonly rounds = 0,
  ) {}
}

/** Plays rallies: sends n, gets n back, until the rounds are done. */
export class Pinger extends Actor<Rally | number> {
  static readonly module = import.meta.url;
  #left = 0;
  #with: ActorRef<number> | null = null;
  #done: ActorRef<unknown> | null = null;
  @handles(Rally)
  onRally(rally: Rally, sender: ActorRef<unknown> | null) {
    this.#left = rally.rounds;
    this.#with = rally.partner;
    this.#done = sender;
    this.#with!.send(this.#left);
  }
  @handles(Number)
  onBall() {
    if (--this.#left > 0) this.#with!.send(this.#left);
    else this.#done?.send("over");
  }
}

/** Sends every number back to whoever sent it. */
export class Ponger extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onBall(n: number, sender: ActorRef<number> | null) {
    sender?.send(n);
  }
}
