/**
 * Graceful shutdown: actors finish what is in their mailboxes and stop, children before their
 * parents; what is still running at the timeout is cut off, and the report says which.
 */
import assert from "node:assert/strict";
import {
  ActorDeadError,
  type ActorRef,
  ActorSystem,
  Bridge,
  SystemClosedError,
} from "../../mod.ts";
import { Family, Flaky, Slow, Stubborn } from "../_actors/supervision.ts";
import { testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("shutdown: actors drain their mailboxes, then stop", async () => {
  await using t = testSystem();
  const slow = t.system.spawn(Slow, 2);
  const atStop = t.bridge.call(slow, "tell me at stop", LONG);
  for (let i = 0; i < 50; i++) slow.send(i);
  const report = await t.system.shutdown({ timeout: 20_000 });
  assert.deepEqual(report, { stopped: 1, cutOff: [], undelivered: 0 });
  assert.deepEqual(await atStop, Array.from({ length: 50 }, (_, i) => i), "all 50 handled");
  assert.equal(t.deadLetters.length, 0);
  assert.equal(t.system.workerCount, 0);
});

Deno.test("shutdown: children stop before their parents", async () => {
  await using t = testSystem();
  const family = t.system.spawn(Family);
  const leaf: ActorRef<never> = await t.bridge.call(family, "child?", LONG);
  await t.system.started(leaf); // known to the system: the shutdown will order the two
  const atStop = t.bridge.call(family, "tell me at stop", LONG);
  const report = await t.system.shutdown({ timeout: 20_000 });
  assert.equal(report.stopped, 2);
  assert.deepEqual(await atStop, ["child stopped", "parent stopping"]);
});

Deno.test("shutdown: what is still running at the timeout is cut off, its messages undelivered", async () => {
  await using t = testSystem();
  const stubborn = t.system.spawnWith(Stubborn, { name: "stubborn" });
  const flaky = t.system.spawn(Flaky);
  assert.equal(await t.bridge.call(stubborn, "ready?", LONG), "ready?");
  stubborn.send("block"); // busy for two minutes
  for (let i = 0; i < 5; i++) stubborn.send(`queued ${i}`);
  const pending = t.bridge.call(stubborn, "never answered", { timeout: 600_000 })
    .then(() => null, (error) => error);
  const end = t.bridge.whenTerminated(stubborn);
  const report = await within(20_000, "the shutdown", t.system.shutdown({ timeout: 300 }));
  assert.equal(report.stopped, 1, "the idle actor stopped by itself");
  assert.deepEqual(report.cutOff.map((c) => c.name), ["stubborn"]);
  assert.ok(report.cutOff[0].actor.equals(stubborn));
  assert.equal(report.undelivered, 6, "five sends and a call");
  assert.ok((await pending) instanceof ActorDeadError);
  const shutdownLetters = t.deadLetters.filter((d) => d.kind === "shutdown");
  assert.equal(shutdownLetters.length, 6);
  assert.equal((await end).kind, "shutdown");
  assert.match((await end).reason, /stubborn ended: the actor system shut down while it ran/);
  const flakyEnd = await t.bridge.whenTerminated(flaky);
  assert.equal(flakyEnd.kind, "stopped");
  assert.equal(flakyEnd.reason, "Flaky was stopped by the actor system's shutdown");
});

Deno.test("shutdown: no spawns, Bridges or calls after it began; it answers once", async () => {
  const system = new ActorSystem();
  const bridge = new Bridge(system);
  const flaky = system.spawn(Flaky);
  assert.equal(await bridge.call(flaky, "count", LONG), 0);
  const first = system.shutdown({ timeout: 20_000 });
  assert.equal(system.shutdown(), first, "the same promise");
  assert.throws(() => system.spawn(Flaky), SystemClosedError);
  assert.throws(() => new Bridge(system), SystemClosedError);
  await assert.rejects(bridge.call(flaky, "count", LONG), SystemClosedError);
  assert.deepEqual(await first, { stopped: 1, cutOff: [], undelivered: 0 });
  bridge.close();
  assert.throws(() => system.shutdown({ timeout: -1 }), RangeError);
});
