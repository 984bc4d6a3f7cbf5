/**
 * An actor for the tests of what waits for room in a full mailbox: it keeps count of numbered
 * messages (in order per sender), can be kept busy, and reports what it got when asked or when
 * it stops.
 */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../../mod.ts";
import { Numbered, type OrderReport, OrderSink } from "./behaviours.ts";

/** What a Ledger got so far. */
export type LedgerReport = OrderReport;

/** Keeps a Ledger from handling anything for `ms`, without keeping its Worker busy. */
@message()
export class Hold {
  constructor(readonly ms = 0) {}
}

/**
 * Counts Numbered messages, checking each sender's order; a number keeps it busy for that many
 * ms; "tell me at stop" makes it send its report to the asker when it stops.
 */
export class Ledger extends OrderSink<unknown> {
  static override readonly module = import.meta.url;
  #atStop: ActorRef | null = null;

  @handles(Hold)
  async onHold(hold: Hold, sender: ActorRef | null) {
    // The Worker is free meanwhile; this actor takes nothing from its mailbox.
    await new Promise((resolve) => setTimeout(resolve, hold.ms));
    sender?.send("held");
  }
  @handles(OtherMessage)
  onOther(work: unknown, sender: ActorRef | null) {
    if (work === "tell me at stop") this.#atStop = sender;
    else if (typeof work === "number") {
      const until = Date.now() + work;
      while (Date.now() < until) { /* busy */ }
      sender?.send(work);
    }
  }
  override postStop() {
    this.#atStop?.send(this.report());
  }
}

/**
 * Asks a Burster to send `count` Numbered messages to `target` (or, with no target, to a Ledger
 * child it spawns next to itself first, with the given mailbox and send timeout), then stay
 * busy for `busyMs` in the same turn; if `laterMs` is not negative, `laterMs` after that turn,
 * one more. Answered with a BurstOutcome once it is done.
 */
@message()
export class Burst {
  constructor(
    readonly target: ActorRef | null = null,
    readonly count = 0,
    readonly busyMs = 0,
    readonly laterMs = -1,
    readonly mailboxCapacity = 256,
    readonly sendTimeout = 0,
  ) {}
}

/** What a Burst did: where it sent, and how the later send went (if any). */
export interface BurstOutcome {
  target: ActorRef;
  /** "sent", or the class of the error the later send threw; null: no later send. */
  later: string | null;
}

/** Sends one Numbered after a Burst (see Burst). */
@message()
export class Later {
  constructor(readonly target: ActorRef | null = null, readonly seq = 0) {}
}

/** Sends bursts to actors of its own Worker (see Burst). */
export class Burster extends Actor<Burst | Later> {
  static readonly module = import.meta.url;
  #asker: ActorRef | null = null;

  @handles(Burst)
  onBurst(burst: Burst, sender: ActorRef | null) {
    this.#asker = sender;
    const target = burst.target ?? this.context.spawnWith(Ledger, {
      near: this.self,
      mailboxCapacity: burst.mailboxCapacity,
      ...(burst.sendTimeout > 0 ? { sendTimeout: burst.sendTimeout } : {}),
    });
    for (let seq = 0; seq < burst.count; seq++) target.send(new Numbered("burster", seq));
    const until = Date.now() + burst.busyMs;
    while (Date.now() < until) { /* busy: the receiver cannot drain meanwhile */ }
    if (burst.laterMs < 0) sender?.send({ target, later: null } satisfies BurstOutcome);
    else this.context.sendAfter(burst.laterMs, this.self, new Later(target, burst.count));
  }
  @handles(Later)
  onLater(later: Later) {
    let outcome = "sent";
    try {
      later.target!.send(new Numbered("burster", later.seq));
    } catch (error) {
      outcome = (error as Error).constructor.name;
    }
    this.#asker?.send({ target: later.target!, later: outcome } satisfies BurstOutcome);
  }
}
