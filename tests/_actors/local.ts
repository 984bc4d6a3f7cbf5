/**
 * Actors for the tests of sends between actors of one Worker (local mail): they skip the ring,
 * and must keep every promise the ring keeps.
 */
import {
  Actor,
  type ActorRef,
  handles,
  message,
  OtherMessage,
  registerMessage,
  RingmailError,
  Stop,
  Terminated,
} from "../../mod.ts";
import { CodecError } from "../../errors.ts";
import { Numbered, OrderSink, Report } from "./behaviours.ts";

/**
 * Asks a Neighbour to spawn an OrderSink child and flood it at once: next to itself (`near`),
 * or wherever its pool puts it (a 1-Worker pool: its own Worker all the same).
 */
@message()
export class FloodChild {
  constructor(readonly count = 0, readonly near = true) {}
}

/** Sends `count` numbered messages to `target` from the Neighbour. */
@message()
export class SendNumbered {
  constructor(readonly target: ActorRef | null = null, readonly name = "", readonly count = 0) {}
}

/** A mutable message: the receiver must see it as it was when sent. */
@message()
export class Box {
  constructor(public value = 0, public label = "", public items: number[] = []) {}
}

/** Asks a Neighbour to send `target` a Box, then change it. */
@message()
export class SendAndChange {
  constructor(readonly target: ActorRef | null = null) {}
}

/**
 * Asks a Neighbour to send `messages` to `target` in order, each with the given deadline;
 * answered "sent", or with the class of the error a send threw.
 */
@message()
export class SendAll {
  constructor(
    readonly target: ActorRef | null = null,
    readonly messages: unknown[] = [],
    readonly deadline = 0,
    /** If not 0: after the messages, a Uint8Array of this size (too large to ask for). */
    readonly bigBytes = 0,
  ) {}
}

/**
 * Asks a Neighbour to send `target` a Proxy whose `trap` throws: of a Box (a registered class)
 * or of a plain object, as the message or inside one. Answered with a {@linkcode SendFailure}.
 */
@message()
export class SendTrapped {
  constructor(
    readonly target: ActorRef | null = null,
    readonly trap = "get",
    readonly of: "Box" | "plain" = "Box",
    readonly nested = false,
  ) {}
}

/** What a send threw, as a Neighbour saw it; `error` is "sent" when it threw nothing. */
export interface SendFailure {
  error: string;
  ringmail: boolean;
  path: string;
  message: string;
  cause: string;
}

/** A message whose custom decoder always fails: where it arrives, it can never be read. */
export class Unreadable {
  constructor(readonly n = 0) {}
}
registerMessage(Unreadable, {
  name: "tests/local/Unreadable",
  encode(writer, value) {
    writer.value(value.n);
  },
  decode() {
    throw new RangeError("this decoder always fails");
  },
});

/** Asks a Neighbour to send `target` an Unreadable (made there: the request itself is read). */
@message()
export class SendUnreadable {
  constructor(readonly target: ActorRef | null = null) {}
}

/** Does what it is asked, to actors of its own Worker; answers what it did. */
export class Neighbour extends Actor<unknown> {
  static readonly module = import.meta.url;
  #child: ActorRef | null = null;
  /** The class of the last object message it got (a Stopped, say). */
  #last = "";

  @handles(FloodChild)
  onFloodChild(request: FloodChild, sender: ActorRef | null) {
    // The child is not running yet: the first messages go through its ring, the later ones
    // (once it runs here) skip it. The order must not show the switch.
    const child = this.#child = request.near
      ? this.context.spawnWith(OrderSink, { near: this.self })
      : this.context.spawn(OrderSink);
    for (let seq = 0; seq < request.count; seq++) child.send(new Numbered("parent", seq));
    sender?.send(child);
  }
  @handles(SendNumbered)
  onSendNumbered(request: SendNumbered, sender: ActorRef | null) {
    for (let seq = 0; seq < request.count; seq++) {
      request.target!.send(new Numbered(request.name, seq));
    }
    sender?.send("sent");
  }
  @handles(SendAndChange)
  onSendAndChange(request: SendAndChange, sender: ActorRef | null) {
    const flat = new Box(1, "before");
    const nested = new Box(1, "before", [1, 2, 3]);
    const plain = { value: 1, list: [1] };
    request.target!.send(flat);
    request.target!.send(nested);
    request.target!.send(plain);
    flat.value = nested.value = plain.value = 2;
    flat.label = nested.label = "after";
    nested.items.push(4);
    plain.list.push(2);
    sender?.send("sent");
  }
  @handles(SendUnreadable)
  onSendUnreadable(request: SendUnreadable, sender: ActorRef | null) {
    request.target!.send(new Unreadable(2));
    sender?.send("sent");
  }
  @handles(SendAll)
  onSendAll(request: SendAll, sender: ActorRef | null) {
    try {
      const messages = request.bigBytes === 0
        ? request.messages
        : [...request.messages, new Uint8Array(request.bigBytes)];
      for (const message of messages) {
        request.target!.send(
          message as never,
          request.deadline > 0 ? { deadline: request.deadline } : undefined,
        );
      }
    } catch (error) {
      // What a send threw (a message too large, say), by its class.
      sender?.send((error as Error).constructor.name);
      return;
    }
    sender?.send("sent");
  }
  @handles(SendTrapped)
  onSendTrapped(request: SendTrapped, sender: ActorRef | null) {
    const target = request.of === "Box" ? new Box(1, "boxed") : { value: 1, label: "plain" };
    const trapped = new Proxy(target, {
      [request.trap]: () => {
        throw new TypeError(`the ${request.trap} trap threw`);
      },
    });
    const failure: SendFailure = {
      error: "sent",
      ringmail: false,
      path: "",
      message: "",
      cause: "",
    };
    try {
      request.target!.send(request.nested ? { inner: [trapped] } : trapped);
    } catch (error) {
      failure.error = (error as Error).constructor.name;
      failure.ringmail = error instanceof RingmailError;
      failure.path = error instanceof CodecError ? error.path : "";
      failure.message = (error as Error).message;
      const cause = (error as Error).cause;
      failure.cause = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    }
    sender?.send(failure);
  }
  @handles(OtherMessage)
  onOther(text: unknown, sender: ActorRef | null) {
    if (text === "last") sender?.send(this.#last);
    else if (typeof text === "object" && text !== null) this.#last = text.constructor.name;
    else if (text === "report") this.#child!.send(new Report(), { sender });
    else if (text === "function") {
      try {
        this.self.send((() => 1) as never);
        sender?.send("sent");
      } catch (error) {
        sender?.send((error as Error).constructor.name);
      }
    }
  }
}

/** Keeps what it gets, in order; answers "log" with it. */
export class Keeper extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #log: unknown[] = [];
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    if (message === "log") sender?.send(this.#log);
    else this.#log.push(message);
  }
}

