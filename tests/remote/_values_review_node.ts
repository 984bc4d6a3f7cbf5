/**
 * The second node of the values review (values_review_test.ts): its own version of a message
 * class the test's process encodes otherwise, and an actor that says what it got. Prints "ready"
 * once it has named its actors, and shuts down when its standard input closes.
 */
import { Actor, type ActorRef, handles, message } from "../../mod.ts";

/** Laid out by its fields here; the test's process gives its own version a custom encoding. */
@message({ name: "review.Shape" })
export class Shape {
  constructor(readonly a = 0, readonly b = 0) {}
}

/** Answers a Shape with its fields as it sees them. */
export class ShapeReader extends Actor<Shape> {
  static readonly module = import.meta.url;
  @handles(Shape)
  onShape(shape: Shape, sender: ActorRef<unknown> | null) {
    sender?.send(`a=${shape.a} b=${shape.b}`);
  }
}

if (import.meta.main) {
  const { ActorSystem } = await import("../../mod.ts");
  const [url, cluster] = Deno.args;
  // This node's Workers see test.Versioned as its version 2 (see VersionedHolder).
  Deno.env.set("RINGMAIL_VALUES_REVIEW_VERSION", "2");
  const system = new ActorSystem({ cluster: { servers: url, name: cluster } });
  await system.register("shapes", system.spawn(ShapeReader));
  console.log(`ready ${system.node}`);
  for await (const _ of Deno.stdin.readable) { /* until the test closes it */ }
  await system.shutdown();
}
