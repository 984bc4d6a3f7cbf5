/** Actors that ask other actors (`this.context.ask`) and pipe promises to themselves. */
import { Actor, type ActorRef, handles, message, type ReplyTo, Request } from "../../mod.ts";

/** What a shop has in stock. */
@message()
export class GetStock extends Request<number[]> {}

/** Answers once the shop has been asked for its stock `count` times (at once if it has been). */
@message()
export class WhenAsked extends Request<number> {
  constructor(readonly count = 1) {
    super();
  }
}

/** Answers `GetStock` with its stock, after `delayMs` when that is not 0. */
export class Shop extends Actor<GetStock> {
  static readonly module = import.meta.url;
  constructor(readonly stock: number[] = [1, 2, 3], readonly delayMs = 0) {
    super();
  }
  @handles(GetStock)
  onGetStock(_: GetStock, sender: ReplyTo<GetStock>) {
    if (sender === null) return;
    if (this.delayMs === 0) sender.send(this.stock);
    else this.context.sendAfter(this.delayMs, sender, this.stock);
  }
}

/** Holds up a `BusyShop`: its Worker is blocked for `ms`. */
@message()
export class HoldUp {
  constructor(readonly ms = 0) {}
}

/** Answers `GetStock` at once, unless a `HoldUp` before it keeps the shop busy. */
export class BusyShop extends Actor<GetStock | HoldUp> {
  static readonly module = import.meta.url;
  @handles(HoldUp)
  onHoldUp(holdUp: HoldUp) {
    const until = Date.now() + holdUp.ms;
    while (Date.now() < until) { /* busy */ }
  }
  @handles(GetStock)
  onGetStock(_: GetStock, sender: ReplyTo<GetStock>) {
    sender?.send([]);
  }
}

/**
 * A shop that never answers `GetStock`: it does nothing, or stops itself (`"stop"`), on being
 * asked. `WhenAsked` tells a test when an ask is pending.
 */
