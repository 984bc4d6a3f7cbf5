/**
 * Names in a cluster whose NATS server has JetStream: kept in a KV bucket, so a name is
 * exclusive even when two nodes take it at the same instant, and a name of a node that is down
 * is free again. (Without JetStream, tests/remote/remote_call_test.ts covers the fallback.)
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { ClusterUnavailableError, NameNotFoundError, NameTakenError } from "../../errors.ts";
import { Doubler } from "../_actors/basic.ts";
import { eventually } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";
import { refusePublishes } from "./_refuse_publishes.ts";

Deno.test("names (KV): of many nodes taking one name at once, exactly one has it", async () => {
  await using server = await startNatsServer({ jetstream: true });
  const systems = Array.from(
    { length: 4 },
    () => new ActorSystem({ cluster: { servers: server.url, name: "race" } }),
  );
  try {
    await Promise.all(systems.map((system) => system.joined));
    const outcomes = await Promise.allSettled(
      systems.map((system) => system.register("leader", system.spawn(Doubler))),
    );
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
    for (const o of outcomes) {
      if (o.status === "rejected") assert.ok(o.reason instanceof NameTakenError, String(o.reason));
    }
    const winner = systems[outcomes.findIndex((o) => o.status === "fulfilled")];
    const found = await systems[0].lookup<number>("leader");
    assert.equal(found.node === 0 ? systems[0].node : found.node, winner.node);
    using bridge = new Bridge(systems[0]);
    assert.equal(await bridge.call(found, 21), 42);
  } finally {
    await Promise.all(systems.map((system) => system.shutdown()));
  }
});

Deno.test("names (KV): a name of a killed node can be taken again", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "takeover" } });
  const other = await startNode(server.url, "takeover");
  assert.equal((await system.lookup("doubler")).node, other.node);
  await assert.rejects(system.register("doubler", system.spawn(Doubler)), NameTakenError);
  other.kill("SIGKILL");
  await other.exited;
  await system.register("doubler", system.spawn(Doubler));
  assert.equal((await system.lookup("doubler")).node, 0, "now this node's");
});

Deno.test("names (KV): a node that leaves does not delete a name another node took over from it while it was frozen", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "taken-over" } });
  await using other = await startNode(server.url, "taken-over");
  assert.equal((await system.lookup("doubler")).node, other.node);
  await other.freeze();
  // Its holder answers no ping: the name is taken over.
  await system.register("doubler", system.spawn(Doubler));
  assert.equal((await system.lookup("doubler")).node, 0, "now this node's");
  other.kill("SIGCONT");
  await other.stop(); // leaves, giving up the names it thinks it still holds
  assert.equal((await system.lookup("doubler")).node, 0, "still this node's");
});

Deno.test("names (KV): the names of a node that left are gone with it", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "leaving" } });
  const leaving = await startNode(server.url, "leaving");
  assert.equal((await system.lookup("echo")).node, leaving.node);
  await leaving.stop();
  await assert.rejects(system.lookup("echo"), NameNotFoundError);
});

Deno.test("names (KV): while the NATS server is frozen, a lookup fails with ClusterUnavailableError", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "frozen-kv" } });
  await system.register("doubler", system.spawn(Doubler));
  await server.freeze();
  try {
    // (After the KV's own timeout, 5 s: register asks the same way, see remote_call_test.ts.)
    await assert.rejects(system.lookup("doubler"), ClusterUnavailableError);
  } finally {
    server.kill("SIGCONT");
  }
  // The server back, names work again.
  assert.equal((await system.lookup("doubler")).node, 0);
});

Deno.test("names (KV): a register whose write fails for another reason than a taken name fails once, without looking the name up and writing again", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "kv-refused" } });
  await system.joined;
  // The write of the name fails as it would with the server gone (after its timeout, 5 s each).
  let writes = 0;
  const undo = await refusePublishes(server.url, (subject) => {
    if (!subject.startsWith("$KV.")) return false;
    writes++;
    return true;
  });
  try {
    await assert.rejects(
      system.register("doubler", system.spawn(Doubler)),
      ClusterUnavailableError,
    );
  } finally {
    undo();
  }
  assert.equal(writes, 1, "one write, not a look-up and a second write");
  // The server takes writes again: the name can be had.
  await system.register("doubler", system.spawn(Doubler));
});

Deno.test("names (KV): the names of a node found down are free for lookup and register alike, whichever is asked first, once it resumes too", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "zombie-kv" } });
  await using other = await startNode(server.url, "zombie-kv");
  using bridge = new Bridge(system);
  // Talked to: this node pings the other, and finds it down while it is frozen.
  assert.equal(await bridge.call(await system.lookup<number>("doubler"), 21), 42);
  await other.freeze();
  await eventually(
    async () => (await system.clusterStatus()).links.some((l) => l.node === other.node && !l.up),
    "the frozen node is found down",
  );
  // Back, it answers pings again: a dead incarnation all the same, to this node.
  other.kill("SIGCONT");
  await assert.rejects(system.lookup("doubler"), NameNotFoundError);
  await system.register("doubler", system.spawn(Doubler));
  assert.equal((await system.lookup("doubler")).node, 0, "lookup first, then register");
  await system.register("echo", system.spawn(Doubler));
  assert.equal((await system.lookup("echo")).node, 0, "register first, then lookup");
});

for (const jetstream of [true, false]) {
  const store = jetstream ? "KV" : "subjects";
  Deno.test(`names (${store}): registering the same actor under its name again succeeds (a retry), another actor still is refused`, async () => {
    await using server = await startNatsServer({ jetstream });
    await using system = new ActorSystem({
      cluster: { servers: server.url, name: `again-${store}` },
    });
    await system.joined;
    const doubler = system.spawn(Doubler);
    await system.register("doubler", doubler);
    // "@throws NameTakenError when another actor has the name": not this one (a register retried
    // after a ClusterUnavailableError may well have gone through the first time).
    await system.register("doubler", doubler);
    await assert.rejects(system.register("doubler", system.spawn(Doubler)), NameTakenError);
    const found = await system.lookup<number>("doubler");
    assert.ok(found.equals(doubler), `${found} is not ${doubler}`);
    using bridge = new Bridge(system);
    assert.equal(await bridge.call(found, 21), 42);
  });
}
