/**
 * The Bridge where a review found it breaking a promise: refs of another system, a signal that
 * is no AbortSignal, a bad multiCall pair, a stop() cut short by close(). Each failed before its fix.
 */
import assert from "node:assert/strict";
import { Recorder } from "../_actors/behaviours.ts";
import { Echo } from "../_actors/basic.ts";
import { eventually, testSystem, within } from "../_system.ts";
import { Stubborn } from "../_actors/supervision.ts";
import { Bridge } from "../../mod.ts";

const LONG = { timeout: 20_000 };

Deno.test("bridge review: a Bridge's sendAfter with a ref of another system does not reach this system's actor of the same slot", async () => {
  await using a = testSystem();
  await using b = testSystem();
  const ours = a.system.spawn(Recorder);
  const theirs = b.system.spawn(Recorder);
  await Promise.all([a.system.started(ours), b.system.started(theirs)]);
  assert.deepEqual([theirs.slot, theirs.generation], [ours.slot, ours.generation]);
  // As call() does: a ref of another system is refused, not sent to whoever has its slot here.
  let thrown: unknown = null;
  try {
    a.bridge.sendAfter(0, theirs, "meant for b");
  } catch (error) {
    thrown = error;
  }
  // Whatever sendAfter did, A's recorder must not have got B's message.
  const marker = "marker";
  a.bridge.sendAfter(0, ours, marker);
  let seen: [unknown, unknown][] = [];
  await eventually(async () => {
    seen = await a.bridge.call(ours, "dump", LONG) as [unknown, unknown][];
    return seen.some(([m]) => m === marker);
  }, "the marker arrives");
  assert.deepEqual(
    seen.map(([m]) => m),
    [marker],
    `A's recorder got: ${JSON.stringify(seen.map(([m]) => m))}`,
  );
  assert.ok(
    thrown instanceof TypeError,
    `sendAfter with another system's ref should throw, got ${thrown}`,
  );
});

Deno.test("bridge review: whenTerminated with a ref of another system is refused, not answered 'not-running' while that actor runs", async () => {
  await using a = testSystem();
  await using b = testSystem();
  const ours = a.system.spawn(Echo);
  const theirs = b.system.spawn(Echo);
  await Promise.all([a.system.started(ours), b.system.started(theirs)]);
  const result = await within(
    20_000,
    "whenTerminated",
    a.bridge.whenTerminated(theirs).then((end) => end, (error) => error),
  );
  // B's actor is running all along.
  assert.equal(await b.bridge.call(theirs, "still running", LONG), "still running");
  assert.ok(
    result instanceof TypeError,
    `expected a TypeError for another system's ref, got ${result?.constructor?.name} ${
      Deno.inspect(result)
    }`,
  );
});

Deno.test("bridge review: a multiCall with a bad pair part way fails that call alone, and the iteration ends", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  await t.system.started(echo);
  const results = t.bridge.multiCall(
    [[echo, "first"], [undefined as never, "second"], [echo, "third"]],
    LONG,
  );
  const got: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await within(10_000, `next() #${i}`, results.next());
    if (r.done) {
      got.push("done");
      break;
    }
    const { index, reply, error } = r.value;
    got.push(error === undefined ? `${index}: ${reply}` : `${index}: ${error.name}`);
  }
  assert.deepEqual(got.sort(), ["0: first", "1: TypeError", "2: third", "done"]);
});

Deno.test("bridge review: a multiCall whose iterable throws rejects once, then is done", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  await t.system.started(echo);
  function* pairs(): Generator<readonly [typeof echo, string]> {
    yield [echo, "sent"];
    throw new RangeError("the list broke");
  }
  const results = t.bridge.multiCall(pairs(), LONG);
  const first = await results.next().then(() => "a result", (error) => error);
  assert.ok(first instanceof RangeError, `the iterable's error: ${first}`);
  const after = await within(10_000, "next() after the rejection", results.next());
  assert.equal(after.done, true);
});

