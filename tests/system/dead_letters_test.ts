/**
 * Dead letters, one test per reason: each says its kind, target, sender and reason, is counted,
 * and never blocks its sender. And deadlines: a message past its deadline is never handled.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge, type DeadLetter, Stop } from "../../mod.ts";
import { CallTimeoutError } from "../../errors.ts";
import { Broken } from "../_actors/behaviours.ts";
import { Flaky, Slow, Stubborn } from "../_actors/supervision.ts";
import { LastLitterer, Litter, Litterer } from "../_actors/endings.ts";
import { type TestSystem, testSystem, within } from "../_system.ts";
import { placedTests } from "../_placement.ts";

const LONG = { timeout: 20_000 };

async function letterOf(
  t: TestSystem,
  kind: DeadLetter["kind"],
  message: unknown,
): Promise<DeadLetter> {
  const find = () => t.deadLetters.find((d) => d.kind === kind && d.message === message);
  await t.until(() => find() !== undefined, `a "${kind}" dead letter for ${String(message)}`);
  return find()!;
}

placedTests("dead letters", [
  ["to an actor that has stopped", async (t) => {
    const flaky = await t.spawn(Flaky);
    await t.bridge.stop([flaky], 20_000);
    const before = t.system.deadLetters;
    flaky.send("too late");
    const letter = await letterOf(t, "stopped", "too late");
    assert.ok(letter.target?.equals(flaky));
    assert.equal(letter.sender, null);
    assert.equal(letter.messageClass, 'string "too late"');
    assert.match(letter.reason, /has stopped|not running/);
    assert.ok(t.system.deadLetters > before, "counted");
  }, "system.deadLetters counts this node's dead letters only"],
  ["through a stale ref, whose slot a newer actor took", async (t) => {
    const pool = t.system.createPool({ workers: 1 });
    const old = pool.spawn(Flaky);
    await t.bridge.stop([old], 20_000);
    await t.bridge.whenTerminated(old); // its slot is free: the next spawn takes it (LIFO)
    const newer = pool.spawn(Flaky);
    assert.equal(newer.slot, old.slot);
    old.send("for the old one");
    const letter = await letterOf(t, "stale", "for the old one");
    assert.match(letter.reason, /has ended \(its slot was reused\)/);
    assert.equal(await t.bridge.call(newer, "count", LONG), 0, "the newer actor saw nothing");
  }, "slot reuse is a pool of this process"],
  ["past their deadline, never handled", async (t) => {
    const slow = await t.spawnWith(Slow, { name: "slow" }, 200);
    slow.send("first"); // keeps it busy for 200 ms
    slow.send("late", { deadline: Date.now() + 20 });
    const letter = await letterOf(t, "deadline", "late");
    assert.match(letter.reason, /its deadline passed \d+ ms before slow could handle it/);
    assert.deepEqual(await t.bridge.call(slow, "log", LONG), ["first"]);
    assert.throws(() => slow.send("bad", { deadline: Number.NaN }), RangeError);
  }],
  ["a Bridge call's timeout is its request's deadline", async (t) => {
    const slow = await t.spawn(Slow, 200);
    slow.send("first");
    await assert.rejects(t.bridge.call(slow, "asked", { timeout: 30 }), CallTimeoutError);
    await letterOf(t, "deadline", "asked");
    assert.deepEqual(await t.bridge.call(slow, "log", LONG), ["first"], "never handled");
  }],
  ["a reply to a call that had already settled", async (t) => {
    const slow = await t.spawn(Slow, 300);
    assert.deepEqual(await t.bridge.call(slow, "log", LONG), [], "up and idle");
    // Handled at once (the deadline is still ahead), answered after the call gave up.
    await assert.rejects(t.bridge.call(slow, "answer late", { timeout: 150 }), CallTimeoutError);
    // The Bridge reads its mailbox while calls are pending: the next call finds the late reply.
    assert.deepEqual(await t.bridge.call(slow, "log", LONG), ["answer late"]);
    const letter = await letterOf(t, "unanswered", "answer late");
    assert.match(letter.reason, /answers a call that had already settled/);
    assert.ok(letter.sender?.equals(slow));
  }],
  ["to an actor whose mailbox stayed full for the send timeout", async (t) => {
    const stuck = await t.spawnWith(Stubborn, { mailboxCapacity: 1024, sendTimeout: 50 });
    assert.equal(await t.bridge.call(stuck, "ready?", LONG), "ready?");
    stuck.send(1000); // busy for a second
    for (let i = 0; i < 40; i++) stuck.send(`message ${i} ${"x".repeat(100)}`); // > 1 KiB
    const letter = await t.until(
      () => t.deadLetters.some((d) => d.kind === "mailbox-full"),
      "a mailbox-full dead letter",
    ).then(() => t.deadLetters.find((d) => d.kind === "mailbox-full")!);
    assert.match(letter.reason, /the mailbox of Stubborn stayed full for the whole send timeout/);
  }],
  ["to an actor that failed to start", async (t) => {
    const broken = await t.spawn(Broken);
    broken.send("hello?" as never);
    await assert.rejects(t.system.started(broken), /the constructor refuses/);
    const letter = await t.until(
      () => t.deadLetters.some((d) => d.message === "hello?"),
      "dead letter",
    ).then(() => t.deadLetters.find((d) => d.message === "hello?")!);
    assert.ok(["start-failed", "stopped"].includes(letter.kind), letter.kind);
  }],
  ["messages left to an actor whose Worker died", async (t) => {
    const stuck = await t.spawn(Stubborn);
    stuck.send("block");
    stuck.send("queued behind the block");
    assert.ok(
      (await import("../../src/system/internal.ts")).terminateWorkerOf(t.system, stuck),
    );
    const letter = await letterOf(t, "worker-died", "queued behind the block");
    assert.match(letter.reason, /Stubborn ended: its Worker died: it was terminated/);
  }, "terminateWorkerOf reaches this process's Workers only"],
]);

Deno.test("dead letters: messages from outside the actors during a shutdown", async () => {
  const t = testSystem();
  const flaky = t.system.spawn(Flaky);
  await t.bridge.call(flaky, "count", LONG);
  const closing = t.system.shutdown({ timeout: 20_000 });
  flaky.send("after the shutdown began");
  const letter = await letterOf(t, "shutdown", "after the shutdown began");
  assert.match(letter.reason, /shutting down/);
  await closing;
  await t[Symbol.asyncDispose]();
  flaky.send(new Stop() as never); // still never throws
});

Deno.test("dead letters: with no listener, the first ten go to console.warn, then a word on where the rest are", async () => {
  const warned: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...data: unknown[]) => warned.push(data.map(String).join(" "));
  try {
    const system = new ActorSystem();
    const bridge = new Bridge(system);
    const echo = system.spawn(Flaky);
    await bridge.stop([echo], 20_000);
    for (let i = 0; i < 25; i++) echo.send(`late ${i}`);
    bridge.close();
    await system.shutdown();
    assert.equal(system.deadLetters, 25, "every one counted");
  } finally {
    console.warn = consoleWarn;
  }
  assert.equal(warned.length, 10);
  assert.match(
    warned[0],
    /^ringmail: dead letter "stopped": string "late 0" to ActorRef\(Flaky#\d+\.1\) was not handled: Flaky/,
  );
  assert.match(warned[9], /no more are told here: listen with system.onDeadLetter/);
});

Deno.test("dead letters: what a listener sends is a user's message: lost, it is a dead letter", async () => {
  await using t = testSystem();
  const stopping = t.system.spawn(Flaky);
  await t.system.started(stopping);
  // An onFailure listener runs on the system's thread, told by the guardian: not as its sender.
  t.system.onFailure(() => {
    stopping.send(new Stop());
    stopping.send("left behind");
  });
  t.system.spawn(Flaky).send("fail");
  await t.bridge.whenTerminated(stopping);
  await t.until(() => t.deadLetters.some((d) => d.message === "left behind"), "its dead letter");
  assert.equal(t.system.deadLetters, 1);
});

Deno.test("dead letters: a flood of them in a Worker is told to onDeadLetter in full (reports that had to wait count several)", async () => {
  await using t = testSystem();
  const litterer = t.system.spawn(Litterer);
  const gone = t.system.spawn(Flaky);
  await t.system.started(litterer);
  await t.bridge.stop([gone], 20_000); // its slot is not reused: "stopped", not "stale"
  const before = t.system.deadLetters;
  // Large messages, each carried whole by its report: the guardian's mailbox fills at once.
  const COUNT = 3_000;
  assert.equal(await t.bridge.call(litterer, new Litter(gone, COUNT, 20_000), LONG), COUNT);
  assert.equal(t.system.deadLetters - before, COUNT, "every one counted");
  const told = () => t.deadLetters.reduce((sum, d) => sum + d.count, 0);
  await t.until(() => told() >= COUNT, `reports for all ${COUNT} dead letters`, 10_000);
  assert.equal(told(), COUNT);
  const odd = t.deadLetters.filter((d) => !(d.kind === "stopped" && d.target?.equals(gone)));
  assert.deepEqual(odd.map((d) => `${d.kind} ${d.target} ${d.count}`), []);
});

Deno.test("dead letters: the reports of a flood that had to wait are told before the end of the actor that made them", async () => {
  await using t = testSystem();
  const litterer = t.system.spawn(LastLitterer);
  const gone = t.system.spawn(Flaky);
  await t.system.started(litterer);
  await t.bridge.stop([gone], 20_000);
  const before = t.system.deadLetters;
  const COUNT = 3_000;
  const end = t.bridge.whenTerminated(litterer);
  litterer.send(new Litter(gone, COUNT, 20_000));
  // Its end is reported after what it held back (the guardian reads its mailbox in order); and
  // its Worker, which had no other actor, ends with it.
  assert.equal((await within(20_000, "the litterer's end", end)).kind, "stopped");
  assert.equal(t.system.deadLetters - before, COUNT, "every one counted");
  const told = t.deadLetters.reduce((sum, d) => sum + d.count, 0);
  assert.equal(told, COUNT, "every one told by the time its end is known");
});
