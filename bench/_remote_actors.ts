/** Actors of the remote bench's ringmail peer (bench/_ringmail_peer.ts). */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../mod.ts";

/** Answers once `count` more messages have come to the Tally. */
@message()
export class Expect {
  constructor(readonly count = 0) {}
}

/** Counts what it gets; answers an `Expect` when that many have come. */
export class Tally extends Actor<Expect | Uint8Array> {
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
