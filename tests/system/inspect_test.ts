/**
 * `system.inspect()` against traffic whose figures the tests know: what was sent is handled and
 * counted where it was, a stuck actor's mailbox fills and empties, failures and restarts are
 * counted, dead letters by kind, the Bridges' pending calls, the family tree, and rates.
 */
import assert from "node:assert/strict";
import type { ActorRef, ActorSnapshot, SystemSnapshot } from "../../mod.ts";
import { Held, Nest, Opener, Sink, Source } from "../_actors/observed.ts";
import { Grinder } from "../_actors/busy.ts";
import { eventually, testSystem } from "../_system.ts";

function actorOf(snapshot: SystemSnapshot, ref: ActorRef<unknown>): ActorSnapshot {
  const actor = snapshot.actors.find((a) =>
    a.ref.slot === ref.slot && a.ref.generation === ref.generation
  );
  assert.ok(actor, `actor ${ref.slot}.${ref.generation} is in the snapshot`);
  return actor;
}

Deno.test("inspect: N messages sent are N handled, counted at the sender and the receiver", async () => {
  await using t = testSystem();
  const sink = t.system.spawnWith(Sink, { name: "sink" });
  const source = t.system.spawn(Source, sink);
  assert.equal(await t.bridge.call(source, 1000, { timeout: 10_000 }), 1000);
  // The Sink answers "count" after the 1000 it got before it: all of them are handled by then.
  assert.equal(await t.bridge.call(sink, "count", { timeout: 10_000 }), 1000);
  const snapshot = t.system.inspect();
  const sinkNow = actorOf(snapshot, sink);
  assert.equal(sinkNow.name, "sink");
  assert.equal(sinkNow.className, "Sink");
  assert.equal(sinkNow.state, "running");
  assert.equal(sinkNow.handled, 1001, "1000 numbers and the count");
  assert.equal(sinkNow.sent, 1, "its answer to the count");
  assert.equal(sinkNow.mailbox.waiting, 0);
  assert.equal(sinkNow.mailbox.usedBytes, 0);
  assert.ok(sinkNow.mailbox.capacityBytes > 0);
  const sourceNow = actorOf(snapshot, source);
  assert.equal(sourceNow.handled, 1);
  assert.equal(sourceNow.sent, 1001, "1000 numbers and its answer");
  assert.equal(sourceNow.className, "Source");
  assert.notEqual(sinkNow.worker, sourceNow.worker, "each in a Worker of its own");
  assert.equal(snapshot.workers.length, 2);
  for (const worker of snapshot.workers) {
    assert.equal(worker.kind, "dedicated");
    assert.equal(worker.actors, 1);
    assert.ok(worker.upMs >= 0 && worker.parkedMs <= worker.upMs + 1);
  }
  // A Worker brings its own count up to date between turns (at its next clock read, or as it
  // parks): soon, not at once.
  await eventually(
    () => t.system.inspect().handled >= 1002,
    "the Workers' counts take in what their actors handled",
  );
  assert.equal(snapshot.pendingCalls, 0);
});

Deno.test("inspect: a stuck actor's mailbox fills, and empties once it goes on", async () => {
  await using t = testSystem();
  const held = t.system.spawn(Held);
  const opener = t.system.spawnWith(Opener, { near: held });
  assert.equal(await t.bridge.call(held, "hold", { timeout: 10_000 }), "holding");
  for (let i = 0; i < 50; i++) held.send(`m${i}`);
  await eventually(
    () => actorOf(t.system.inspect(), held).mailbox.waiting === 50,
    "the 50 messages wait in the mailbox",
  );
  const full = actorOf(t.system.inspect(), held).mailbox;
  assert.ok(full.usedBytes > 0 && full.usedBytes <= full.capacityBytes);
  assert.equal(await t.bridge.call(opener, "open", { timeout: 10_000 }), "opened");
  assert.equal(await t.bridge.call(held, "after", { timeout: 10_000 }), "after");
  const after = actorOf(t.system.inspect(), held);
  assert.equal(after.mailbox.waiting, 0);
  assert.equal(after.handled, 52, "the hold, the 50 and the last call");
});

Deno.test("inspect: failures, the last one, and restarts are counted", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart", maxRestarts: 10 } });
  const sink = t.system.spawn(Sink);
  for (let i = 0; i < 3; i++) sink.send("fail");
  await t.until(() => t.failures.length === 3, "three failures reported");
  // Restarted three times: its count starts again each time.
  assert.equal(await t.bridge.call(sink, "count", { timeout: 10_000 }), 0);
  const now = actorOf(t.system.inspect(), sink);
  assert.equal(now.failures, 3);
  assert.equal(now.restarts, 3);
  assert.ok(now.lastFailure);
  assert.equal(now.lastFailure.message, "told to fail");
  assert.equal(now.lastFailure.errorName, "Error");
  assert.match(now.lastFailure.messageClass, /fail/);
  assert.ok(Math.abs(now.lastFailure.at - Date.now()) < 60_000);
});

