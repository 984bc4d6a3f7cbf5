/**
 * An idle Worker first sleeps blocked (it wakes sooner at a ring than through its event loop), but
 * only for a bounded while: its own timers and I/O still run (see ReceiveLoopOptions.blockedParkMs).
 */
import assert from "node:assert/strict";
import { Ticking } from "../_actors/ticking.ts";
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
