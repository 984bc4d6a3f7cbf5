import assert from "node:assert/strict";
import { Bridge } from "../../mod.ts";
import { CallTimeoutError, SystemClosedError } from "../../errors.ts";
import { Echo } from "../_actors/basic.ts";
import { Recorder, SlowReplier } from "../_actors/behaviours.ts";
import { eventually } from "../_system.ts";
import { placedTests } from "../_placement.ts";

const LONG_CALL = { timeout: 20_000 };

placedTests("bridge", [
  ["a reply meant for a closed Bridge never answers a new Bridge's call", async (t) => {
    const slow = await t.spawn(SlowReplier);
    const echo = await t.spawn(Echo);
    await Promise.all([t.system.started(slow), t.system.started(echo)]);
    const first = new Bridge(t.system);
    await assert.rejects(first.call(slow, "first", { timeout: 50 }), CallTimeoutError);
    first.close();
    // The next Bridge likely gets the first one's mailbox back, and its first call the same tag.
    using second = new Bridge(t.system);
    assert.equal(await second.call(echo, "echo", { timeout: 20_000 }), "echo");
    const again = await second.call(echo, "again", { timeout: 20_000 });
    assert.equal(again, "again");
  }],
  ["calls with an infinite timeout wait; timeouts must be positive", async (t) => {
    const echo = await t.spawn(Echo);
    assert.equal(await t.bridge.call(echo, 1, { timeout: Infinity }), 1);
    await assert.rejects(t.bridge.call(echo, 1, { timeout: 0 }), RangeError);
    await assert.rejects(t.bridge.call(echo, 1, { timeout: Number.NaN }), RangeError);
    // A string is no timeout, even one that reads as a number.
    await assert.rejects(
      t.bridge.call(echo, 1, { timeout: "5000" as never }),
      (error: unknown) =>
        error instanceof TypeError &&
        /timeout must be a number of ms, got string "5000"/.test(error.message),
    );
  }],
  ["multiCall yields every reply, and an error for calls that get none", async (t) => {
    const [a, b] = [await t.spawn(Echo), await t.spawn(Echo)];
    await t.bridge.stop([b], 20_000);
    const results = [];
    for await (
      const result of t.bridge.multiCall([[a, "to a"], [b, "to b"]], { timeout: 20_000 })
    ) {
      results.push(result);
    }
    assert.equal(results.length, 2);
    const fromA = results.find((r) => r.target.equals(a))!;
    const fromB = results.find((r) => r.target.equals(b))!;
    assert.equal(fromA.reply, "to a");
    assert.equal(fromB.error?.name, "ActorDeadError");
    const withDefault = [];
    for await (const r of t.bridge.multiCall([[b, "x"]], { timeout: 20_000, default: "none" })) {
      withDefault.push(r);
    }
    assert.deepEqual(withDefault.map((r) => r.reply), ["none"]);
  }],
  ["an aborted call rejects with the signal's reason", async (t) => {
    const slow = await t.spawn(SlowReplier);
    const controller = new AbortController();
    const pending = t.bridge.call(slow, "x", { timeout: 20_000, signal: controller.signal });
    controller.abort(new Error("not needed any more"));
    await assert.rejects(pending, /not needed any more/);
  }],
  [
    "multiCall results say which request they answer, also for many calls to one actor",
    async (t) => {
      const echo = await t.spawn(Echo);
      const requests = ["zero", "one", "two", "three"];
      const seen = new Map<number, unknown>();
      for await (
        const result of t.bridge.multiCall(requests.map((r) => [echo, r] as const), LONG_CALL)
      ) {
        assert.equal(result.target, echo);
        seen.set(result.index, result.reply);
      }
      assert.deepEqual([...seen.keys()].sort(), [0, 1, 2, 3]);
      for (const [index, reply] of seen) assert.equal(reply, requests[index]);
    },
  ],
  ["a closed Bridge refuses a timer, and the message is never sent", async (t) => {
    const recorder = await t.spawn(Recorder);
    const closed = new Bridge(t.system);
    closed.close();
    assert.throws(() => closed.sendAfter(0, recorder, "leaked"), SystemClosedError);
    assert.throws(() => closed.sendEvery(1, recorder, "leaked"), SystemClosedError);
    // Timers of one loop due at the same time fire in the order they were set: a leaked one first.
    t.bridge.sendAfter(0, recorder, "marker");
    let seen: [unknown, unknown][] = [];
    await eventually(async () => {
      seen = await t.bridge.call(recorder, "dump", LONG_CALL) as [unknown, unknown][];
      return seen.length > 0;
    }, "the marker recorded");
    assert.deepEqual(seen.map(([message]) => message), ["marker"]);
  }],
]);
