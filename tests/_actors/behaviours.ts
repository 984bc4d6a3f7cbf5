/** Actors whose behaviour the system tests check: senders, order, failures, async, receive. */
import { Actor, type ActorRef, handles, message, OtherMessage, Stop } from "../../mod.ts";

/** Asks the witness to say hello to `target`. */
@message()
export class Introduce {
  constructor(readonly target: ActorRef | null = null) {}
}

@message()
export class Hello {}

/** Asks the witness who said hello to it. */
@message()
export class WhoSaidHello {}

/** Says hello to whom it is introduced to, and remembers who said hello to it. */
export class Witness extends Actor<Introduce | Hello | WhoSaidHello> {
  static readonly module = import.meta.url;
  #helloFrom: ActorRef | null = null;
  #heard = false;

  @handles(Introduce)
  onIntroduce(introduce: Introduce, sender: ActorRef | null) {
    introduce.target?.send(new Hello());
    sender?.send("introduced");
  }
  @handles(Hello)
  onHello(_: Hello, sender: ActorRef | null) {
    this.#helloFrom = sender;
    this.#heard = true;
  }
  @handles(WhoSaidHello)
  onWho(_: WhoSaidHello, sender: ActorRef | null) {
    sender?.send(this.#heard ? { from: this.#helloFrom } : "nobody yet");
  }
}

/** A numbered message from one of several senders. */
@message()
export class Numbered {
  constructor(readonly sender = "", readonly seq = 0) {}
}

@message()
export class Report {}

/** What an OrderSink got so far. */
export interface OrderReport {
  received: number;
  disorder: string[];
}

/** Checks that every sender's numbers arrive in order. */
export class OrderSink<M = Numbered | Report> extends Actor<M> {
  static readonly module = import.meta.url;
  readonly #next = new Map<string, number>();
  #received = 0;
  readonly #disorder: string[] = [];

  @handles(Numbered)
  onNumbered(numbered: Numbered) {
    const expected = this.#next.get(numbered.sender) ?? 0;
    if (numbered.seq !== expected && this.#disorder.length < 10) {
      this.#disorder.push(`${numbered.sender}: got ${numbered.seq}, expected ${expected}`);
    }
    this.#next.set(numbered.sender, numbered.seq + 1);
    this.#received++;
  }
  @handles(Report)
  onReport(_: Report, sender: ActorRef | null) {
    sender?.send(this.report());
  }
  /** What it got so far (a copy). */
  protected report(): OrderReport {
    return { received: this.#received, disorder: [...this.#disorder] };
  }
}

/** Sends `count` numbered messages to `sink`, then answers "sent". */
@message()
export class Flood {
  constructor(readonly sink: ActorRef | null = null, readonly name = "", readonly count = 0) {}
}

export class Flooder extends Actor<Flood> {
  static readonly module = import.meta.url;
  @handles(Flood)
  onFlood(flood: Flood, sender: ActorRef | null) {
    for (let seq = 0; seq < flood.count; seq++) flood.sink!.send(new Numbered(flood.name, seq));
    sender?.send("sent");
  }
}

/** Holds each request's reply back until the next request comes: its replies are always late. */
export class Procrastinator extends Actor<string> {
  static readonly module = import.meta.url;
  #owed: { to: ActorRef; reply: string } | null = null;

  @handles(String)
  onRequest(request: string, sender: ActorRef | null) {
    if (this.#owed) this.#owed.to.send(this.#owed.reply);
    this.#owed = null;
    if (request === "now") sender?.send("reply to now");
    else if (sender) this.#owed = { to: sender, reply: `late reply to ${request}` };
  }
}

/** Throws on "boom", answers anything else. */
export class Fragile extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onString(text: string, sender: ActorRef | null) {
    if (text === "boom") throw new RangeError("boom went the handler");
    sender?.send(`ok ${text}`);
  }
}

/** Kills its own Worker with an uncaught error, without replying. */
export class Doomed extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onString(text: string, sender: ActorRef | null) {
    if (text === "crash") {
      setTimeout(() => {
        throw new Error("uncaught: the worker dies");
      }, 0);
      return;
    }
    sender?.send(text);
  }
}

/** An async handler that waits, then reports; a sync one for the next message. */
export class Patient extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #log: string[] = [];

