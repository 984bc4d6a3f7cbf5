/**
 * What a user observes and looks up: kill() and inspect() once an actor has stopped, names,
 * the system's options, the handled count, the Worker of an actor being restarted.
 */
import assert from "node:assert/strict";
import { ActorSystem } from "../../mod.ts";
import { Doubler } from "../_actors/basic.ts";
import { NameTeller } from "../_actors/inspect_edges.ts";
import { eventually, testSystem } from "../_system.ts";

Deno.test("inspect edges: once bridge.stop has answered Stopped, kill() says false and the end stays 'stopped'", async () => {
  await using t = testSystem();
  for (let i = 0; i < 20; i++) {
    const a = t.system.spawn(Doubler);
    await t.system.started(a);
    await t.bridge.stop([a], 5000); // it answered Stopped: it has stopped
    const listed = t.system.inspect().actors.filter((x) => x.ref.equals(a)).map((x) => x.state);
    const killed = t.system.kill(a, "after it stopped");
    const end = await t.bridge.whenTerminated(a);
    assert.deepEqual(
      { round: i, listed, killed, kind: end.kind },
      { round: i, listed: [], killed: false, kind: "stopped" },
    );
  }
});

Deno.test("inspect edges: killing a pooled actor that has already stopped does not take its neighbour's Worker down", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const pool = t.system.createPool({ workers: 1 });
  const neighbour = pool.spawn(Doubler);
  assert.equal(await t.bridge.call(neighbour, 1, { timeout: 5000 }), 2);
  for (let i = 0; i < 20; i++) {
    const a = pool.spawn(Doubler);
    await t.system.started(a);
    await t.bridge.stop([a], 5000);
    const killed = t.system.kill(a, "after it stopped");
    assert.equal(await t.bridge.call(neighbour, 1, { timeout: 5000 }), 2);
    const restarts = t.system.inspect().actors.find((x) => x.ref.equals(neighbour))!.restarts;
    assert.deepEqual({ round: i, killed, restarts }, { round: i, killed: false, restarts: 0 });
  }
});

Deno.test("inspect edges: a system mailboxCapacity that is no power of two is refused when the system is made", async () => {
  let made: ActorSystem | undefined;
  try {
    assert.throws(() => {
      made = new ActorSystem({ mailboxCapacity: 1000 });
    }, RangeError);
  } finally {
    await made?.shutdown();
  }
});

Deno.test("inspect edges: maxActors out of range is reported with the value given and the range allowed", async () => {
  let made: ActorSystem | undefined;
  try {
    assert.throws(
      () => {
        made = new ActorSystem({ maxActors: 1.5 });
      },
      (error: Error) => error instanceof RangeError && error.message.includes("got 1.5"),
    );
  } finally {
    await made?.shutdown();
  }
});

Deno.test("inspect edges: an empty name is refused, or the actor is called by one name everywhere", async () => {
  await using t = testSystem();
  let ref;
  try {
    ref = t.system.spawnWith(NameTeller, { name: "" });
  } catch (error) {
    assert.ok(error instanceof TypeError, `refused with ${error}`);
    return;
  }
  const own = await t.bridge.call(ref, "name?", { timeout: 5000 });
  const listed = t.system.inspect().actors.find((a) => a.ref.equals(ref))!.name;
  assert.equal(listed, own, "inspect() and the actor's own context.name agree");
  assert.equal(String(ref), `ActorRef(${own}#${ref.slot}.${ref.generation})`);
});

Deno.test("inspect edges: a name that is no string is refused with a TypeError", async () => {
  await using t = testSystem();
  assert.throws(
    () => t.system.spawnWith(NameTeller, { name: { first: "x" } as unknown as string }),
    TypeError,
  );
});

Deno.test("inspect edges: the system's handled count never goes back when an actor stops, nor its rate below 0", async () => {
  await using t = testSystem();
  const busy = t.system.spawn(Doubler);
  t.system.inspect(); // starts sampling
  for (let i = 0; i < 200; i++) await t.bridge.call(busy, i, { timeout: 5000 });
  await eventually(() => t.system.inspect().handled >= 200, "the Worker counts the 200");
  await eventually(() => t.system.inspect().handledRate.lastSecond > 0, "a sample took them in");
  await t.bridge.stop([busy], 5000);
  await t.bridge.whenTerminated(busy);
  await eventually(() => t.system.inspect().workers.length === 0, "its Worker is idle");
  const after = t.system.inspect();
  assert.ok(
    after.handled >= 200 && after.handledRate.lastSecond >= 0,
    `handled: ${after.handled}, rate: ${after.handledRate.lastSecond}/s`,
  );
});

Deno.test("inspect edges: an actor being restarted names a Worker the snapshot lists, or none (0)", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const a = t.system.spawn(Doubler);
  assert.equal(await t.bridge.call(a, 1, { timeout: 5000 }), 2);
  assert.equal(t.system.kill(a, "test"), true);
  const snapshot = t.system.inspect();
  const actor = snapshot.actors.find((x) => x.ref.equals(a))!;
  assert.ok(
    actor.worker === 0 || snapshot.workers.some((w) => w.threadId === actor.worker),
    `actor.worker ${actor.worker} (state ${actor.state}) not among ${
      JSON.stringify(snapshot.workers.map((w) => w.threadId))
    }`,
  );
  assert.equal(await t.bridge.call(a, 1, { timeout: 5000 }), 2);
});
