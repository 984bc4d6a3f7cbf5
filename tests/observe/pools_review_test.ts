/**
 * Pools and observation review: the live view's and `inspect()`'s figures against what the test
 * did, and the options that would make them wrong.
 */
import assert from "node:assert/strict";
import { ArenaFullError, ObserveError } from "../../errors.ts";
import { KEEP_SAMPLING_MS } from "../../src/system/inspector.ts";
import { Flaky } from "../_actors/supervision.ts";
import { eventually, testSystem, within } from "../_system.ts";

Deno.test("pools review: an intervalMs past the inspector's sampling window is refused: every snapshot would read 0 messages/s", async () => {
  // The inspector stops sampling KEEP_SAMPLING_MS after the last inspect(), and a rate needs
  // two samples: a view that inspects less often than that shows 0 handled per second and every
  // Worker idle, in the chart and the table, however busy the actors are.
  await using t = testSystem();
  for (const intervalMs of [KEEP_SAMPLING_MS, KEEP_SAMPLING_MS + 1_000, 60_000]) {
    let view;
    try {
      await assert.rejects(
        async () => {
          view = await t.system.observe({ intervalMs });
        },
        (error: Error) =>
          error instanceof ObserveError &&
          /intervalMs must be .* from 100 to 10000/.test(error.message),
        `intervalMs ${intervalMs}`,
      );
    } finally {
      await (view as { close(): Promise<void> } | undefined)?.close();
    }
  }
  // The longest allowed still works.
  await using view = await t.system.observe({ intervalMs: 10_000 });
  assert.match(view.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

Deno.test("pools review: the view's failures and restarts count those of actors that have ended, as its feed does", async () => {
  await using t = testSystem({
    supervision: { onFailure: "restart", maxRestarts: 2, withinMs: 60_000 },
  });
  await using view = await t.system.observe({ intervalMs: 100 });
  const pool = t.system.createPool({ workers: 1 });
  const flaky = pool.spawn(Flaky);
  // Two restarts, then the third failure is one too many: it stops.
  for (let i = 0; i < 3; i++) flaky.send("fail");
  await within(10_000, "the flaky actor ends", t.bridge.whenTerminated(flaky));
  await t.until(() => t.failures.length === 3, "its 3 failures reported");
  const ended = Date.now();
  type State = {
    snapshot: { at: number; actorsInAll: number; totals: { failures: number; restarts: number } };
    failures: unknown[];
  };
  let state: State | undefined;
  await eventually(
    async () => {
      state = await (await fetch(new URL("api/snapshot", view.url))).json() as State;
      return state.snapshot.at > ended;
    },
    "a snapshot taken after its end",
    10_000,
  );
  assert.equal(state!.snapshot.actorsInAll, 0);
  assert.equal(state!.failures.length, 3, "the feed lists its 3 failures");
  assert.deepEqual(
    { failures: state!.snapshot.totals.failures, restarts: state!.snapshot.totals.restarts },
    { failures: 3, restarts: 2 },
    "the Failures tile, and its restarts, say so too",
  );
});

Deno.test("pools review: a system full for its Workers' slots says so, not that maxActors actors are alive", async () => {
  // Each Worker's agent takes one of the maxActors slots (a dedicated actor's Worker, each pool
  // Worker): with maxActors 10, one Bridge and 2 pool Workers, the 7th pooled actor finds no slot.
  await using t = testSystem({ maxActors: 10 });
  const pool = t.system.createPool({ workers: 2 });
  let spawned = 0;
  let error: unknown = null;
  try {
    for (; spawned < 10; spawned++) pool.spawn(Flaky);
  } catch (thrown) {
    error = thrown;
  }
  assert.ok(error instanceof ArenaFullError);
  assert.equal(spawned, t.system.inspect().actors.length);
  assert.ok(spawned < 10);
  assert.doesNotMatch(error.message, /10 actors alive at once/, "fewer are");
  assert.match(error.message, /maxActors \(10\)/);
  assert.match(error.message, /Worker/, "says what else takes the slots");
});