  @handles(Number)
  async onNumber(ms: number, sender: ActorRef | null) {
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.#log.push(`waited ${ms}`);
    // After an await, sends still carry this actor as their sender.
    if (sender) sender.send(this.self);
  }
  @handles(String)
  onString(text: string, sender: ActorRef | null) {
    this.#log.push(text);
    if (text === "log") sender?.send([...this.#log]);
  }
  @handles(OtherMessage)
  async onOther(_: unknown) {
    await Promise.resolve();
    throw new TypeError("async boom");
  }
}

/** The seed's react loop: receives messages itself until "end" or a timeout. */
export class Conversation extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onListen(text: string, sender: ActorRef | null) {
    if (text !== "listen") return;
    const heard: unknown[] = [];
    for (;;) {
      const next = this.context.receive(10_000);
      if (next === null) {
        heard.push("timeout");
        break;
      }
      if (next.message === "end") break;
      heard.push(next.message, next.sender === null ? "anonymous" : "named");
    }
    const timedOut = this.context.receive(20);
    sender?.send({ heard, afterwards: timedOut });
  }
}

/** Records what it gets and whether each came with a sender. */
export class Recorder extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #seen: unknown[] = [];
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    if (message === "dump") {
      sender?.send(this.#seen);
      return;
    }
    this.#seen.push([message, sender]);
  }
}

/** Constructor arguments cross to the Worker. */
export class Configured extends Actor<string> {
  static readonly module = import.meta.url;
  readonly #config: unknown[];
  constructor(label: string, options: { factor: number; tags: Set<string> }) {
    super();
    this.#config = [label, options.factor, [...options.tags]];
  }
  @handles(String)
  onString(_: string, sender: ActorRef | null) {
    sender?.send(this.#config);
  }
}

/** Its constructor throws. */
export class Broken extends Actor {
  static readonly module = import.meta.url;
  constructor() {
    super();
    throw new Error("the constructor refuses");
  }
}

/** Points at a module that does not exist. */
export class Lost extends Actor {
  static readonly module = new URL("./no_such_module.ts", import.meta.url).href;
}

/** Not exported, so its Worker cannot find it. */
class Hidden extends Actor {
  static readonly module = import.meta.url;
}
/** Hands out the class without exporting it: no export of this module is the class. */
export function hiddenClass(): typeof Hidden {
  return Hidden;
}

/** Counts Stop hooks: postStop runs once, then Stopped goes out. */
export class Tidy extends Actor<string> {
  static readonly module = import.meta.url;
  #stops = 0;
  override postStop() {
    this.#stops++;
    if (this.#stops > 1) throw new Error("postStop ran twice");
  }
  @handles(String)
  onString(text: string, sender: ActorRef | null) {
    if (text === "stop twice") {
      // Both queue behind this handler, whatever the machine's load: the second is behind the first.
      this.self.send(new Stop(), { sender });
      this.self.send(new Stop(), { sender });
    } else sender?.send(this.#stops);
  }
}

/** Replies with a value whose encoding takes a while (a getter): the reply is written late. */
export class SlowReplier extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    const reply = {
      get from() {
        const started = performance.now();
        while (performance.now() - started < 300); // keeps encoding past the caller's timeout
        return `slow reply to ${message}`;
      },
    };
    sender?.send(reply);
  }
}

/** Once started, keeps sending itself messages: a flood that never ends until stopped. */
export class Flooded extends Actor<string> {
  static readonly module = import.meta.url;
  #handled = 0;
  @handles(String)
  onString(text: string, sender: ActorRef | null) {
    if (text === "count") {
      sender?.send(this.#handled);
      return;
    }
    this.#handled++;
    this.self.send("again");
  }
}
