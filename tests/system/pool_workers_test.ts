/**
 * A pool heals: a Worker that dies is replaced, the actors restarted after it land on live
 * Workers, spawns keep working and `pool.size` tells the truth; a pool whose Workers die at
 * start every time gives up with a typed error instead of replacing them forever.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { ArenaFullError, PoolFailedError } from "../../errors.ts";
import { terminateWorkerOf } from "../../src/system/internal.ts";
import { MAX_YOUNG_DEATHS, PoolWorkers, YOUNG_MS } from "../../src/system/pool_workers.ts";
import type { WorkerHandle } from "../../src/system/workers.ts";
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

/** A stand-in for a Worker's handle: only what the pool's healing reads. */
function handle(startedAt: number): WorkerHandle {
  return { startedAt, dead: false } as WorkerHandle;
}

Deno.test("pool workers: young deaths in a row are replaced later and later, then given up", () => {
  const first = handle(performance.now());
  const delays: number[] = [];
  const pool = new PoolWorkers(64, [first, handle(performance.now())], (delayMs) => {
    delays.push(delayMs);
    return handle(performance.now());
  });
  let dead = first;
  for (let death = 1; death <= MAX_YOUNG_DEATHS; death++) {
    const replacement = pool.replace(dead, `death ${death}`, false);
    assert.ok(replacement !== null, `death ${death} is replaced`);
    dead = replacement;
  }
  assert.deepEqual(delays, [50, 100, 200, 400, 800]);
  assert.equal(pool.size, 2);
  assert.equal(pool.replace(dead, "once too often", false), null);
  assert.equal(pool.size, 1, "that place is given up; the other stays");
});

Deno.test("pool workers: a death after a long life, or a kill, is replaced at once", () => {
  const young = handle(performance.now());
  const delays: number[] = [];
  const pool = new PoolWorkers(64, [young], (delayMs: number) => {
    delays.push(delayMs);
    return handle(performance.now());
  });
  const second = pool.replace(young, "young", false)!;
  const third = pool.replace(second, "killed", true)!;
  third.startedAt = performance.now() - YOUNG_MS - 1;
  pool.replace(third, "old", false);
  assert.deepEqual(delays, [50, 0, 0], "a kill and an old death reset the count");
});

Deno.test("pool workers: a pool whose last place is given up throws PoolFailedError", () => {
  const only = handle(performance.now());
  const pool = new PoolWorkers(64, [only], () => {
    throw new RangeError("no more threads");
  });
  assert.equal(pool.replace(only, "no threads left", false), null);
  assert.equal(pool.size, 0);
  assert.throws(
    () => pool.next(),
    (error: unknown) =>
      error instanceof PoolFailedError &&
      /could not be started: no more threads/.test(error.message) &&
      /the pool gave up/.test(error.message),
  );
});

Deno.test("pool workers: a replacement the full system has no room for keeps its place, and starts once there is room", () => {
  const only = handle(performance.now());
  let room = false;
  const pool = new PoolWorkers(64, [only], () => {
    if (!room) throw new ArenaFullError("the actor system is full");
    return handle(performance.now());
  });
  only.dead = true;
  assert.equal(pool.replace(only, "killed", true), null, "no room for it yet");
  assert.equal(pool.size, 1, "the place is kept");
  assert.throws(() => pool.next(), ArenaFullError, "a spawn meets the full system");
  room = true; // the dead Worker's recovery gave its slots back
  const next = pool.next();
  assert.equal(next.dead, false, "the place has a live Worker again");
  assert.equal(pool.next(), next);
});
