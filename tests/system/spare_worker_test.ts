/**
 * A dedicated actor's Worker outlives its actor by one: kept idle as the spare, the next actor of
 * its own starts there without a Worker's start. At most one is kept.
 */
import assert from "node:assert/strict";
import { Stop } from "../../mod.ts";
import { SlotState } from "../../src/delivery/mod.ts";
import { INTERNALS } from "../../src/system/internal.ts";
import { Where } from "../_actors/where.ts";
import { eventually, testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("spare: an actor of its own spawned after another stopped runs in that one's Worker", async () => {
  await using t = testSystem();
  const first = t.system.spawn(Where);
  const firstWorker = await t.bridge.call(first, "where");
  await t.bridge.stop([first]);
  // The idle Worker reaches the guardian after the Stopped reply: wait for it to be the spare.
  let second = t.system.spawn(Where);
  let secondWorker = await t.bridge.call(second, "where");
  for (let tries = 0; secondWorker !== firstWorker && tries < 20; tries++) {
    await t.bridge.stop([second]);
    second = t.system.spawn(Where);
    secondWorker = await t.bridge.call(second, "where");
  }
  assert.equal(secondWorker, firstWorker, "a stopped actor's Worker took the next actor");
  // A Worker that went idle while another was the spare was retired: it ends by itself, soon.
  await eventually(() => t.system.workerCount === 1, "the spare is not counted; the one in use is");
});

Deno.test("spare: of many idle Workers, one is kept", async () => {
  await using t = testSystem();
  const actors = Array.from({ length: 4 }, () => t.system.spawn(Where));
  const workers = new Set(await Promise.all(actors.map((a) => t.bridge.call(a, "where"))));
  assert.equal(workers.size, 4);
  await t.bridge.stop(actors);
  const next = Array.from({ length: 4 }, () => t.system.spawn(Where));
  const nextWorkers = await Promise.all(next.map((a) => t.bridge.call(a, "where")));
  const reused = nextWorkers.filter((w) => workers.has(w as string)).length;
  assert.ok(reused <= 1, `${reused} Workers reused: at most one is kept`);
});

Deno.test("spare: a Worker whose last actor stopped as another was placed near it hosts that one, and is no spare", async () => {
  await using t = testSystem();
  const first = t.system.spawn(Where);
  const firstWorker = await t.bridge.call(first, "where", LONG);
  first.send(new Stop());
  // This thread stays busy until the actor stopped in its Worker: the guardian has not heard of
  // it yet, so the next spawn is placed near it, in that Worker (which then reports idle).
  const directory = t.system[INTERNALS].bridgeHost.directory;
  const deadline = performance.now() + 10_000;
  while (directory.state(first.slot) !== SlotState.Dead) {
    if (performance.now() > deadline) throw new Error("the actor did not stop within 10 s");
  }
  const near = t.system.spawnWith(Where, { near: first });
  await t.system.started(near);
  assert.equal(await t.bridge.call(near, "where", LONG), firstWorker, "placed near the first");
  assert.equal(t.system.workerCount, 1, "its Worker is counted");
  const own = t.system.spawn(Where);
  assert.notEqual(await t.bridge.call(own, "where", LONG), firstWorker, "a Worker of its own");
});

Deno.test("spare: actors of their own spawned and stopped one after another all run in one Worker", async () => {
  await using t = testSystem();
  const workers = new Set<unknown>();
  for (let i = 0; i < 30; i++) {
    const actor = t.system.spawn(Where);
    workers.add(await t.bridge.call(actor, "where", LONG));
    await t.bridge.stop([actor], 20_000);
  }
  // Each stop leaves its Worker the spare before the next spawn looks for one. A Worker started
  // per cycle costs a Worker's start, and uses up one of the 65,535 thread ids a system has over
  // its life: a program doing this once a second would run out within days.
  assert.equal(workers.size, 1, `${workers.size} Workers for 30 actors in a row`);
});
