/** Actors for tests that end a Bridge, a Worker or the system while work is in flight. */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** Sends `lost` to `gone` (an actor that has ended): a dead letter its sender can see counted. */
@message()
export class ReplyThenLose {
  constructor(readonly gone: ActorRef<unknown> | null = null) {}
}

/** Replies `"reply"`, then sends to an ended actor: once its dead letter counts, the reply is sent. */
export class Replier extends Actor<ReplyThenLose> {
  static readonly module = import.meta.url;
  @handles(ReplyThenLose)
  onReplyThenLose(request: ReplyThenLose, sender: ActorRef | null) {
    sender?.send("reply");
    request.gone!.send("lost");
  }
}

/** Sends `count` messages of `bytes` characters each to `gone` (an ended actor), then answers. */
@message()
export class Litter {
  constructor(
    readonly gone: ActorRef<unknown> | null = null,
    readonly count = 0,
    readonly bytes = 0,
  ) {}
}

/** Sends what `litter` says to its ended actor. */
function scatter(litter: Litter): void {
  const payload = "x".repeat(litter.bytes);
  for (let i = 0; i < litter.count; i++) litter.gone!.send(payload);
}

export class Litterer extends Actor<Litter> {
  static readonly module = import.meta.url;
  @handles(Litter)
  onLitter(litter: Litter, sender: ActorRef | null) {
    scatter(litter);
    sender?.send(litter.count);
  }
}

/** Answers a number `n` with `n + 1`, after a turn of its event loop (an async handler). */
export class Helper extends Actor<number> {
  static readonly module = import.meta.url;
  @handles(Number)
  async onNumber(n: number, sender: ActorRef | null) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    sender?.send(n + 1);
  }
}

/** Answers each number by asking its child, a Helper, twice: its work needs its child running. */
export class Delegator extends Actor<number> {
  static readonly module = import.meta.url;
  #helper: ActorRef<number> | null = null;
  override preStart() {
    this.#helper = this.context.spawn(Helper);
  }
  @handles(Number)
  async onNumber(n: number, sender: ActorRef | null) {
    const once = await this.context.ask(this.#helper!, n, { timeout: 20_000 }) as number;
    sender?.send(await this.context.ask(this.#helper!, once, { timeout: 20_000 }));
  }
}

/** A Litterer that stops itself as soon as it has sent its litter (no answer). */
export class LastLitterer extends Actor<Litter> {
  static readonly module = import.meta.url;
  @handles(Litter)
  onLitter(litter: Litter) {
    scatter(litter);
    this.context.stop();
  }
}
