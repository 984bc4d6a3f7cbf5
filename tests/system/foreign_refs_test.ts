/**
 * A ref of another actor system names none of this system's actors, even when its slot and
 * generation match one of them (two systems number their actors alike).
 */
import assert from "node:assert/strict";
import { ActorDeadError } from "../../errors.ts";
import { terminateWorkerOf } from "../../src/system/internal.ts";
import { Echo } from "../_actors/basic.ts";
import { testSystem } from "../_system.ts";

Deno.test("foreign refs: near, terminateWorkerOf, kill and started ignore another system's ref", async () => {
  await using a = testSystem();
  await using b = testSystem();
  const ours = b.system.spawn(Echo);
  const theirs = a.system.spawn(Echo);
  await Promise.all([a.system.started(theirs), b.system.started(ours)]);
  assert.deepEqual([theirs.slot, theirs.generation], [ours.slot, ours.generation]);

  // As inside an actor (context.spawnWith): a ref of another system is no place.
  assert.throws(
    () => b.system.spawnWith(Echo, { near: theirs }),
    (error: unknown) =>
      error instanceof TypeError && /near must be a ref of this actor system/.test(error.message),
  );
  assert.equal(terminateWorkerOf(b.system, theirs), false);
  assert.equal(b.system.kill(theirs), false);
  await assert.rejects(b.system.started(theirs), ActorDeadError);
  // B's own actor was not touched.
  assert.equal(await b.bridge.call(ours, "still here", { timeout: 5000 }), "still here");
});
