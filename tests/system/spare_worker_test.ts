/**
 * A dedicated actor's Worker outlives its actor by one: kept idle as the spare, the next actor of
 * its own starts there without a Worker's start. At most one is kept.
 */
import assert from "node:assert/strict";
import { Where } from "../_actors/where.ts";
import { eventually, testSystem } from "../_system.ts";

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
