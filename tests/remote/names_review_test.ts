/**
 * Review of the cluster's names (register, lookup) and of spawns on another node: what a
 * demanding user would meet. Both name modes run where it matters: a KV bucket (the server has
 * JetStream) and subscriptions (it has not).
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import {
  ActorDeadError,
  NameNotFoundError,
  NameTakenError,
  SystemClosedError,
} from "../../errors.ts";
import { Doubler } from "../_actors/basic.ts";
import { Answerer } from "../_actors/names_review.ts";
import { eventually, within } from "../_system.ts";
import { startNatsServer } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";
import { joinedPair } from "./_joined_pair.ts";

const MODES = [{ jetstream: true, mode: "KV" }, { jetstream: false, mode: "subjects" }];

for (const { jetstream, mode } of MODES) {
  Deno.test(`names review (${mode}): the name of an actor that stopped is given up with it: not found anywhere, and free for a new actor`, async () => {
    await using server = await startNatsServer({ jetstream });
    const [here, there] = await joinedPair(server.url, `stopped-${mode}`);
    try {
      using bridge = new Bridge(here);
      const first = here.spawn(Doubler);
      await here.register("service", first);
      assert.equal((await there.lookup("service")).node, here.node);
      await bridge.stop([first], { timeout: 5000 });
      await bridge.whenTerminated(first);
      // Not a ref of a dead actor: the name went with it (on the other node, once it heard).
      await assert.rejects(here.lookup("service"), NameNotFoundError);
      await eventually(
        () => there.lookup("service").then(() => false, (e) => e instanceof NameNotFoundError),
        "the other node finds the name no more",
        10_000,
      );
      // The supervisor's usual move: a new actor under the same name.
      const second = here.spawn(Doubler);
      await here.register("service", second);
      assert.ok((await here.lookup("service")).equals(second));
      const found = await there.lookup<number>("service");
      assert.equal(found.node, here.node);
      using farBridge = new Bridge(there);
      assert.equal(await farBridge.call(found, 21, { timeout: 5000 }), 42);
    } finally {
      await Promise.all([here.shutdown(), there.shutdown()]);
    }
  });

  Deno.test(`names review (${mode}): a very long name is refused as a bad argument, and does not cut the node off from the cluster`, async () => {
    await using server = await startNatsServer({ jetstream });
    const [here, there] = await joinedPair(server.url, `long-${mode}`);
    try {
      await there.register("doubler", there.spawn(Doubler));
      const doubler = await here.lookup<number>("doubler");
      using bridge = new Bridge(here);
      assert.equal(await bridge.call(doubler, 1, { timeout: 5000 }), 2);
      const long = "x".repeat(3000);
      await assert.rejects(here.register(long, here.spawn(Doubler)), RangeError);
      await assert.rejects(here.lookup(long), RangeError);
      // The node's link is as it was: its calls to the other node still go.
      assert.equal(await bridge.call(doubler, 2, { timeout: 5000 }), 4);
      assert.ok((await here.clusterStatus()).links.every((link) => link.up));
    } finally {
      await Promise.all([here.shutdown(), there.shutdown()]);
    }
  });
}

Deno.test("names review: two different names are never one: a name with a lone surrogate is refused, not taken for another", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "surrogates" } });
  await system.joined;
  // Both would be written as "a\uFFFD" in UTF-8: one key for two names.
  await assert.rejects(system.register("a\uD800", system.spawn(Doubler)), TypeError);
  await assert.rejects(system.lookup("a\uDC00"), TypeError);
  // Well-formed names of any script still work.
  const doubler = system.spawn(Doubler);
  await system.register("名前 😀 a.b*>", doubler);
  assert.ok((await system.lookup("名前 😀 a.b*>")).equals(doubler));
});

Deno.test("names review: register after shutdown rejects with SystemClosedError, as lookup does, instead of throwing", async () => {
  await using server = await startNatsServer();
  const system = new ActorSystem({ cluster: { servers: server.url, name: "closed" } });
  const doubler = system.spawn(Doubler);
  await system.shutdown();
  let registered: Promise<void> | undefined;
  assert.doesNotThrow(() => {
    registered = system.register("x", doubler);
    registered.catch(() => {});
  }, "register returns a promise: it does not throw");
  await assert.rejects(registered!, SystemClosedError);
  await assert.rejects(system.lookup("x"), SystemClosedError);
});

Deno.test("names review: spawnOn another node refuses options out of range as spawnWith does: a RangeError, before asking that node", async () => {
  await using server = await startNatsServer();
  const [here, there] = await joinedPair(server.url, "options");
  try {
    for (
      const options of [
        { whenFull: "bogus" as never },
        { sendTimeout: -1 },
        { mailboxCapacity: 3 },
        { mailboxCapacity: 0 },
      ]
    ) {
      assert.throws(() => here.spawnWith(Answerer, options), RangeError, JSON.stringify(options));
      await assert.rejects(
        here.spawnOn(there.node, Answerer, options),
        RangeError,
        JSON.stringify(options),
      );
    }
    assert.equal(there.inspect().actors.length, 0, "nothing was started there");
  } finally {
    await Promise.all([here.shutdown(), there.shutdown()]);
  }
});

Deno.test("names review (subjects): of two registers of one name at once on one node, one has it", async () => {
  await using server = await startNatsServer();
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "twice" } });
  await system.joined;
  const a = system.spawn(Doubler);
  const b = system.spawn(Doubler);
  const outcomes = await Promise.allSettled([
    system.register("one", a),
    system.register("one", b),
  ]);
  assert.equal(
    outcomes.filter((o) => o.status === "fulfilled").length,
    1,
    "exactly one register succeeds",
  );
  for (const o of outcomes) {
    if (o.status === "rejected") assert.ok(o.reason instanceof NameTakenError, String(o.reason));
  }
});

Deno.test("names review (KV): a name whose node this one found down is not found, as without JetStream, rather than handed out as a dead ref", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using here = new ActorSystem({ cluster: { servers: server.url, name: "down-holder" } });
  await using other = await startNode(server.url, "down-holder");
  using bridge = new Bridge(here);
  const doubler = await here.lookup<number>("doubler");
  // Talked to: this node pings the other, and finds it down once it is killed.
  assert.equal(await bridge.call(doubler, 21, { timeout: 10_000 }), 42);
  other.kill("SIGKILL");
  await other.exited;
  await eventually(
    async () =>
      await here.lookup("doubler").then(() => false, (error) => error instanceof NameNotFoundError),
    "the name of a node found down is not found",
    20_000,
  );
});

Deno.test("names review (KV): nodes that join at the same moment all join, whichever of them makes the names' bucket", async () => {
  for (let round = 0; round < 20; round++) {
    // A server of its own each round: its JetStream has no stream yet, and two nodes make one.
    await using server = await startNatsServer({ jetstream: true });
    const options = { cluster: { servers: server.url, name: "together" } };
    const nodes = [new ActorSystem(options), new ActorSystem(options)];
    try {
      const joins = await Promise.all(
        nodes.map((node) => node.joined.then(() => "joined", (error) => String(error))),
      );
      assert.deepEqual(joins, ["joined", "joined"], `round ${round}`);
    } finally {
      await Promise.all(nodes.map((node) => node.shutdown()));
    }
  }
});

for (const { jetstream, mode } of MODES) {
  Deno.test(`names review (${mode}): registering an actor that has ended rejects with ActorDeadError, not a success whose name nobody finds`, async () => {
    await using server = await startNatsServer({ jetstream });
    const [here, there] = await joinedPair(server.url, `ended-${mode}`);
    try {
      using bridge = new Bridge(here);
      const stopped = here.spawn(Doubler);
      await bridge.stop([stopped], { timeout: 5000 });
      await bridge.whenTerminated(stopped);
      await assert.rejects(
        here.register("service", stopped),
        (error: unknown) =>
          error instanceof ActorDeadError && /"service"/.test(error.message) &&
          /sent Stop/.test(error.message),
      );
      // Not taken either: a live actor has it, on either node.
      await assert.rejects(there.lookup("service"), NameNotFoundError);
      const live = there.spawn(Doubler);
      await there.register("service", live);
      assert.equal((await here.lookup("service")).node, there.node);
    } finally {
      await Promise.all([here.shutdown(), there.shutdown()]);
    }
  });

  Deno.test(`names review (${mode}): registering an actor of a node found down rejects with ActorDeadError`, async () => {
    await using server = await startNatsServer({ jetstream });
    const cluster = `node-gone-${mode}`;
    await using here = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
    await using node = await startNode(server.url, cluster);
    const doubler = await here.lookup<number>("doubler");
    using bridge = new Bridge(here);
    assert.equal(await bridge.call(doubler, 1, { timeout: 5000 }), 2);
    node.kill("SIGKILL");
    const end = await within(10_000, "the node found down", bridge.whenTerminated(doubler));
    assert.equal(end.kind, "node-down");
    await assert.rejects(
      here.register("gone", doubler),
      (error: unknown) => error instanceof ActorDeadError && /"gone"/.test(error.message),
    );
    await assert.rejects(here.lookup("gone"), NameNotFoundError);
  });
}
