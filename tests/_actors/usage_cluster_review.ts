/** Actors of the cluster usage review (tests/remote/usage_cluster_review_test.ts). */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** An error class of the program's own, registered so that it crosses as itself. */
@message("usage-review/OutOfStock")
export class OutOfStock extends Error {
  constructor(message = "", readonly sku = "", readonly left = 0) {
    super(message);
    this.name = "OutOfStock";
  }
}

/** Fails every order with an OutOfStock (its cause a RangeError), or an unregistered error. */
export class Stockist extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onOrder(sku: string, _sender: ActorRef | null) {
    if (sku === "plain") throw new Error("a plain failure");
    throw new OutOfStock(`no ${sku} left`, sku, 0);
  }
}