/** What `promise` settles to within `ms`, or "still pending". */
async function settledWithin(ms: number, promise: Promise<unknown>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise((resolve) => timer = setTimeout(() => resolve("still pending"), ms));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("bridge review: a call given a signal that is no AbortSignal leaves nothing pending: close() then settles the other calls and throws nothing", async () => {
  await using t = testSystem();
  const silent = t.system.spawn(Recorder); // answers nothing but "dump"
  await t.system.started(silent);
  // A common slip: the controller, not its signal.
  const controller = new AbortController();
  const bad = await t.bridge.call(silent, "x", { timeout: 20_000, signal: controller as never })
    .then(() => null, (error) => error);
  assert.ok(bad instanceof TypeError, `the bad signal is refused: ${bad}`);
  const waiting = t.bridge.call(silent, "no answer", { timeout: Infinity }).then(
    () => "resolved",
    (error) => error,
  );
  const end = t.bridge.whenTerminated(silent).then(() => "ended", (error) => error);
  let closeThrew: unknown = null;
  try {
    t.bridge.close();
  } catch (error) {
    closeThrew = error;
  }
  const outcome = await settledWithin(5_000, waiting);
  const endOutcome = await settledWithin(5_000, end);
  assert.deepEqual(
    {
      closeThrew: String(closeThrew),
      call: outcome instanceof Error ? outcome.name : String(outcome),
      whenTerminated: endOutcome instanceof Error ? endOutcome.name : String(endOutcome),
    },
    { closeThrew: "null", call: "SystemClosedError", whenTerminated: "SystemClosedError" },
  );
});

Deno.test("bridge review: bridge.stop() in flight when its Bridge closes does not report Stopped for an actor still running", async () => {
  await using t = testSystem();
  const stuck = t.system.spawn(Stubborn);
  assert.equal(await t.bridge.call(stuck, "ready?", LONG), "ready?");
  using watcher = new Bridge(t.system);
  let ended = false;
  const end = watcher.whenTerminated(stuck).then(() => ended = true);
  stuck.send(1_500); // busy for 1.5 s: its Stop waits behind that
  const stopping = t.bridge.stop([stuck], LONG).then(
    (all) => all.map((each) => (each as object)?.constructor?.name),
    (error) => error?.name,
  );
  await new Promise((resolve) => setTimeout(resolve, 0)); // the Stop is sent
  t.bridge.close();
  const outcome = await within(10_000, "stop()", stopping);
  const endedThen = ended;
  await within(20_000, "the actor's end", end);
  // Stopped means the actor is gone (see ActorCell.finish): not so here.
  assert.ok(
    !(Array.isArray(outcome) && outcome[0] === "Stopped" && !endedThen),
    `stop() gave ${JSON.stringify(outcome)} while the actor still ran`,
  );
});

Deno.test("bridge review: a call with no target or options that are no object, and a stop with such options, reject with a TypeError that says so", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  const reasons = await Promise.all([
    t.bridge.call(undefined as never, 1, LONG),
    t.bridge.call(echo, 1, null as never),
    t.bridge.stop([echo], null as never),
  ].map((p) => p.then(() => "settled", (error) => `${error.name}: ${error.message}`)));
  assert.deepEqual(reasons, [
    "TypeError: the target must be an ActorRef, got undefined",
    "TypeError: call options must be an object ({ timeout, default, signal }), got null",
    "TypeError: stop options must be a timeout in ms or an object ({ timeout, default }), got null",
  ]);
  assert.equal(await t.bridge.call(echo, "still here", LONG), "still here");
});

Deno.test("bridge review: multiCall with options that are no object fails each call with a TypeError that says so", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  const errors: string[] = [];
  try {
    for await (
      const { error } of t.bridge.multiCall([[echo, 1]], null as unknown as { timeout: number })
    ) errors.push(String(error));
  } catch (error) {
    errors.push(`threw ${error}`);
  }
  assert.deepEqual(
    errors.map((e) => /options must be an object/.test(e) && !/Cannot read/.test(e)),
    [true],
    `as call() since d07e919 ('call options must be an object'); got ${JSON.stringify(errors)}`,
  );
});

