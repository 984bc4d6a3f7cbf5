/**
 * The system's lifecycle under a shutdown, a kill and a full system: each test states what the
 * API promises (found by a review; each failed before its fix, but the held backlog's, which
 * held).
 */
import assert from "node:assert/strict";
import { type ActorPool, type ActorRef, Bridge, type DeadLetter } from "../../mod.ts";
import { Busy, Sink, Spawning, Witness } from "../_actors/lifecycle_review.ts";
import { Echo } from "../_actors/basic.ts";
import { hiddenClass } from "../_actors/behaviours.ts";
import DefaultExported, { Renamed } from "../_actors/exported_oddly.ts";
import ReexportingGreeter from "../_actors/reexporting.ts";
import SettingsGreeter from "../_actors/settings_export.ts";
import AliasedGreeter from "../_actors/aliased.ts";
import DefaultTwin from "../_actors/twins.ts";
import { FarParent, Keeper, SpawnFar } from "../_actors/far_child.ts";
import type { LedgerReport } from "../_actors/ledger.ts";
import { internalsOf, terminateWorkerOf } from "../../src/system/internal.ts";
import { eventually, type TestSystem, testSystem, within } from "../_system.ts";
import { ActorDeadError, ArenaFullError, SpawnError } from "../../errors.ts";

const LONG = { timeout: 20_000 };

/** How many messages the dead letters reported for `target` stand for. */
function lettersFor(t: TestSystem, target: ActorRef<unknown>): number {
  return t.deadLetters
    .filter((d: DeadLetter) => d.target?.equals(target))
    .reduce((sum, d) => sum + d.count, 0);
}

Deno.test("lifecycle review: an actor killed while the shutdown waits for it is not reported as stopped by itself", async () => {
  await using t = testSystem();
  const busy = t.system.spawn(Busy);
  assert.equal(await t.bridge.call(busy, "ready?", LONG), "ready?");
  // Busy from now on: its Stop waits behind this.
  assert.equal(await t.bridge.call(busy, 1_000, LONG), 1_000);
  for (let i = 0; i < 5; i++) busy.send(`queued ${i}`);
  const ending = t.system.shutdown({ timeout: 20_000 });
  assert.ok(t.system.kill(busy, "killed while the shutdown drained"));
  const report = await within(20_000, "the shutdown", ending);
  await t.until(() => lettersFor(t, busy) >= 5, "the killed actor's dead letters");
  assert.equal(lettersFor(t, busy), 5, "its five queued messages were never handled");
  assert.deepEqual(
    { stopped: report.stopped, ended: report.ended, cutOff: report.cutOff.length },
    { stopped: 0, ended: 1, cutOff: 0 },
    "ShutdownReport.stopped is 'actors that stopped by themselves: they handled everything in " +
      "their mailboxes first'; this one was killed and its mailbox became dead letters",
  );
});

Deno.test("lifecycle review: an actor cut off by the shutdown while its restart waits has its mailbox counted in undelivered", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const echo = t.system.spawnWith(Echo, { name: "echo" });
  assert.equal(await t.bridge.call(echo, "hi", LONG), "hi");
  assert.ok(t.system.kill(echo, "to be restarted"));
  // They wait in its mailbox for the new instance.
  for (let i = 0; i < 5; i++) echo.send(`waiting ${i}`);
  const report = await within(20_000, "the shutdown", t.system.shutdown({ timeout: 0 }));
  // The recovery of its Worker finished before the report (the shutdown waits for it). The first
  // message may still have been taken by the killed thread (see the kill() finding below).
  const lost = lettersFor(t, echo);
  assert.ok(lost >= 4, `its messages are dead letters: ${lost}`);
  assert.deepEqual(report.cutOff.map((c) => c.name), ["echo"], "the shutdown says it cut echo off");
  assert.deepEqual(
    [...new Set(t.deadLetters.filter((d) => d.target?.equals(echo)).map((d) => d.kind))],
    ["shutdown"],
    "what waited for its restart was lost to the shutdown",
  );
  assert.equal(
    report.undelivered,
    lost,
    `ShutdownReport.undelivered counts 'those left in the mailboxes of the actors cut off'; ` +
      `dead letters: ${JSON.stringify(t.deadLetters.map((d) => [d.kind, d.message]))}`,
  );
});

