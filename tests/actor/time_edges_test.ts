/** Time inside actors: receive timeouts, timers of a stopped actor, a timer behind, stop() from a callback. */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import {
  AsyncStopper,
  Counter,
  Leaver,
  Neighbour,
  Stopper,
  Watchful,
} from "../_actors/time_edges.ts";
import { LoopTimers } from "../../src/actor/mod.ts";
import { Probe } from "../_actors/supervision.ts";
import { eventually, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

/**
 * Waits for the actor's first ReceiveTimeout, as its reporter (a Probe) heard of it, and returns
 * how long after the message handled just before it it came.
 */
async function quietBeforeTimeout(
  t: ReturnType<typeof testSystem>,
  reporter: ActorRef<unknown>,
): Promise<{ log: string[]; quietMs: number }> {
  let reports: [string[], number[]][] = [];
  await eventually(
    async () =>
      (reports = await t.bridge.call(reporter, "dump", LONG) as [string[], number[]][]).length > 0,
    "a ReceiveTimeout",
  );
  const [log, at] = reports[0];
  const i = log.indexOf("timeout");
  return { log, quietMs: at[i] - at[i - 1] };
}

for (const busy of ["busy", "spin"]) {
  Deno.test(`time edges: ReceiveTimeout comes only after 50 ms without a message (after a ${busy === "busy" ? "long async" : "blocking"} handler)`, async () => {
    await using t = testSystem();
    const reporter = t.system.spawn(Probe);
    const actor = t.system.spawn(Watchful, reporter);
    // All three wait in the mailbox together: "next" waits while the 200 ms handler runs, so
    // the actor is never without a message until "next" is done; the receive timeout (50 ms)
    // is due 50 ms after that at the earliest.
    actor.send("watch");
    actor.send(busy);
    actor.send("next");
    const { log, quietMs } = await quietBeforeTimeout(t, reporter);
    assert.deepEqual(log.slice(0, 4), ["watch", busy, "next", "timeout"]);
    assert.ok(
      quietMs >= 45,
      `ReceiveTimeout came ${quietMs.toFixed(1)} ms after "next" (setReceiveTimeout(50))`,
    );
  });
}

Deno.test("time edges: a stopped actor's context sets no repeating timer that outlives it", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const leaver = pool.spawn(Leaver);
  const neighbour = pool.spawnWith(Neighbour, { near: leaver as ActorRef<never> });
  const counter = t.system.spawn(Counter);
  await t.system.started(leaver);
  await t.system.started(neighbour);
  leaver.send("leave");
  await t.bridge.whenTerminated(leaver);
  // User code of the stopped Leaver (a leftover callback) calls its context's sendEvery.
  const outcome = await t.bridge.call(neighbour, counter, LONG) as string;
  if (outcome.startsWith("timer set, active: true")) {
    let count = 0;
    await eventually(
      async () => (count = await t.bridge.call(counter, "count?", LONG) as number) >= 20,
      "ticks",
    );
    t.system.kill(neighbour, "end the ticks"); // the timer lives in that Worker
    assert.fail(
      `sendEvery on a stopped actor's context: ${outcome}; ${count} messages came from the ` +
        `stopped actor so far, and they go on`,
    );
  }
});

Deno.test("time edges: a repeating timer late after a stall fires once, then keeps its interval", () => {
  const timers = new LoopTimers(null as never, () => {}, (error) => {
    throw error;
  });
  let fired = 0;
  const start = performance.now();
  const timer = timers.schedule(10, 10, () => fired++);
  timers.fireDue(start + 55); // due at 10, then 20, 30, 40, 50: a stall missed four of them
  assert.equal(fired, 1, "one message for the ticks it missed, not two at once");
  timers.fireDue(start + 64);
  assert.equal(fired, 1, "the next is an interval after the late one");
  timers.fireDue(start + 66);
  assert.equal(fired, 2);
  timers.cancel(timer);
});

Deno.test("time edges: context.stop() from a callback an async handler left behind stops the actor", async () => {
  await using t = testSystem();
  for (
    const [name, actor] of [
      ["sync handler (control)", t.system.spawn(Stopper, false)],
      ["async handler", t.system.spawn(AsyncStopper)],
    ] as const
  ) {
    assert.equal(await t.bridge.call(actor, "stop soon", LONG), "stop called");
    // No handler is running any more: "Elsewhere (a timer's callback), at once".
    await within(3_000, `${name}: the actor stopping`, t.bridge.whenTerminated(actor));
  }
});
