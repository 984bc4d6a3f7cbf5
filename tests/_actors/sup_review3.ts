/** Actors for tests/system/sup_review3_test.ts: stops, kills and restarts racing. */
import { Actor, type ActorRef, handles, OtherMessage } from "../../mod.ts";

/** Tells `probe` of its preStart and postStop, which then never settles. */
export class StuckStopping extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly id = crypto.randomUUID().slice(0, 8);
  constructor(readonly probe: ActorRef<unknown> | null = null) {
    super();
  }
  override preStart() {
    this.probe?.send(`preStart ${this.id}`);
  }
  override async postStop() {
    this.probe?.send(`postStop ${this.id}`);
    await new Promise(() => {});
  }
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    sender?.send(m === "id" ? this.id : m);
  }
}

/** Its preStart takes `ms` (async); tells `probe` of each start; answers what it gets. */
export class SlowStart extends Actor<unknown> {
  static readonly module = import.meta.url;
  readonly id = crypto.randomUUID().slice(0, 8);
  constructor(readonly probe: ActorRef<unknown> | null = null, readonly ms = 0) {
    super();
  }
  override async preStart() {
    this.probe?.send(`preStart ${this.id}`);
    await new Promise((resolve) => setTimeout(resolve, this.ms));
    this.probe?.send(`ready ${this.id}`);
  }
  @handles(OtherMessage)
  onAny(m: unknown, sender: ActorRef | null) {
    sender?.send(m === "id" ? this.id : m);
  }
}
