import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { Recorder } from "../_actors/behaviours.ts";
import { Forgetful, Plan, Repeat, Scheduler, Sleepy } from "../_actors/timed.ts";
import { eventually, testSystem } from "../_system.ts";

type Seen = [unknown, ActorRef | null][];

async function seenBy(
  t: ReturnType<typeof testSystem>,
  recorder: ActorRef<unknown>,
  count: number,
): Promise<Seen> {
  let seen: Seen = [];
  await eventually(async () => {
    seen = await t.bridge.call(recorder, "dump", { timeout: 20_000 }) as Seen;
    return seen.length >= count;
  }, `${count} messages recorded`);
  return seen;
}

Deno.test("timers: fire in deadline order, and cancelled ones never fire", async () => {
  await using t = testSystem();
  const recorder = t.system.spawn(Recorder);
  const scheduler = t.system.spawn(Scheduler);
  const delays = [60, 10, 40, 0, 20, 50, 30];
  const [active, clock] = await t.bridge.call(scheduler, new Plan(recorder, delays, [2, 5]), {
    timeout: 20_000,
  }) as [boolean[], [number, number][]];
  assert.deepEqual(active, [true, true, false, true, true, false, true]);
  const seen = await seenBy(t, recorder, 5);
  const fired = seen.map(([m]) => Number(/^timer (\d+) /.exec(String(m))![1]));
  // The five not cancelled, each once.
  assert.deepEqual([...fired].sort(), [0, 1, 3, 4, 6]);
  // In deadline order: no timer fired after one whose deadline was surely later than its own
  // (each deadline is its delay past a moment between the clock reads around its sendAfter).
  // Set in one handler within 10 ms (their delays' least difference), that is the order of the
  // delays: 3, 1, 4, 6, 0.
  const earliest = (i: number) => clock[i][0] + delays[i];
  const latest = (i: number) => clock[i][1] + delays[i];
  for (let a = 0; a < fired.length; a++) {
    for (let b = a + 1; b < fired.length; b++) {
      assert.ok(
        !(latest(fired[b]) < earliest(fired[a])),
        `timer ${fired[a]} fired before timer ${fired[b]}, whose deadline was earlier: ` +
          `${seen.map(([m]) => m).join(", ")}`,
      );
    }
  }
  assert.ok(
    seen.every(([, sender]) => sender?.equals(scheduler)),
    "a timer's message comes from its actor",
  );
  // Nothing more arrives: the cancelled timers (40 and 50 ms) were due long ago by now.
  assert.equal((await t.bridge.call(recorder, "dump", { timeout: 20_000 }) as Seen).length, 5);
});

Deno.test("timers: a repeating timer ticks until cancelled", async () => {
  await using t = testSystem();
  const recorder = t.system.spawn(Recorder);
  const scheduler = t.system.spawn(Scheduler);
  await t.bridge.call(scheduler, new Repeat(recorder, 5, 4), { timeout: 20_000 });
  const seen = await seenBy(t, recorder, 4);
  assert.deepEqual(seen.map(([m]) => m), ["tick 1", "tick 2", "tick 3", "tick 4"]);
});

Deno.test("timers: a receive timeout fires while an actor is quiet, and can be turned off", async () => {
  await using t = testSystem();
  const recorder = t.system.spawn(Recorder);
  const sleepy = t.system.spawn(Sleepy);
  sleepy.send("watch", { sender: recorder as ActorRef<never> });
  const seen = await seenBy(t, recorder, 2);
  assert.deepEqual(seen.slice(0, 2).map(([m]) => m), ["timeout 1", "timeout 2"]);
  const count = await t.bridge.call(sleepy, "quiet", { timeout: 20_000 }) as number;
  assert.ok(count >= 2);
});

Deno.test("timers: an actor's timers stop with it", async () => {
  await using t = testSystem();
  const recorder = t.system.spawn(Recorder);
  const forgetful = t.system.spawn(Forgetful);
  forgetful.send("arm", { sender: recorder as ActorRef<never> });
  await eventually(() => t.system.workerCount === 1, "the forgetful actor's worker ends");
  // Its worker is gone, and with it the timer: nothing reaches the recorder.
  assert.deepEqual(await t.bridge.call(recorder, "dump", { timeout: 20_000 }), []);
});

Deno.test("timers: the Bridge sends later too, and its timers end with it", async () => {
  await using t = testSystem();
  const recorder = t.system.spawn(Recorder);
  const once = t.bridge.sendAfter(5, recorder, "later");
  const every = t.bridge.sendEvery(5, recorder, "again", { initialDelay: 0 });
  const never = t.bridge.sendAfter(10, recorder, "cancelled");
  assert.equal(never.cancel(), true);
  assert.equal(never.cancel(), false);
  const seen = await seenBy(t, recorder, 3);
  every.cancel();
  assert.ok(seen.some(([m]) => m === "later"));
  assert.ok(seen.filter(([m]) => m === "again").length >= 2);
  assert.ok(!seen.some(([m]) => m === "cancelled"));
  assert.equal(once.active, false);
  assert.throws(() => t.bridge.sendAfter(-1, recorder, "x"), RangeError);
  assert.throws(() => t.bridge.sendEvery(0, recorder, "x"), RangeError);
});

Deno.test("timers: a delay or interval that is no number is a TypeError saying so, not a RangeError quoting it as a number", async () => {
  await using t = testSystem();
  const recorder = t.system.spawn(Recorder);
  const refusedAs = (set: () => unknown, message: RegExp) =>
    assert.throws(set, (error: Error) => error instanceof TypeError && message.test(error.message));
  // A RangeError said "a delay must be a finite number of ms, got 5" for the string "5".
  refusedAs(
    () => t.bridge.sendAfter("5" as never, recorder, "x"),
    /a delay must be a number of ms, got string "5"/,
  );
  refusedAs(
    () => t.bridge.sendEvery("5" as never, recorder, "x"),
    /an interval must be a number of ms, got string "5"/,
  );
  refusedAs(
    () => t.bridge.sendEvery(5, recorder, "x", { initialDelay: true as never }),
    /an initial delay must be a number of ms, got boolean true/,
  );
});