export class MuteShop extends Actor<GetStock | WhenAsked> {
  static readonly module = import.meta.url;
  #asked = 0;
  #waiting: { count: number; sender: ReplyTo<WhenAsked> }[] = [];
  constructor(readonly onAsked: "nothing" | "stop" = "nothing") {
    super();
  }
  @handles(GetStock)
  onGetStock() {
    this.#asked++;
    for (const waiter of this.#waiting) {
      if (waiter.count <= this.#asked) waiter.sender?.send(this.#asked);
    }
    this.#waiting = this.#waiting.filter((waiter) => waiter.count > this.#asked);
    if (this.onAsked === "stop") this.context.stop();
  }
  @handles(WhenAsked)
  onWhenAsked(request: WhenAsked, sender: ReplyTo<WhenAsked>) {
    if (this.#asked >= request.count) sender?.send(this.#asked);
    else this.#waiting.push({ count: request.count, sender });
  }
}

/** What a `Combine` ends with: the sum of the shop's stock and the asker's own, or the error. */
export interface Combined {
  total?: number;
  error?: string;
  message?: string;
  elapsedMs: number;
}

/** Asks `shop` for its stock and answers with it added to the asker's own. */
@message()
export class Combine extends Request<Combined> {
  constructor(readonly shop: ActorRef<GetStock> | null = null, readonly timeout = 10_000) {
    super();
  }
}

/** A note an `Asker` logs when it handles it. */
@message()
export class Note {
  constructor(readonly text = "") {}
}

/** The notes an `Asker` has logged, with "combined" for each `Combine` done, in order. */
@message()
export class GetLog extends Request<string[]> {}

/** An actor that asks a shop from inside an async handler. */
export class Asker extends Actor<Combine | Note | GetLog> {
  static readonly module = import.meta.url;
  readonly #log: string[] = [];
  constructor(readonly own = 100) {
    super();
  }
  @handles(Combine)
  async onCombine(request: Combine, sender: ReplyTo<Combine>) {
    const started = performance.now();
    try {
      const stock: number[] = await this.context.ask(request.shop!, new GetStock(), {
        timeout: request.timeout,
      });
      this.#log.push("combined");
      const total = stock.reduce((sum, n) => sum + n, this.own);
      sender?.send({ total, elapsedMs: performance.now() - started });
    } catch (error) {
      this.#log.push("failed");
      sender?.send({
        error: (error as Error).name,
        message: (error as Error).message,
        elapsedMs: performance.now() - started,
      });
    }
  }
  @handles(Note)
  onNote(note: Note) {
    this.#log.push(note.text);
  }
  @handles(GetLog)
  onGetLog(_: GetLog, sender: ReplyTo<GetLog>) {
    sender?.send([...this.#log]);
  }
}

/** Asks a `Piper` to pipe a promise that settles after `delayMs` (rejects if `fail`). */
@message()
export class PipeLater {
  constructor(readonly delayMs = 0, readonly fail = false) {}
}

/** What a `Piper`'s map made of a settled promise. */
@message()
export class Piped {
  constructor(readonly value = 0, readonly error = "") {}
}

/** Answers with the `Piped` messages the `Piper` has received so far, once there are `count`. */
@message()
export class GetPiped extends Request<Piped[]> {
  constructor(readonly count = 1) {
    super();
  }
}

/** Pipes promises to itself and keeps what arrives. */
export class Piper extends Actor<PipeLater | Piped | GetPiped> {
  static readonly module = import.meta.url;
  readonly #piped: Piped[] = [];
  #waiting: { count: number; sender: ReplyTo<GetPiped> } | null = null;
  @handles(PipeLater)
  onPipeLater(request: PipeLater) {
    const settles = new Promise<number>((resolve, reject) =>
      setTimeout(
        () => request.fail ? reject(new Error("no luck")) : resolve(request.delayMs),
        request.delayMs,
      )
    );
    this.context.pipeToSelf(
      settles,
      (value, error) => new Piped(value ?? -1, error === undefined ? "" : String(error)),
    );
  }
  @handles(Piped)
  onPiped(piped: Piped) {
    this.#piped.push(piped);
    this.#answer();
  }
  @handles(GetPiped)
  onGetPiped(request: GetPiped, sender: ReplyTo<GetPiped>) {
    this.#waiting = { count: request.count, sender };
    this.#answer();
  }
  #answer() {
    if (this.#waiting === null || this.#piped.length < this.#waiting.count) return;
    this.#waiting.sender?.send([...this.#piped]);
    this.#waiting = null;
  }
}

/** Asks `shop` again and again until a timer set first has fired; answers how many asks that took. */
@message()
export class AskUntilTimer extends Request<number> {
  constructor(readonly shop: ActorRef<GetStock> | null = null, readonly most = 0) {
    super();
  }
}

/** Keeps asking while its Worker's event loop must still run a timer. */
export class Pester extends Actor<AskUntilTimer> {
  static readonly module = import.meta.url;
  @handles(AskUntilTimer)
  async onAskUntilTimer(request: AskUntilTimer, sender: ReplyTo<AskUntilTimer>) {
    let fired = false;
    setTimeout(() => fired = true, 0);
    let asks = 0;
    while (!fired && asks < request.most) {
      await this.context.ask(request.shop!, new GetStock());
      asks++;
    }
    sender?.send(asks);
  }
}

/** Asks for an Answerer's answer: 42. */
@message()
export class Question extends Request<number> {}

/**
 * Answers each Question with 42; `WhenAsked` answers how many it answered, once it has answered
 * that many.
 */
export class Answerer extends Actor<Question | WhenAsked> {
  static readonly module = import.meta.url;
  #answered = 0;
  #waiting: { count: number; sender: ReplyTo<WhenAsked> }[] = [];
  @handles(Question)
  onQuestion(_: Question, sender: ReplyTo<Question>) {
    sender?.send(42);
    this.#answered++;
    this.#waiting = this.#waiting.filter(({ count, sender }) => {
      if (count > this.#answered) return true;
      sender?.send(this.#answered);
      return false;
    });
  }
  @handles(WhenAsked)
  onWhenAsked(when: WhenAsked, sender: ReplyTo<WhenAsked>) {
    if (when.count <= this.#answered) sender?.send(this.#answered);
    else this.#waiting.push({ count: when.count, sender });
  }
}

/** Asks `target` a Question, then keeps its Worker busy for `busyMs` before it reads the answer. */
@message()
export class AskThenBusy {
  constructor(readonly target: ActorRef<Question> | null = null, readonly busyMs = 0) {}
}

/** Asks, then is busy (see AskThenBusy): the answer waits unread in its Worker meanwhile. */
export class BusyAsker extends Actor<AskThenBusy> {
  static readonly module = import.meta.url;
  @handles(AskThenBusy)
  async onAsk(ask: AskThenBusy) {
    const answer = this.context.ask(ask.target!, new Question(), { timeout: 20_000 });
    const until = Date.now() + ask.busyMs;
    while (Date.now() < until) { /* busy */ }
    await answer;
  }
}
