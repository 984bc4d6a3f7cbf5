/**
 * Graceful shutdown: actors finish what is in their mailboxes and stop, children before their
 * parents; what is still running at the timeout is cut off, and the report says which.
 */
import assert from "node:assert/strict";
import { type ActorRef, ActorSystem, Bridge } from "../../mod.ts";
import { ActorDeadError, HandlerFailedError, SystemClosedError } from "../../errors.ts";
import { Numbered, Report } from "../_actors/behaviours.ts";
import { Ledger, type LedgerReport } from "../_actors/ledger.ts";
import { Family, Flaky, Slow, Stubborn } from "../_actors/supervision.ts";
import { StuckParent } from "../_actors/lifecycle.ts";
import { Delegator } from "../_actors/endings.ts";
import { testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

/** A call's reply, or the error it settled with: compared by the test, never left unhandled. */
function settled(call: Promise<unknown>): Promise<LedgerReport | Error | unknown> {
  return call.then((reply) => reply, (error) => error);
}

Deno.test("shutdown: actors drain their mailboxes, then stop", async () => {
  await using t = testSystem();
  const slow = t.system.spawn(Slow, 2);
  const atStop = t.bridge.call(slow, "tell me at stop", LONG);
  for (let i = 0; i < 50; i++) slow.send(i);
  const report = await t.system.shutdown({ timeout: 20_000 });
  assert.deepEqual(report, { stopped: 1, ended: 0, cutOff: [], undelivered: 0 });
  assert.deepEqual(await atStop, Array.from({ length: 50 }, (_, i) => i), "all 50 handled");
  assert.equal(t.deadLetters.length, 0);
  assert.equal(t.system.workerCount, 0);
});

Deno.test("shutdown: children stop before their parents", async () => {
  await using t = testSystem();
  const family = t.system.spawn(Family);
  const leaf: ActorRef<never> = await t.bridge.call(family, "child?", LONG);
  await t.system.started(leaf); // known to the system: the shutdown will order the two
  const atStop = t.bridge.call(family, "tell me at stop", LONG);
  const report = await t.system.shutdown({ timeout: 20_000 });
  assert.equal(report.stopped, 2);
  assert.deepEqual(await atStop, ["child stopped", "parent stopping"]);
});

Deno.test("shutdown: what is still running at the timeout is cut off, its messages undelivered", async () => {
  await using t = testSystem();
  const stubborn = t.system.spawnWith(Stubborn, { name: "stubborn" });
  const flaky = t.system.spawn(Flaky);
  assert.equal(await t.bridge.call(stubborn, "ready?", LONG), "ready?");
  stubborn.send("block"); // busy for two minutes
  for (let i = 0; i < 5; i++) stubborn.send(`queued ${i}`);
  const pending = t.bridge.call(stubborn, "never answered", { timeout: 600_000 })
    .then(() => null, (error) => error);
  const end = t.bridge.whenTerminated(stubborn);
  const report = await within(20_000, "the shutdown", t.system.shutdown({ timeout: 300 }));
  assert.equal(report.stopped, 1, "the idle actor stopped by itself");
  assert.deepEqual(report.cutOff.map((c) => c.name), ["stubborn"]);
  assert.ok(report.cutOff[0].actor.equals(stubborn));
  assert.equal(report.undelivered, 6, "five sends and a call");
  assert.ok((await pending) instanceof ActorDeadError);
  const shutdownLetters = t.deadLetters.filter((d) => d.kind === "shutdown");
  assert.equal(shutdownLetters.length, 6);
  assert.equal((await end).kind, "shutdown");
  assert.match((await end).reason, /stubborn ended: the actor system shut down while it ran/);
  const flakyEnd = await t.bridge.whenTerminated(flaky);
  assert.equal(flakyEnd.kind, "stopped");
  assert.equal(flakyEnd.reason, "Flaky was stopped by the actor system's shutdown");
});

Deno.test("shutdown: no spawns, Bridges or calls after it began; it answers once", async () => {
  const system = new ActorSystem();
  const bridge = new Bridge(system);
  const flaky = system.spawn(Flaky);
  assert.equal(await bridge.call(flaky, "count", LONG), 0);
  const first = system.shutdown({ timeout: 20_000 });
  assert.equal(system.shutdown(), first, "the same promise");
  assert.throws(() => system.spawn(Flaky), SystemClosedError);
  assert.throws(() => new Bridge(system), SystemClosedError);
  await assert.rejects(bridge.call(flaky, "count", LONG), SystemClosedError);
  assert.deepEqual(await first, { stopped: 1, ended: 0, cutOff: [], undelivered: 0 });
  bridge.close();
  assert.throws(() => system.shutdown({ timeout: -1 }), RangeError);
});

Deno.test("shutdown: what the main thread sent before it is handled first, also what waited for room", async () => {
  await using t = testSystem();
  const ledger = t.system.spawn(Ledger);
  const atStop = settled(t.bridge.call(ledger, "tell me at stop", { timeout: 60_000 }));
  const COUNT = 100_000;
  // Most of these wait in the main thread's backlog: the mailbox holds a few thousand.
  for (let seq = 0; seq < COUNT; seq++) ledger.send(new Numbered("main", seq));
  const calls = Array.from(
    { length: 100 },
    () => settled(t.bridge.call(ledger, new Report(), { timeout: 60_000 })),
  );
  const report = await t.system.shutdown({ timeout: 60_000 });
  assert.deepEqual(report, { stopped: 1, ended: 0, cutOff: [], undelivered: 0 });
  for (const reply of await Promise.all(calls)) {
    assert.deepEqual(reply, { received: COUNT, disorder: [] }, "each call came after the sends");
  }
  assert.deepEqual(await atStop, { received: COUNT, disorder: [] });
  assert.deepEqual(t.deadLetters.map((d) => d.kind), []);
});

Deno.test("shutdown: what waits for room does not expire while the shutdown waits", async () => {
  await using t = testSystem();
  const ledger = t.system.spawnWith(Ledger, { mailboxCapacity: 1024, sendTimeout: 50 });
  assert.equal(await t.bridge.call(ledger, 0, LONG), 0); // running
  const atStop = settled(t.bridge.call(ledger, "tell me at stop", LONG));
  ledger.send(500); // busy for half a second: far longer than the send timeout
  for (let seq = 0; seq < 200; seq++) ledger.send(new Numbered("main", seq)); // > 1 KiB
  const report = await t.system.shutdown({ timeout: 20_000 });
  assert.deepEqual(report, { stopped: 1, ended: 0, cutOff: [], undelivered: 0 });
  assert.deepEqual(await atStop, { received: 200, disorder: [] });
  assert.deepEqual(t.deadLetters.map((d) => d.kind), []);
});

Deno.test("shutdown: at the cut-off, what still waited for room is undelivered, and counted", async () => {
  await using t = testSystem();
  const ledger = t.system.spawnWith(Ledger, { name: "ledger", mailboxCapacity: 1024 });
  assert.equal(await t.bridge.call(ledger, 0, LONG), 0); // running
  ledger.send(120_000); // busy for two minutes: only the cut-off ends it
  const COUNT = 1_000; // most wait in the main thread's backlog
  for (let seq = 0; seq < COUNT; seq++) ledger.send(new Numbered("main", seq));
  const calls = Array.from(
    { length: 5 },
    () => settled(t.bridge.call(ledger, new Report(), { timeout: 600_000 })),
  );
  const report = await within(20_000, "the shutdown", t.system.shutdown({ timeout: 300 }));
  assert.deepEqual(report.cutOff.map((c) => c.name), ["ledger"]);
  assert.equal(report.undelivered, COUNT + 5, "every send and call left");
  for (const error of await Promise.all(calls)) assert.ok(error instanceof ActorDeadError);
  const letters = t.deadLetters.filter((d) => d.kind === "shutdown");
  assert.equal(letters.length, COUNT + 5);
  assert.deepEqual(t.deadLetters.filter((d) => d.kind !== "shutdown"), []);
});

Deno.test("shutdown: with no actor left to stop, a pool's Workers end and none is started anew", async () => {
  const system = new ActorSystem();
  const bridge = new Bridge(system);
  const pool = system.createPool({ workers: 2 });
  const actor = pool.spawn(Slow, 0);
  await system.started(actor);
  await bridge.stop([actor], LONG);
  await bridge.whenTerminated(actor);
  bridge.close();
  const report = await within(20_000, "the shutdown", system.shutdown({ timeout: 20_000 }));
  assert.deepEqual(report, { stopped: 0, ended: 0, cutOff: [], undelivered: 0 });
  assert.equal(system.workerCount, 0, "no Worker runs after the shutdown, none replaced");
});

Deno.test("shutdown: a cut-off actor with only the system's own notices left has nothing undelivered, and no dead letter is reported", async () => {
  const t = testSystem();
  const parent = t.system.spawnWith(StuckParent, { name: "parent" });
  const child = await t.bridge.call(parent, "spawn", LONG) as ActorRef<unknown>;
  await t.system.started(child); // known to the system: the shutdown stops it first
  assert.equal(await t.bridge.call(parent, "hang", LONG), "hang"); // its mailbox waits
  const before = t.system.deadLetters;
  const report = await within(20_000, "the shutdown", t.system.shutdown({ timeout: 500 }));
  t.bridge.close();
  assert.deepEqual(report.cutOff.map((c) => c.name), ["parent"]);
  assert.equal(report.stopped, 1, "the child stopped");
  // Left for the parent: the guardian's ChildGone (and Stop), read back from its ring.
  assert.deepEqual(
    {
      undelivered: report.undelivered,
      deadLetters: t.system.deadLetters - before,
      reported: t.deadLetters.map((d) => `${d.kind}: ${d.messageClass}`),
    },
    { undelivered: 0, deadLetters: 0, reported: [] },
  );
});

Deno.test("shutdown: a send while it runs says the system is shutting down; one after it, that it has shut down", async () => {
  const system = new ActorSystem();
  const reasons: string[] = [];
  system.onDeadLetter((letter) => reasons.push(letter.reason));
  const flaky = system.spawn(Flaky);
  await system.started(flaky);
  const done = system.shutdown({ timeout: 20_000 });
  flaky.send("count");
  await done;
  flaky.send("count");
  assert.deepEqual(reasons, [
    "the actor system is shutting down: it takes no new messages from outside its actors",
    "the actor system has shut down: it takes no messages; send to the actors of a new one",
  ]);
});

Deno.test("shutdown: a parent whose queued work asks its children finishes it when stopped first, as the README says", async (t) => {
  for (const stopFirst of [false, true]) {
    await t.step(
      stopFirst ? "stopped first: every call answered" : "not: its asks meet stopped children",
      async () => {
        const system = new ActorSystem();
        const bridge = new Bridge(system);
        const delegator = system.spawn(Delegator);
        assert.equal(await bridge.call(delegator, 0, LONG), 2);
        const calls = [10, 20, 30].map((n) => settled(bridge.call(delegator, n, LONG)));
        if (stopFirst) await bridge.stop([delegator], LONG);
        await system.shutdown({ timeout: 20_000 });
        const outcomes = await Promise.all(calls);
        bridge.close();
        if (stopFirst) assert.deepEqual(outcomes, [12, 22, 32]);
        else {
          assert.ok(
            outcomes.some((outcome) => outcome instanceof HandlerFailedError),
            `outcomes: ${outcomes}`,
          );
        }
      },
    );
  }
});
