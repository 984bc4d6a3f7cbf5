/**
 * Review of what an actor does through `this.context` (timers, ask, pipeToSelf, receive, watch,
 * the receive timeout): each test shows one bug, and passes once it is fixed.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import {
  Hog,
  Hold,
  Lab,
  Leaver,
  Neighbour,
  type Outcome,
  Probe,
  Quiet,
  Try,
} from "../_actors/ctx_review.ts";
import { eventually, type TestSystem, testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

const dump = (t: TestSystem, probe: ActorRef<unknown>) =>
  t.bridge.call(probe, "dump", LONG) as Promise<unknown[]>;

Deno.test("ctx review: receive() from code a stopped actor left behind is refused, and takes no message of the actor that reuses its mailbox", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const probe = t.system.spawn(Probe);
  const leaver = pool.spawn(Leaver);
  const neighbour = pool.spawnWith(Neighbour, { near: leaver as ActorRef<never> });
  await t.system.started(neighbour);
  leaver.send("leave");
  await t.bridge.whenTerminated(leaver);
  // In the same Worker, the next actor gets the stopped one's mailbox back from the pool.
  const next = pool.spawn(Quiet, probe);
  await t.system.started(next);
  const outcome = t.bridge.call(neighbour, probe, LONG) as Promise<Outcome>;
  await eventually(async () => (await dump(t, probe)).includes("receiving"), "the leftover call");
  for (const m of ["a", "b", "c"]) next.send(m);
  const { ok, name, message } = await outcome;
  assert.equal(ok, false, "receive() on a stopped actor's context took a message");
  assert.equal(name, "TypeError");
  assert.match(message!, /Leaver has stopped/);
  // Every message sent to the live actor reaches it; none is taken from it as a dead letter.
  assert.equal(await t.bridge.call(next, "ping", LONG), "ping");
  const got = await dump(t, probe);
  assert.deepEqual(got.filter((m) => ["a", "b", "c"].includes(m as string)), ["a", "b", "c"]);
  assert.deepEqual(t.deadLetters.map((d) => d.message), []);
});

for (const how of ["turned off", "restarted"] as const) {
  Deno.test(`ctx review: a ReceiveTimeout already on its way when the receive timeout is ${how} is not handled`, async () => {
    await using t = testSystem({ supervision: { onFailure: "restart" } });
    const pool = t.system.createPool({ workers: 1 });
    const probe = t.system.spawn(Probe);
    const quiet = pool.spawn(Quiet, probe, 20);
    const hog = pool.spawnWith(Hog, { near: quiet as ActorRef<never> }, probe);
    assert.equal(await t.bridge.call(quiet, "arm", LONG), "arm");
    // The Hog holds the Worker, for far longer than 20 ms, then sends its neighbour a message;
    // its next messages in the same turn have the loop read its clock: the timeout fires, behind
    // that message.
    const word = how === "turned off" ? "off" : "fail";
    const held = [new Hold(200, quiet, word), new Hold(0), new Hold(0)].map((hold) =>
      t.bridge.call(hog, hold, LONG)
    );
    assert.deepEqual(await Promise.all(held), ["done", "done", "done"]);
    assert.equal(await t.bridge.call(quiet, "ping", LONG), "ping");
    const got = (await dump(t, probe)).filter((m) => m !== "blocking");
    const after = got.slice(got.indexOf(word));
    // Stale (a message came first), and asked for by no watch now on: the instance that set it
    // turned it off, or is gone.
    assert.deepEqual(after, how === "turned off" ? ["off", "ping"] : ["fail", "started", "ping"]);
    assert.deepEqual(t.deadLetters.map((d) => d.message), []);
  });
}

Deno.test("ctx review: asking a reply address is refused: the request never becomes the caller's reply", async () => {
  await using t = testSystem();
  const lab = t.system.spawn(Lab);
  // The sender of a Bridge call is its reply address: a request sent there would settle the call.
  const outcome = await t.bridge.call(lab, new Try("ask", "sender", "a question", {}), LONG);
  assert.notEqual(outcome as unknown, "a question", "the ask's request answered the Bridge call");
  assert.equal(outcome.ok, false);
  assert.equal(outcome.name, "TypeError");
  assert.match(outcome.message!, /reply address/);
});

Deno.test("ctx review: this.context refuses arguments of the wrong type at the call, with a TypeError that names them", async () => {
  await using t = testSystem();
  const lab = t.system.spawn(Lab);
  const cases: [Try, RegExp][] = [
    // Accepted before: the timer was set, and its message became a "node-down" dead letter.
    [new Try("sendAfter", 10, "not a ref", "x"), /sendAfter needs an ActorRef, got "not a ref"/],
    [new Try("sendEvery", 10, null, "x"), /sendEvery needs an ActorRef, got null/],
    [new Try("ask", null, "x", {}), /ask needs an ActorRef, got null/],
    [new Try("ask", "self", "x", null), /ask options must be an object/],
    [new Try("watch", "not a ref"), /watch needs an ActorRef, got "not a ref"/],
    [new Try("unwatch", null), /unwatch needs an ActorRef, got null/],
    [new Try("pipeToSelf", null, "a function"), /pipeToSelf needs a promise .*got null/],
    // Accepted before: `map` failed when the promise settled, reported as the actor's failure.
    [new Try("pipeToSelf", "a promise", "not a function"), /pipeToSelf needs a function/],
    // Accepted before: "5" waited no time at all.
    [new Try("receive", "5"), /receive's timeout must be a number of ms, got string "5"/],
  ];
  for (const [attempt, message] of cases) {
    const outcome = await t.bridge.call(lab, attempt, LONG);
    const what = `${attempt.op}(${Deno.inspect([attempt.a, attempt.b])})`;
    assert.equal(outcome.name, "TypeError", `${what}: ${Deno.inspect(outcome)}`);
    assert.match(outcome.message!, message, what);
  }
  assert.equal(await t.bridge.call(lab, new Try("receive", 0), LONG).then((o) => o.ok), true);
  assert.deepEqual(t.failures.map((f) => String(f.error)), []);
  assert.deepEqual(t.deadLetters.map((d) => d.reason), []);
});