Deno.test("bridge review: whenTerminated with options that are no object rejects with a TypeError that says so", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  let got: unknown = "no error";
  try {
    await within(
      10_000,
      "whenTerminated",
      t.bridge.whenTerminated(echo, null as unknown as { signal?: AbortSignal }),
    );
  } catch (error) {
    got = error;
  }
  assert.ok(
    got instanceof TypeError && !/Cannot read properties/.test(got.message),
    `as call() and stop() since d07e919; got ${got}`,
  );
});

Deno.test("bridge review: stop() of an actor already gone gives Stopped, also with a default (which stands only for one still running)", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  assert.equal(await t.bridge.call(echo, "hi", LONG), "hi");
  await t.bridge.stop([echo], 20_000);
  const names = (all: unknown[]) => all.map((each) => (each as object)?.constructor?.name ?? each);
  assert.deepEqual(names(await t.bridge.stop([echo], 5_000)), ["Stopped"]);
  assert.deepEqual(
    names(await t.bridge.stop([echo], { timeout: 5_000, default: "gone" })),
    ["Stopped"],
  );
});

Deno.test("bridge review: sendAfter and sendEvery after the system shut down throw SystemClosedError, as calls do", async () => {
  const t = testSystem();
  const echo = t.system.spawn(Echo);
  await t.system.started(echo);
  await t.system.shutdown();
  try {
    for (
      const set of [() => t.bridge.sendAfter(10, echo, 1), () => t.bridge.sendEvery(10, echo, 1)]
    ) {
      assert.throws(set, (error: Error) => error.name === "SystemClosedError");
    }
  } finally {
    t.bridge.close();
  }
});

Deno.test("bridge review: stop given one actor, not an iterable of them, rejects with a TypeError that says to pass an array, and stops nothing", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  const reasons = await Promise.all([
    t.bridge.stop(echo as never, LONG),
    t.bridge.stop(5 as never, LONG),
    t.bridge.stop(null as never, LONG),
  ].map((p) => p.then((all) => `settled: ${JSON.stringify(all)}`, (error) => String(error))));
  for (const reason of reasons) {
    assert.match(
      reason,
      /^TypeError: stop takes an iterable of actors \(an array: bridge\.stop\(\[a, b\]\)\), got /,
    );
  }
  assert.match(reasons[0], /got ActorRef\(Echo#/);
  assert.equal(await t.bridge.call(echo, "still here", LONG), "still here");
});

Deno.test("bridge review: multiCall given no iterable, or an element that is no [target, message] pair, rejects its iteration with a TypeError that says so", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  const outcome = async (calls: unknown) => {
    const replies: unknown[] = [];
    try {
      for await (const { reply, error } of t.bridge.multiCall(calls as never, LONG)) {
        replies.push(error === undefined ? reply : String(error));
      }
      return `done: ${JSON.stringify(replies)}`;
    } catch (error) {
      return String(error);
    }
  };
  assert.match(
    await outcome(5),
    /^TypeError: multiCall takes an iterable of \[target, message\] pairs \(an array of them\), got 5$/,
  );
  assert.match(
    await outcome(echo),
    /^TypeError: multiCall takes an iterable of \[target, message\] pairs \(an array of them\), got ActorRef\(Echo#/,
  );
  assert.match(
    await outcome([[echo, 1], echo]),
    /^TypeError: multiCall's calls must each be a \[target, message\] pair, got ActorRef\(Echo#[^)]*\) at index 1$/,
  );
  assert.equal(await t.bridge.call(echo, "still here", LONG), "still here");
});

Deno.test("bridge review: a Bridge made of something that is no actor system throws a TypeError that says so", () => {
  for (const [given, shown] of [[5, "5"], [undefined, "undefined"], [{}, "Object"]] as const) {
    assert.throws(
      () => new Bridge(given as never),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message === `a Bridge needs an ActorSystem, got ${shown}`,
    );
  }
});
