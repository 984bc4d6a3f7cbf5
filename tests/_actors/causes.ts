/** Actors whose failures have causes: what the caller must still see at the end of the chain. */
import { Actor, handles } from "../../mod.ts";

/** Its handler throws an error caused by another. */
export class Layered extends Actor<string> {
  static readonly module = import.meta.url;
  @handles(String)
  onText(text: string) {
    throw new Error(`cannot handle ${text}`, { cause: new RangeError("the root cause") });
  }
}

/** Its preStart fails with an error caused by another. */
export class NoConnection extends Actor<string> {
  static readonly module = import.meta.url;
  override preStart() {
    throw new Error("no database", { cause: new Error("connection refused") });
  }
}
