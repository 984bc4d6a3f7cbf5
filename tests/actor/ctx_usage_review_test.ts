/**
 * Usage review of `this.context` (timers, stash, become, ask, pipeToSelf, watch, stop) with
 * stateful actors as a user writes them: each test shows one bug, and passes once it is fixed.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { Closer, SelfStopper } from "../_actors/ctx_usage_review.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("ctx usage review: an actor that sends itself Stop makes no dead letter of its own Stopped", async (t) => {
  for (const how of ["now", "later"]) {
    await t.step(
      `self.send(Stop) ${how === "now" ? "from a handler" : "by sendAfter"}`,
      async () => {
        await using ts = testSystem();
        const pool = ts.system.createPool({ workers: 1 });
        const actor = pool.spawn(SelfStopper);
        assert.equal(await ts.bridge.call(actor, how, LONG), how);
        const end = await ts.bridge.whenTerminated(actor);
        assert.equal(end.reason, "SelfStopper stopped itself");
        // Nobody else asked it to stop: the answer to its own Stop is nobody's lost message.
        const report = await ts.system.shutdown();
        assert.equal(report.undelivered, 0);
        assert.deepEqual(
          ts.deadLetters.map((d) => `${d.kind}: ${d.message?.constructor?.name}`),
          [],
        );
      },
    );
  }
});

Deno.test("ctx usage review: an actor that stopped after sending Stop makes no dead letter of the Stopped that answers it", async (t) => {
  for (const pooled of [true, false]) {
    await t.step(pooled ? "in a pool" : "in Workers of their own", async () => {
      await using ts = testSystem();
      const closer = pooled
        ? ts.system.createPool({ workers: 1 }).spawn(Closer)
        : ts.system.spawn(Closer);
      const children = await ts.bridge.call(closer, "close", LONG) as ActorRef<unknown>[];
      assert.equal(children.length, 3);
      await ts.bridge.whenTerminated(closer);
      for (const child of children) await ts.bridge.whenTerminated(child);
      const report = await ts.system.shutdown();
      assert.equal(report.undelivered, 0);
      // It has no handler for Stopped: README says it "simply does not get it", stopped or not.
      assert.deepEqual(
        ts.deadLetters.map((d) => `${d.kind}: ${d.message?.constructor?.name}`),
        [],
      );
    });
  }
});
