/**
 * An actor whose module takes a while to load (a top-level await), for the test of a node that
 * shuts down while a spawn request still loads it. Its module says "loading slow actor" on
 * standard output as it begins, so the test knows when the other node is at it.
 */
import { Actor, handles, OtherMessage } from "../../actor.ts";

console.log("loading slow actor");
await new Promise((resolve) => setTimeout(resolve, 1_500));

export class SlowToLoad extends Actor<unknown> {
  static readonly module = import.meta.url;
  @handles(OtherMessage)
  onAnything(_: unknown) {}
}
