/** The actor the cluster example shares: a counter that answers each `Add` with its new total. */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** Adds `amount` to the counter; the answer is the total. */
@message()
export class Add {
  constructor(readonly amount = 0) {}
}

export class Counter extends Actor<Add> {
  static readonly module = import.meta.url;
  #total = 0;
  @handles(Add)
  onAdd(add: Add, sender: ActorRef<number> | null) {
    this.#total += add.amount;
    sender?.send(this.#total);
  }
}
