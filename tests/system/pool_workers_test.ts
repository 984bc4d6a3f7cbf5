/**
 * A pool heals: a Worker that dies is replaced, the actors restarted after it land on live
 * Workers, spawns keep working and `pool.size` tells the truth; a pool whose Workers die at
 * start every time gives up with a typed error instead of replacing them forever.
 */
import assert from "node:assert/strict";
import { type ActorRef, PoolFailedError } from "../../mod.ts";
import { terminateWorkerOf } from "../../src/system/actor_system.ts";
import { Echo } from "../_actors/basic.ts";
import { Hung, Poison } from "../_actors/lifecycle.ts";
import { eventually, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("pool: a dead Worker is replaced; its restarted actors and new spawns find live Workers", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart", maxRestarts: 100 } });
  const pool = t.system.createPool({ workers: 2 });
  const actors: ActorRef<string>[] = Array.from({ length: 4 }, () => pool.spawn(Hung));
  const ids = async () =>
    await Promise.all(actors.map((actor) => t.bridge.call(actor, "id", LONG) as Promise<string>));
  let before = await ids();
  // Every Worker the pool ever had dies, three times over: each time, actors come back.
  for (let round = 0; round < 3; round++) {
    for (const victim of [0, 1]) {
      assert.ok(terminateWorkerOf(t.system, actors[victim]), `round ${round}: kill ${victim}`);
      await eventually(async () => {
        const answers = await Promise.all(
          actors.map((actor) => t.bridge.call(actor, "id", { timeout: 2_000, default: null })),
        );
        return answers.every((id) => id !== null) &&
          answers[victim] !== before[victim];
      }, `round ${round}: the actors of the dead Worker answer again`);
      before = await ids();
      assert.equal(pool.size, 2, `round ${round}: the pool keeps its size`);
    }
  }
  const late = pool.spawn(Echo);
  assert.equal(await t.bridge.call(late, "still spawning", LONG), "still spawning");
});

Deno.test("pool: Workers that die at start every time are given up; spawning then throws PoolFailedError", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart", maxRestarts: 1000 } });
  const pool = t.system.createPool({ workers: 1 });
  const started = performance.now();
  const poison = pool.spawn(Poison);
  const end = await within(20_000, "the poisoned actor ends", t.bridge.whenTerminated(poison));
  assert.equal(end.kind, "worker-died");
  assert.match(end.reason, /could not be restarted .*the pool gave up/);
  assert.ok(performance.now() - started < 15_000, "bounded: not one restart per death forever");
  assert.equal(pool.size, 0);
  assert.throws(
    () => pool.spawn(Echo),
    (error: unknown) =>
      error instanceof PoolFailedError && /died .*of its start/.test(error.message),
  );
});