Deno.test("lifecycle review: a sender's Worker that dies holding messages for a child started on another Worker: every message handled or counted", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 2 });
  const parent = pool.spawn(FarParent);
  const keeper = t.system.spawn(Keeper);
  await Promise.all([parent, keeper].map((ref) => t.system.started(ref)));
  const SENT = 200;
  // The child (on the other Worker) holds 2 s, its 1 KiB ring full: the rest waits in the
  // parent's Worker. It reports what it got to the keeper as it stops.
  const child = await t.bridge.call(
    parent,
    new SpawnFar(2_000, 1024, 0, keeper, SENT),
    LONG,
  ) as ActorRef<unknown>;
  await t.system.started(child);
  assert.ok(terminateWorkerOf(t.system, parent)); // the child is stopped with its parent
  const end = await within(20_000, "the child's end", t.bridge.whenTerminated(child));
  assert.equal(end.kind, "stopped");
  const { received, disorder } = await t.bridge.call(keeper, "?", LONG) as LedgerReport;
  await t.until(() => received + lettersFor(t, child) >= SENT, "the dead letters", 10_000)
    .catch(() => {});
  assert.deepEqual(disorder, []);
  assert.equal(
    received + lettersFor(t, child),
    SENT,
    `handled ${received}, dead letters ${lettersFor(t, child)}`,
  );
});

/**
 * In `t`'s system of 5 slots, a pool of one Worker with two actors (guardian + Bridge + the
 * pool Worker's agent + two actors: full), that Worker killed: both actors end (the system's
 * default supervision ends an actor whose Worker died), and their slots come back with the
 * recovery. Resolves with the pool once both have ended.
 */
async function killedInFullPool(t: TestSystem): Promise<ActorPool> {
  const pool = t.system.createPool({ workers: 1 });
  const a = pool.spawnWith(Echo, { name: "a" });
  const b = pool.spawnWith(Echo, { name: "b" });
  assert.equal(await t.bridge.call(a, "a", LONG), "a");
  assert.equal(await t.bridge.call(b, "b", LONG), "b");
  assert.ok(t.system.kill(a, "a test kill"));
  await within(20_000, "b's end", t.bridge.whenTerminated(b));
  return pool;
}

Deno.test("lifecycle review: a pool in a full system keeps its Worker when one is killed: it is replaced once the slots come back", async () => {
  await using t = testSystem({ maxActors: 5 });
  // Until the recovery gives the slots back, a spawn finds the system full.
  const pool = await killedInFullPool(t);
  let c: ActorRef<unknown> | null = null;
  await eventually(
    () => {
      try {
        c = pool.spawnWith(Echo, { name: "c" });
        return true;
      } catch (error) {
        if (error instanceof ArenaFullError) return false;
        throw error;
      }
    },
    "a spawn into the pool once the slots came back",
    10_000,
  );
  assert.equal(await t.bridge.call(c!, "c", LONG), "c");
  assert.equal(pool.size, 1, "the pool keeps its one Worker");
});

Deno.test("lifecycle review: an idle spare Worker does not keep a slot from a spawn into a full system", async () => {
  // guardian + Bridge + the pool Worker's agent + one actor of its own and its agent: full.
  await using t = testSystem({ maxActors: 5 });
  const pool = t.system.createPool({ workers: 1 });
  const own = t.system.spawn(Echo);
  assert.equal(await t.bridge.call(own, "own", LONG), "own");
  await t.bridge.stop([own], 20_000);
  // Its Worker hosts nothing: the system runs the pool's Worker only.
  await eventually(() => t.system.workerCount === 1, "the actor's Worker is done");
  // Two actors, where two were (an actor and its Worker's agent) a moment ago.
  const first = pool.spawnWith(Echo, { name: "first" });
  let second: ActorRef<unknown> | null = null;
  let refused: unknown = null;
  try {
    second = pool.spawnWith(Echo, { name: "second" });
  } catch (error) {
    refused = error;
  }
  assert.equal(
    refused,
    null,
    `the second pooled actor was refused with ${t.system.inspect().actors.length} actor(s) ` +
      `and ${t.system.workerCount} Worker running: ${refused}`,
  );
  assert.equal(await t.bridge.call(first, "first", LONG), "first");
  assert.equal(await t.bridge.call(second!, "second", LONG), "second");
});

