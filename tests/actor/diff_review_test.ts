/**
 * Review of today's changes to observability, supervision and timers: each test shows one bug,
 * and passes once it is fixed.
 */
import assert from "node:assert/strict";
import { SystemMetrics } from "../../src/observe/otel/metrics.ts";
import { recordingMeter } from "../observe/_recording_meter.ts";
import { GateOpener, SlowStop } from "../_actors/diff_review2.ts";
import { Fragile } from "../_actors/diff_review2_fragile.ts";
import { eventually, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("diff review: an inspect() between an actor's end in its Worker and the system hearing of it does not lose its failures from the metrics", async () => {
  await using t = testSystem({ supervision: { onFailure: "stop" } });
  const recorded = recordingMeter();
  const metrics = new SystemMetrics(t.system, recorded.meter);
  try {
    const stopper = t.system.spawn(SlowStop);
    const opener = t.system.spawnWith(GateOpener, { near: stopper });
    assert.equal(await t.bridge.call(stopper, "hi", LONG), "hi");
    await t.system.started(opener);
    stopper.send("fail"); // stopped by the strategy; its postStop waits at the gate
    await t.until(() => t.failures.length === 1, "the failure reported");
    const listed = () => t.system.inspect().actors.some((a) => a.ref.equals(stopper));
    assert.ok(listed(), "it is still stopping");
    opener.send("open");
    // The system's thread is held here (as by any work of its own) while the Worker retires the
    // actor: inspect() (a live view's, an exporter's) sees it gone before the system's report.
    const until = performance.now() + 10_000;
    while (listed()) if (performance.now() > until) throw new Error("it never ended");
    await within(10_000, "its end", t.bridge.whenTerminated(stopper));
    recorded.collect();
    assert.equal(
      recorded.counted("ringmail.failures", { "ringmail.actor.class": "SlowStop" }),
      1,
      "the failure that stopped it",
    );
  } finally {
    metrics[Symbol.dispose]();
  }
});

Deno.test("diff review: an actor that ended in its Worker just before that Worker was killed keeps what it handled in the metrics", async () => {
  await using t = testSystem({ supervision: { onFailure: "stop" } });
  const recorded = recordingMeter();
  const metrics = new SystemMetrics(t.system, recorded.meter);
  try {
    const stopper = t.system.spawn(SlowStop);
    const opener = t.system.spawnWith(GateOpener, { near: stopper });
    await t.system.started(opener);
    for (let i = 0; i < 5; i++) assert.equal(await t.bridge.call(stopper, i, LONG), i);
    stopper.send("fail"); // 6 handled; stopped by the strategy, its postStop waits at the gate
    await t.until(() => t.failures.length === 1, "the failure reported");
    const listed = () => t.system.inspect().actors.some((a) => a.ref.equals(stopper));
    opener.send("open");
    // The Worker retires the actor and reports it; before the system reads the report, the
    // Worker is killed (its other actor's kill).
    const until = performance.now() + 10_000;
    while (listed()) if (performance.now() > until) throw new Error("it never ended");
    assert.equal(t.system.kill(opener), true);
    await within(10_000, "its end", t.bridge.whenTerminated(stopper));
    await within(10_000, "the opener's end", t.bridge.whenTerminated(opener));
    const bySlowStop = { "ringmail.actor.class": "SlowStop" };
    // The Worker's report of its end may still be on its way: the counts, once it is read.
    const counts = () => {
      recorded.collect();
      return {
        handled: recorded.counted("ringmail.messages.handled", bySlowStop),
        failures: recorded.counted("ringmail.failures", bySlowStop),
      };
    };
    await eventually(() => counts().handled >= 6, "its 6 messages counted", 10_000)
      .catch(() => {});
    assert.deepEqual(counts(), { handled: 6, failures: 1 });
  } finally {
    metrics[Symbol.dispose]();
  }
});

Deno.test("diff review: an actor whose restart after its Worker died cannot start keeps what it handled in the metrics", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const recorded = recordingMeter();
  const metrics = new SystemMetrics(t.system, recorded.meter);
  try {
    const fragile = t.system.spawn(Fragile);
    for (let i = 0; i < 4; i++) assert.equal(await t.bridge.call(fragile, i, LONG), i);
    // Its restart goes to a new Worker, which cannot load its module.
    Deno.env.set("RINGMAIL_DIFF_REVIEW2_BREAK", "1");
    try {
      assert.equal(t.system.kill(fragile), true);
      const end = await within(10_000, "its end", t.bridge.whenTerminated(fragile));
      assert.equal(end.kind, "start-failed");
    } finally {
      Deno.env.delete("RINGMAIL_DIFF_REVIEW2_BREAK");
    }
    recorded.collect();
    const byFragile = { "ringmail.actor.class": "Fragile" };
    assert.deepEqual(
      {
        handled: recorded.counted("ringmail.messages.handled", byFragile),
        restarts: recorded.counted("ringmail.restarts", byFragile),
      },
      { handled: 4, restarts: 1 },
    );
  } finally {
    metrics[Symbol.dispose]();
  }
});
