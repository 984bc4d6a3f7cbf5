/**
 * Actors for the chaos test: producers send numbered items to consumers, consumers check the
 * order and report each delivery to a ledger. Producers and the ledger live in Workers that are
 * never killed, so what was sent and what was delivered are always known.
 */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** The `seq`-th item of pair `pair`. */
@message()
export class Item {
  constructor(readonly pair = 0, readonly seq = 0) {}
}

/** Asks a producer to send `count` more items to its consumer; answered with its total sent. */
@message()
export class Produce {
  constructor(readonly consumer: ActorRef<Item> | null = null, readonly count = 0) {}
}

/** A consumer to the ledger: it handled this item. */
@message()
export class Delivered {
  constructor(readonly pair = 0, readonly seq = 0) {}
}

/** Counts deliveries per pair; `"counts"` answers them as `[pair, count][]`. */
export class Ledger extends Actor<Delivered | string> {
  static readonly module = import.meta.url;
  readonly #counts = new Map<number, number>();
  @handles(Delivered)
  onDelivered(delivered: Delivered) {
    this.#counts.set(delivered.pair, (this.#counts.get(delivered.pair) ?? 0) + 1);
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "counts") sender?.send([...this.#counts]);
  }
}

/** Sends numbered items; each send either lands in the mailbox or becomes a dead letter. */
export class Producer extends Actor<Produce | string> {
  static readonly module = import.meta.url;
  #sent = 0;
  constructor(readonly pair = 0) {
    super();
  }
  @handles(Produce)
  onProduce(produce: Produce, sender: ActorRef | null) {
    for (let i = 0; i < produce.count; i++) {
      produce.consumer!.send(new Item(this.pair, ++this.#sent));
    }
    sender?.send(this.#sent);
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    sender?.send(text);
  }
}

/** Handles items: reports each to the ledger first, and counts any out of order. */
export class Consumer extends Actor<Item | string> {
  static readonly module = import.meta.url;
  #last = 0;
  #received = 0;
  #disorder = 0;
  constructor(readonly ledger: ActorRef<Delivered> | null = null) {
    super();
  }
  @handles(Item)
  onItem(item: Item) {
    this.ledger!.send(new Delivered(item.pair, item.seq));
    this.#received++;
    if (item.seq !== this.#last + 1) this.#disorder++;
    this.#last = item.seq;
  }
  @handles(String)
  onText(text: string, sender: ActorRef | null) {
    if (text === "stats") sender?.send({ received: this.#received, disorder: this.#disorder });
    else sender?.send(text);
  }
}