Deno.test("lifecycle review: after kill() returned, the killed instance handles none of the messages sent to its actor", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const sink = t.system.spawn(Sink);
  const ROUNDS = 60;
  const PER_ROUND = 2;
  const killed: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const witness = t.system.spawn(Witness, sink);
    killed.push(await t.bridge.call(witness, "id", LONG) as string);
    assert.ok(t.system.kill(witness, `round ${round}`));
    // For the next instance: the killed one is gone.
    for (let i = 0; i < PER_ROUND; i++) witness.send(`after ${round}.${i}`);
  }
  let seen: string[] = [];
  await eventually(async () => {
    seen = await t.bridge.call(sink, "?", LONG) as string[];
    return seen.length + t.system.deadLetters >= ROUNDS * PER_ROUND;
  }, "every message handled or a dead letter");
  const byKilled = seen.filter((line) => killed.includes(line.split(" ")[0]));
  assert.deepEqual(byKilled, [], "handled by an instance after kill() had returned true for it");
});

Deno.test("lifecycle review: a pool whose place waits for room has size 0 once its system has shut down", async () => {
  const t = testSystem({ maxActors: 5 });
  try {
    // Its replacement found the system full: the place waits for the next spawn into the pool.
    const pool = await killedInFullPool(t);
    await eventually(() => t.system.workerCount === 0, "the killed Worker is gone", 10_000);
    assert.equal(pool.size, 1, "the place is kept (waits for room)");
    t.bridge.close();
    await within(20_000, "the shutdown", t.system.shutdown());
    assert.equal(
      pool.size,
      0,
      "ActorPool.size: 'none once the system has shut down' (f810137); the place that waited " +
        "for room is still counted",
    );
  } finally {
    t.bridge.close();
    await t.system.shutdown();
  }
});

Deno.test("lifecycle review: spawns into a pool whose place waits for room start no Worker, and use up none of the system's Worker ids", async () => {
  // guardian + Bridge + the pool's two agents + two actors: full.
  await using t = testSystem({ maxActors: 6 });
  const arena = internalsOf(t.system).bridgeHost.arena;
  const directory = internalsOf(t.system).bridgeHost.directory;
  const pool = t.system.createPool({ workers: 2 });
  const a = pool.spawnWith(Echo, { name: "a" });
  const b = pool.spawnWith(Echo, { name: "b" });
  assert.equal(await t.bridge.call(a, "a", LONG), "a");
  assert.equal(await t.bridge.call(b, "b", LONG), "b");
  assert.ok(t.system.kill(a, "a test kill"));
  await within(20_000, "a's end", t.bridge.whenTerminated(a));
  // The killed Worker's agent and a's slot came back; a second Bridge takes one of them: one
  // slot is free, for one actor in the pool's live Worker.
  // The system's kept slots (its spare Workers') are none of maxActors.
  const taken = () => directory.live - directory.kept;
  await eventually(() => taken() === 4, "a's and its Worker's slots are back", 10_000);
  using other = new Bridge(t.system);
  assert.equal(taken(), 5);
  assert.equal(t.system.workerCount, 1, "the place waits for room");
  const idsBefore = arena.header[4];
  const ROUNDS = 20;
  for (let i = 0; i < ROUNDS; i++) {
    const c = pool.spawnWith(Echo, { name: `c${i}` });
    assert.equal(await other.call(c, i, LONG), i);
    await other.stop([c], 20_000);
    await eventually(() => taken() === 5, "c's slot is back", 10_000);
  }
  const burnt = arena.header[4] - idsBefore;
  assert.equal(t.system.workerCount, 1, "no Worker was started");
  assert.equal(
    burnt,
    0,
    `${ROUNDS} spawns onto the pool's live Worker used up ${burnt} of the 65,535 Worker ids a ` +
      `system has over its life (README: 'past that, a spawn that needs a new Worker throws ` +
      `ArenaFullError')`,
  );
});