Deno.test("inspect: dead letters by kind, and the Bridges' pending calls", async () => {
  await using t = testSystem();
  const sink = t.system.spawn(Sink);
  const held = t.system.spawn(Held);
  assert.equal(await t.bridge.call(held, "hold", { timeout: 10_000 }), "holding");
  const pending = t.bridge.call(held, "later", { timeout: 60_000 }).catch((error) => error);
  assert.equal(t.system.inspect().pendingCalls, 1);
  await t.bridge.stop([sink]);
  sink.send("lost");
  sink.send("lost too");
  await t.until(() => t.deadLetters.length === 2, "two dead letters");
  const { deadLetters } = t.system.inspect();
  assert.equal(deadLetters.total, 2);
  assert.deepEqual(deadLetters.byKind, { stopped: 2 });
  t.system.kill(held, "the test is over");
  await pending;
  assert.equal(t.system.inspect().pendingCalls, 0);
});

Deno.test("inspect: parents and children, in a pool's Worker", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const nest = pool.spawn(Nest);
  const children = await t.bridge.call(nest, 3, { timeout: 10_000 }) as ActorRef<unknown>[];
  await Promise.all(children.map((child) => t.system.started(child)));
  const snapshot = t.system.inspect();
  const parent = actorOf(snapshot, nest);
  assert.equal(parent.parent, null);
  assert.deepEqual(
    parent.children.map((c) => c.slot).sort(),
    children.map((c) => c.slot).sort(),
  );
  for (const [i, child] of children.entries()) {
    const now = actorOf(snapshot, child);
    assert.equal(now.name, `child ${i}`);
    assert.equal(now.className, "Sink");
    assert.equal(now.parent?.slot, nest.slot);
    assert.equal(now.worker, parent.worker, "near their parent");
  }
  const worker = snapshot.workers.find((w) => w.threadId === parent.worker);
  assert.ok(worker);
  assert.equal(worker.kind, "pool");
  assert.equal(worker.actors, 4);
});

Deno.test("inspect: rates follow the traffic while it flows", async () => {
  await using t = testSystem();
  const sink = t.system.spawn(Sink);
  const source = t.system.spawn(Source, sink);
  assert.equal(t.system.inspect().handledRate.lastSecond, 0, "no past yet");
  await eventually(async () => {
    await t.bridge.call(source, 200, { timeout: 10_000 });
    const snapshot = t.system.inspect();
    const rate = actorOf(snapshot, sink).handledRate;
    return rate.lastSecond > 0 && rate.lastTenSeconds > 0 &&
      snapshot.handledRate.lastSecond > 0 &&
      snapshot.workers.every((worker) => worker.busy > 0);
  }, "rates above 0 while messages flow");
});

Deno.test("inspect: a Worker parked for longer than a second reads idle, not busy", async () => {
  await using t = testSystem();
  const sink = t.system.spawn(Sink);
  assert.equal(await t.bridge.call(sink, "count", { timeout: 10_000 }), 0);
  // From now on its Worker has nothing to do: it parks, and stays parked for seconds. Looked at
  // every 100 ms for 2.5 s, past the first second's samples it must read idle every time.
  const worker = actorOf(t.system.inspect(), sink).worker;
  const readings: number[] = [];
  const lookUntil = performance.now() + 2500;
  while (performance.now() < lookUntil) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = t.system.inspect().workers.find((w) => w.threadId === worker);
    assert.ok(now);
    readings.push(now.busy);
  }
  const settled = readings.slice(12); // after 1.2 s of samples
  assert.ok(settled.every((busy) => busy < 0.5), `busy: ${readings.map((b) => b.toFixed(2))}`);
  const parked = t.system.inspect().workers.find((w) => w.threadId === worker)!;
  assert.ok(parked.parkedMs >= 2000, `parked ${parked.parkedMs} ms, counting the ongoing park`);
});

Deno.test("inspect: an actor restarted after its Worker died counts that failure", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart", maxRestarts: 10 } });
  const grinder = t.system.spawn(Grinder);
  assert.equal(await t.bridge.call(grinder, "count", { timeout: 10_000 }), 0);
  grinder.send("crash");
  await t.until(() => t.failures.length === 1, "the Worker's death reported");
  // Back, in a new Worker: its failure and its restart are counted as a handler's would be.
  assert.equal(await t.bridge.call(grinder, "count", { timeout: 10_000 }), 0);
  const now = actorOf(t.system.inspect(), grinder);
  assert.equal(now.failures, 1);
  assert.equal(now.lastFailure?.errorName, "WorkerDiedError");
  assert.equal(now.lastFailure?.messageClass, "(its Worker died)");
});
