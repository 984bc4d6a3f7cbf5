/** Handler inheritance and overriding, as the seed's makeHandles did. */
import { Actor, type ActorRef, handles, message, OtherMessage } from "../../mod.ts";

@message()
export class Greet {
  constructor(readonly name = "") {}
}

/** A subclass of a handled message class: dispatches to Greet's handler unless it has its own. */
@message()
export class LoudGreet extends Greet {}

@message()
export class Farewell {}

/** A registered class no actor here handles: goes to OtherMessage. */
@message()
export class Unhandled {
  constructor(readonly n = 0) {}
}

export class Base extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(Greet)
  onGreet(greet: Greet, sender: ActorRef | null) {
    sender?.send(`base hello ${greet.name}`);
  }
  @handles(Farewell)
  onFarewell(_: Farewell, sender: ActorRef | null) {
    sender?.send("base bye");
  }
  @handles(OtherMessage)
  onOther(message: unknown, sender: ActorRef | null) {
    sender?.send(["other", message]);
  }
}

/** Overrides Greet with a handler of its own; inherits Farewell and OtherMessage. */
export class Child extends Base {
  @handles(Greet)
  onChildGreet(greet: Greet, sender: ActorRef | null) {
    sender?.send(`child hello ${greet.name}`);
  }
}

/** Overrides the method behind an inherited handler, without decorating it again. */
export class Grandchild extends Child {
  override onFarewell(_: Farewell, sender: ActorRef | null) {
    sender?.send("grandchild bye");
  }
}

/** Has no OtherMessage handler: unhandled messages become dead letters. */
export class Picky extends Actor<Greet> {
  static readonly module = import.meta.url;
  @handles(Greet)
  onGreet(greet: Greet, sender: ActorRef | null) {
    sender?.send(`picky hello ${greet.name}`);
  }
}
