/**
 * An idle Worker first sleeps blocked (it wakes sooner at a ring than through its event loop), but
 * only for a bounded while: its own timers and I/O still run (see ReceiveLoopOptions.blockedParkMs).
 */
import assert from "node:assert/strict";
import { Doubler } from "../_actors/basic.ts";
import { Ticking } from "../_actors/ticking.ts";
import { nextTask } from "../../src/delivery/mod.ts";
import { testSystem } from "../_system.ts";

Deno.test("idle worker: a Worker with nothing to do still runs its own timers", async (t) => {
  await using test = testSystem();
  const pool = test.system.createPool({ workers: 1 });
  for (
    const [name, actor] of [["dedicated", test.system.spawn(Ticking)], [
      "pooled",
      pool.spawn(Ticking),
    ]] as const
  ) {
    await t.step(name, async () => {
      // Each tick comes while the Worker waits for mail: a sleep without bound would stop them.
      assert.equal(await test.bridge.call(actor, 50, { timeout: 10_000 }), 50);
    });
  }
});

Deno.test("idle worker: its own timers run while mail comes more often than its blocked sleep lasts", async () => {
  await using test = testSystem();
  const pool = test.system.createPool({ workers: 1 });
  const ticking = pool.spawn(Ticking);
  const doubler = pool.spawn(Doubler);
  await test.bridge.call(doubler, 1, { timeout: 10_000 });
  let ticked = false;
  const ticks = test.bridge.call(ticking, 50, { timeout: 10_000 }).then(() => ticked = true);
  // A message every ~300 µs ends each blocked sleep early: the Worker must still give its event
  // loop turns. The traffic stops once the ticks are done, or after 2 s: 50 ticks take ~0.3 s here,
  // and ~3 s when every blocked sleep that a ring ends goes straight back to serving.
  const until = performance.now() + 2_000;
  while (!ticked && performance.now() < until) {
    for (let i = 0; i < 300; i++) {
      doubler.send(1);
      const next = performance.now() + 0.3;
      while (performance.now() < next) { /* the pace of the traffic */ }
    }
    await nextTask(); // the replies and the ticks' reply come in
  }
  assert.ok(ticked, "50 ticks of 1 ms came while the traffic lasted");
  assert.equal(await ticks, true);
});
