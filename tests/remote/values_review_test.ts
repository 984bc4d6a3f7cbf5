/**
 * Values that cross nodes of a cluster: what arrives, or what says it could not, is what a send
 * between two Workers of one process gives, or what the README promises for another node.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge, type DeadLetter, registerMessage } from "../../mod.ts";
import { SpawnError, UndeliverableError } from "../../errors.ts";
import { VersionedHolder } from "../_actors/values_review.ts";
import { Versioned } from "./_versioned_v1.ts";
import { eventually } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";

/** The test's version of review.Shape: a custom encoding (the other node's is by fields). */
class Shape {
  constructor(readonly a = 0, readonly b = 0) {}
}
registerMessage(Shape, {
  name: "review.Shape",
  // Both fields in one byte (each below 16).
  encode(writer, shape) {
    writer.u8(shape.a * 16 + shape.b);
  },
  decode(reader) {
    const byte = reader.u8();
    return new Shape(byte >> 4, byte & 15);
  },
});

Deno.test("values review: messages sent to a node whose process ended before this node met it are dead letters 'node-down', not lost unseen", async () => {
  await using server = await startNatsServer();
  const lost: DeadLetter[] = [];
  await using system = new ActorSystem({
    cluster: { servers: server.url, name: "never-met" },
    onDeadLetter: (deadLetter) => lost.push(deadLetter),
  });
  using bridge = new Bridge(system);
  const other = await startNode(server.url, "never-met");
  // A ref to an actor of the other node, as a name or a message from a third node hands it out.
  const doubler = await system.lookup<number>("doubler");
  other.kill("SIGKILL");
  await other.exited;
  doubler.send(1);
  doubler.send(2);
  // The node is found down: a call says so...
  await assert.rejects(bridge.call(doubler, 3, { timeout: 10_000 }), /process ended/);
  // ...and what was sent to it is a dead letter each, as for a node found down before.
  await eventually(
    () => lost.filter((d) => d.kind === "node-down").length >= 2,
    "the two messages' dead letters",
    10_000,
  );
  assert.deepEqual(
    lost.filter((d) => d.kind === "node-down").map((d) => d.message).slice(0, 2),
    [1, 2],
  );
});

Deno.test("values review: a class with a custom encoding here and laid out by fields on the other node is refused by name, never decoded into the wrong fields", async () => {
  await using server = await startNatsServer();
  await using _other = await startNode(
    server.url,
    "custom-layout",
    new URL("./_values_review_node.ts", import.meta.url),
  );
  await using system = new ActorSystem({
    cluster: { servers: server.url, name: "custom-layout" },
  });
  using bridge = new Bridge(system);
  const shapes = await system.lookup<Shape>("shapes");
  const refused = await bridge.call(shapes, new Shape(1, 2), { timeout: 10_000 }).then(
    (answer) => assert.fail(`decoded into the wrong fields: ${answer}`),
    (error) => error,
  );
  assert.ok(refused instanceof UndeliverableError, String(refused));
  assert.match(refused.message, /review\.Shape/);
});

Deno.test("values review: spawnOn another node with a constructor argument whose class is laid out differently there fails with a SpawnError naming it, never starts the actor with the wrong fields", async () => {
  await using server = await startNatsServer();
  await using other = await startNode(
    server.url,
    "spawn-layout",
    new URL("./_values_review_node.ts", import.meta.url),
  );
  await using system = new ActorSystem({
    cluster: { servers: server.url, name: "spawn-layout" },
  });
  using bridge = new Bridge(system);
  // Here, test.Versioned is version 1 (fields a, b); there, version 2 (fields a, c).
  const here = system.spawn(VersionedHolder, new Versioned(1, 2));
  assert.equal(await bridge.call(here, "fields?", { timeout: 10_000 }), "a=1 b=2");
  const outcome = await system.spawnOn(other.node, VersionedHolder, {}, new Versioned(1, 2)).then(
    async (there) => `started: ${await bridge.call(there, "fields?", { timeout: 10_000 })}`,
    (error) => error,
  );
  assert.ok(outcome instanceof SpawnError, String(outcome));
  assert.match(outcome.message, /test\.Versioned is laid out differently/);
});
