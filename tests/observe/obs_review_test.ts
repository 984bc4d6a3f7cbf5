/**
 * Observability review: what `inspect()`, the live view and the OpenTelemetry metrics report,
 * against figures the tests know.
 */
import assert from "node:assert/strict";
import type { ActorFailure } from "../../mod.ts";
import { ObserveError } from "../../errors.ts";
import { LiveFeed } from "../../src/observe/live/feed.ts";
import { SystemMetrics } from "../../src/observe/otel/metrics.ts";
import { recordingMeter } from "./_recording_meter.ts";
import { Doubler } from "../_actors/basic.ts";
import { Sink } from "../_actors/observed.ts";
import { eventually, testSystem, within } from "../_system.ts";

Deno.test("obs review: otel metrics count the failure that stopped an actor, and what it handled since the last collection", async () => {
  await using t = testSystem({ supervision: { onFailure: "stop" } });
  const recorded = recordingMeter();
  const metrics = new SystemMetrics(t.system, recorded.meter);
  try {
    const sink = t.system.spawn(Sink);
    for (let i = 0; i < 10; i++) sink.send(i);
    assert.equal(await t.bridge.call(sink, "count", { timeout: 10_000 }), 10);
    recorded.collect(); // a collection while it lives: 11 handled
    const bySink = { "ringmail.actor.class": "Sink" };
    assert.equal(recorded.counted("ringmail.messages.handled", bySink), 11);
    sink.send("fail"); // its handler throws: the system's strategy stops it
    await t.bridge.whenTerminated(sink);
    assert.equal(t.failures.length, 1, "the failure was reported");
    recorded.collect(); // the next collection, after its end
    assert.deepEqual(
      {
        failures: recorded.counted("ringmail.failures", bySink),
        handled: recorded.counted("ringmail.messages.handled", bySink),
      },
      { failures: 1, handled: 12 },
    );
  } finally {
    metrics[Symbol.dispose]();
  }
});

Deno.test("obs review: an intervalMs a timer cannot hold is refused, not turned into a snapshot every millisecond", async () => {
  await using t = testSystem();
  let view;
  try {
    await assert.rejects(
      async () => {
        view = await t.system.observe({ intervalMs: 2 ** 31 });
      },
      (error: Error) =>
        (error instanceof ObserveError || error instanceof RangeError) &&
        error.message.includes("intervalMs"),
    );
  } finally {
    await (view as { close(): Promise<void> } | undefined)?.close();
  }
});

Deno.test("obs review: the system's and the Workers' handled counts are the messages their actors handled, nothing more", async () => {
  await using t = testSystem();
  const doubler = t.system.spawn(Doubler);
  for (let i = 0; i < 10; i++) {
    assert.equal(await t.bridge.call(doubler, i, { timeout: 10_000 }), 2 * i);
  }
  const actorHandled = () => t.system.inspect().actors.reduce((sum, a) => sum + a.handled, 0);
  assert.equal(actorHandled(), 10);
  await eventually(() => t.system.inspect().handled >= 10, "the Worker counts the 10");
  const snapshot = t.system.inspect();
  assert.deepEqual(
    { system: snapshot.handled, workers: snapshot.workers.map((w) => w.handled) },
    { system: 10, workers: [10] },
    '"Messages all actors took": the Worker\'s own agent is no actor of the snapshot',
  );
});

Deno.test("obs review: a page that connects while a failure waits to be streamed gets it once, not in its hello and again in its feed", async () => {
  await using t = testSystem();
  const failureWatchers: ((failure: ActorFailure) => void)[] = [];
  const feed = new LiveFeed({
    inspect: () => t.system.inspect(),
    ended: () => ({ failures: 0, restarts: 0 }),
    onFailure: (watcher) => {
      failureWatchers.push(watcher);
      return () => {};
    },
    onDeadLetter: () => () => {},
  }, 60_000);
  const readers: ReadableStreamDefaultReader<string>[] = [];
  try {
    const open = () => {
      const reader = feed.stream().pipeThrough(new TextDecoderStream()).getReader();
      readers.push(reader);
      return reader;
    };
    const fail = (actorName: string) =>
      failureWatchers.forEach((watch) =>
        watch({
          actor: null,
          actorName,
          messageClass: "string",
          error: new Error("told to fail"),
        } as ActorFailure)
      );
    open(); // a page is open: failures are streamed to it
    fail("first");
    const late = open(); // another page, before the first failure went out
    fail("second");
    // What the late page shows: its hello's failures, then those of each feed event.
    let text = "";
    const shown = () => {
      const names: string[] = [];
      for (const block of text.split("\n\n")) {
        const event = block.match(/^event: (.*)$/m)?.[1];
        const data = block.match(/^data: (.*)$/m)?.[1];
        if (data === undefined) continue;
        const parsed = JSON.parse(data);
        const entries = event === "hello" ? parsed.failures : event === "feed" ? parsed : [];
        for (const entry of entries) names.push(entry.actor);
      }
      return names;
    };
    await within(
      10_000,
      "the late page's feed brings the second failure",
      (async () => {
        while (!shown().includes("second")) {
          const { value, done } = await late.read();
          if (done) throw new Error("the stream ended");
          text += value;
        }
      })(),
    );
    assert.deepEqual(shown(), ["first", "second"]);
  } finally {
    feed.close();
    for (const reader of readers) await reader.cancel();
  }
});

Deno.test("obs review: a page that reads nothing is let go once far behind (its stream ends), not queued for without end", async () => {
  await using t = testSystem();
  const failureWatchers: ((failure: ActorFailure) => void)[] = [];
  const feed = new LiveFeed({
    inspect: () => t.system.inspect(),
    ended: () => ({ failures: 0, restarts: 0 }),
    onFailure: (watcher) => {
      failureWatchers.push(watcher);
      return () => {};
    },
    onDeadLetter: () => () => {},
  }, 60_000);
  const stuck = feed.stream().getReader(); // a tab that reads nothing
  try {
    for (let i = 0; i < 1_000; i++) {
      failureWatchers.forEach((watch) =>
        watch({
          actor: null,
          actorName: `failing ${i}`,
          messageClass: "string",
          error: new Error("told to fail"),
        } as ActorFailure)
      );
      // A page that connects sends what waits to the open pages at once: one feed event each.
      await feed.stream().cancel();
    }
    await within(
      10_000,
      "the stuck page's stream ends once it has read what was queued for it",
      (async () => {
        while (!(await stuck.read()).done) { /* what was queued before it was let go */ }
      })(),
    );
  } finally {
    feed.close();
    await stuck.cancel();
  }
});