Deno.test("lifecycle review: the idle spare Worker does not keep a slot from a child spawned by an actor in a full system", async () => {
  await using t = testSystem({ maxActors: 10 });
  const directory = internalsOf(t.system).bridgeHost.directory;
  const pool = t.system.createPool({ workers: 1 });
  const own = t.system.spawn(Echo);
  assert.equal(await t.bridge.call(own, "own", LONG), "own");
  await t.bridge.stop([own], 20_000);
  // Its Worker hosts nothing: it is a spare, in a slot the system keeps (none of maxActors).
  await eventually(() => t.system.workerCount === 1, "the actor's Worker is idle");
  const taken = () => directory.live - directory.kept;
  await eventually(() => taken() === 3, "own's slot is back");
  // guardian, Bridge, the pool's agent.
  const parent = pool.spawn(Spawning);
  const answers: string[] = [];
  for (let i = 0; i < 7; i++) answers.push(await t.bridge.call(parent, "spawn", LONG) as string);
  // The sixth takes the last of the 10 slots: the spare's is not one of them, and a Worker's
  // claim could not wait for a spare to give its slot back.
  assert.deepEqual(
    answers.slice(0, 6),
    ["ok", "ok", "ok", "ok", "ok", "ok"],
    `children spawned with ${taken()} slots taken of 10`,
  );
  assert.match(answers[6], /ArenaFullError/, "the system is full: maxActors, no more");
});

Deno.test("lifecycle review: an actor class exported as a default, or under another name, is found by its Worker", async () => {
  await using t = testSystem();
  const byDefault = t.system.spawn(DefaultExported);
  const renamed = t.system.spawn(Renamed);
  assert.equal(await t.bridge.call(byDefault, 1, LONG), 2);
  assert.equal(await t.bridge.call(renamed, 1, LONG), 3);
});

Deno.test("lifecycle review: a default-exported actor class is started, not another module's class of the same name its module re-exports", async () => {
  await using t = testSystem();
  const ref = t.system.spawn(ReexportingGreeter);
  assert.equal(await t.bridge.call(ref, "hello", LONG), "v2");
});

Deno.test("lifecycle review: a default-exported actor class is found when its module exports a plain value under the class's name", async () => {
  await using t = testSystem();
  const ref = t.system.spawn(SettingsGreeter);
  assert.equal(await t.bridge.call(ref, "hello", LONG), "mine");
});

Deno.test("lifecycle review: an actor class exported both as the default and under an alias is found by its Worker", async () => {
  await using t = testSystem();
  const ref = t.system.spawn(AliasedGreeter);
  assert.equal(await t.bridge.call(ref, "hello", LONG), "aliased");
});

Deno.test("lifecycle review: a module exporting two actor classes of one name fails the start, saying so, rather than start the wrong one", async () => {
  await using t = testSystem();
  const ref = t.system.spawn(DefaultTwin);
  const error = await t.system.started(ref).then(() => null, (e) => e);
  assert.ok(error instanceof SpawnError, String(error));
  assert.match(error.message, /exports 2 different actor classes named Twin/);
});

Deno.test("lifecycle review: a call made after an actor's start failed says why it failed, not only that it is not running", async () => {
  await using t = testSystem();
  const ref = t.system.spawn(hiddenClass());
  await t.system.started(ref).then(() => assert.fail("it started"), () => {});
  const error = await t.bridge.call(ref, "hello" as never, LONG).then(() => null, (e) => e);
  assert.ok(error instanceof ActorDeadError, String(error));
  assert.match(error.message, /is not running: .*failed to start: .*does not export Hidden/);
});

Deno.test("lifecycle review: a dead letter to a killed actor repeats its end reason cut short, not whole", async () => {
  await using t = testSystem();
  const echo = t.system.spawnWith(Echo, { name: "echo" });
  assert.equal(await t.bridge.call(echo, "hi", LONG), "hi");
  assert.ok(t.system.kill(echo, "y".repeat(100_000)));
  await within(20_000, "its end", t.bridge.whenTerminated(echo));
  for (let i = 0; i < 3; i++) echo.send(`late ${i}`);
  await t.until(() => t.deadLetters.filter((d) => d.target?.equals(echo)).length >= 3, "letters");
  const longest = Math.max(...t.deadLetters.map((d) => d.reason.length));
  assert.ok(longest < 10_000, `a dead letter's reason is ${longest} characters long`);
});