/**
 * Told a number n: spawns a Chatter next to itself, watches it, tells it n, and logs its words
 * and its end, in order; answers the log once the Chatter has ended.
 */
export class Listener extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #log: string[] = [];
  #asker: ActorRef | null = null;
  @handles(Terminated)
  onTerminated(end: Terminated) {
    this.#log.push(`ended: ${end.kind}`);
    this.#asker?.send(this.#log);
  }
  @handles(OtherMessage)
  onAnything(message: unknown, sender: ActorRef | null) {
    if (typeof message === "number") {
      this.#asker = sender;
      const chatter = this.context.spawnWith(Chatter, { near: this.self });
      this.context.watch(chatter);
      chatter.send(message);
    } else this.#log.push(String(message));
  }
}

/** Told a number n, says 0..n-1 to its sender and stops itself. */
export class Chatter extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  onNumber(n: number, sender: ActorRef | null) {
    for (let i = 0; i < n; i++) sender!.send(`word ${i}` as never);
    // No sender: its Stopped would only come back to this stopped actor as a dead letter.
    this.self.send(new Stop(), { sender: null });
  }
}

export { OrderSink };

/**
 * Once told "go", keeps sending itself messages (local mail, one after another, forever);
 * answers "ready" and "count" (how many it handled) meanwhile.
 */
export class SelfFlooder extends Actor<string | Ball> {
  static readonly module = import.meta.url;
  protected handled = 0;
  @handles(String)
  onString(text: string, sender: ActorRef | null) {
    if (text === "count") sender?.send(this.handled);
    else if (text === "ready") sender?.send("ready");
    else this.next();
  }
  /** Sends itself the next message of the flood. */
  protected next(): void {
    this.handled++;
    this.self.send("again");
  }
}

/** A ball for an endless rally. */
@message()
export class Ball {
  constructor(readonly hits = 0) {}
}

/** Returns every Ball to its sender at once: two of them rally forever. */
export class Volley extends Actor<Ball | string> {
  static readonly module = import.meta.url;
  #hits = 0;
  @handles(Ball)
  onBall(ball: Ball, sender: ActorRef | null) {
    this.#hits++;
    sender?.send(new Ball(ball.hits + 1));
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "hits") sender?.send(this.#hits);
    else sender?.send(text);
  }
}

/**
 * Like SelfFlooder, from an async handler: once told "go", each Ball sends itself the next one
 * before its handler settles. (Its other messages are handled synchronously, so its ring is
 * seen empty and its own sends become local mail.)
 */
export class AsyncSelfFlooder extends SelfFlooder {
  static override readonly module = import.meta.url;
  protected override next(): void {
    this.self.send(new Ball());
  }
  @handles(Ball)
  async onBall(ball: Ball) {
    this.handled++;
    await Promise.resolve();
    this.self.send(new Ball(ball.hits + 1));
  }
}

/** A registered class with a handler of its own (see Sorter). */
@message()
export class Parcel {
  constructor(readonly weight = 0) {}
}

/** A registered subclass without a handler: its parent's takes it. */
@message()
export class Letter extends Parcel {
  constructor(weight = 0, readonly stamp = "") {
    super(weight);
  }
}

/** A registered class that only the OtherMessage handler takes. */
@message()
export class Postcard {
  constructor(readonly text = "") {}
}

/** Logs which handler took each message, and its class; answers "log" with the log. */
export class Sorter extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly #log: string[] = [];
  @handles(Parcel)
  onParcel(parcel: Parcel) {
    this.#log.push(`parcel:${parcel.constructor.name}`);
  }
  @handles(OtherMessage)
  onOther(message: unknown, sender: ActorRef | null) {
    if (message === "log") sender?.send(this.#log);
    else this.#log.push(`other:${(message as object).constructor.name}`);
  }
}
