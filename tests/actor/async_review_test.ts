/** What an actor does from inside, async: stop from a callback, asks, stash, timers. */
import assert from "node:assert/strict";
import { EarlyStopper, Keeper, SelfCloser, SlowLeaver } from "../_actors/async_review.ts";
import { testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

for (const where of ["dedicated", "pooled"] as const) {
  Deno.test(`async review: stop() from a callback left behind waits for an async postStop before the actor ends (${where})`, async () => {
    await using t = testSystem();
    const pool = where === "pooled" ? t.system.createPool({ workers: 1 }) : null;
    const probe = t.system.spawn(Keeper);
    const leaver = pool === null
      ? t.system.spawn(SlowLeaver, probe)
      : pool.spawn(SlowLeaver, probe);
    assert.equal(await t.bridge.call(leaver, "stop soon", LONG), "ok");
    await within(5_000, "the actor's end", t.bridge.whenTerminated(leaver));
    const events = await t.bridge.call(probe, "dump", LONG) as unknown[];
    assert.deepEqual(events.slice(0, 3), [
      "postStop began",
      "context works after await",
      "postStop ended",
    ]);
  });
}

Deno.test("async review: stop() from a callback an async preStart left behind stops the actor, however soon it comes", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const actors = Array.from({ length: 12 }, (_, depth) => pool.spawn(EarlyStopper, depth));
  await Promise.all(
    actors.map((actor, depth) =>
      within(
        5_000,
        `the end of the actor stopped after ${depth} microtasks`,
        t.bridge.whenTerminated(actor),
      )
    ),
  );
});

Deno.test("async review: stop() in the postStop of a restart stops the old instance only: the fresh one runs on", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const closer = t.system.spawn(SelfCloser);
  assert.equal(await t.bridge.call(closer, "ping", LONG), "instance 1");
  closer.send("fail");
  assert.equal(await t.bridge.call(closer, "ping", LONG), "instance 2");
  assert.equal(t.failures.length, 1);
  // Its own stop still stops it.
  closer.send("close");
  const end = await within(5_000, "the actor's end", t.bridge.whenTerminated(closer));
  assert.equal(end.kind, "stopped");
});
