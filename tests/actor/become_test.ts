/** `context.become` / `unbecome`: a behaviour that takes the handlers' messages while it is set. */
import assert from "node:assert/strict";
import { Greeter, LateGreeter, Mood, SlowMood } from "../_actors/moods.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("become replaces the handlers; unbecome goes back; discardOld: false stacks", async () => {
  await using s = testSystem();
  const mood = s.system.spawn(Mood);
  const script: [string, string][] = [
    ["a", "base:a"],
    ["pop", "ok"], // nothing set: a no-op
    ["b", "base:b"],
    ["set happy", "ok"],
    ["c", "happy:c"],
    ["set angry", "ok"], // replaces happy
    ["d", "angry:d"],
    ["pop", "ok"], // back to the handlers, not to happy
    ["e", "base:e"],
    ["push one", "ok"],
    ["push two", "ok"],
    ["f", "two:f"],
    ["pop", "ok"],
    ["g", "one:g"],
    ["pop", "ok"],
    ["h", "base:h"],
  ];
  const replies = [];
  for (const [text] of script) replies.push(await s.bridge.call(mood, text, LONG));
  assert.deepEqual(replies, script.map(([, reply]) => reply));
});

Deno.test("an async behaviour is awaited: the next message waits until it settles", async () => {
  await using s = testSystem();
  const mood = s.system.spawn(SlowMood);
  assert.equal(await s.bridge.call(mood, "slow", LONG), "ok");
  mood.send("x");
  mood.send("y");
  assert.deepEqual(await s.bridge.call(mood, "log", LONG), [
    "start x",
    "end x",
    "start y",
    "end y",
    "start log",
    "end log",
  ]);
});

Deno.test("an async behaviour sends as its actor after an await, in a Worker with no async method before", async () => {
  await using s = testSystem();
  const greeter = s.system.spawn(Greeter);
  const late = s.system.spawn(LateGreeter);
  assert.equal(await s.bridge.call(late, greeter, LONG), "ready");
  // The Greeter's "hi" comes back only if the greeting's implicit sender was LateGreeter.
  assert.equal(await s.bridge.call(late, "go", LONG), "greeted");
});

Deno.test("system messages work while a behaviour is set: Stop stops the actor", async () => {
  await using s = testSystem();
  const mood = s.system.spawn(Mood);
  assert.equal(await s.bridge.call(mood, "set happy", LONG), "ok");
  const [stopped] = await s.bridge.stop([mood], 20_000);
  assert.equal(stopped?.constructor.name, "Stopped");
  assert.equal((await s.bridge.whenTerminated(mood)).kind, "stopped");
});

Deno.test("a restart drops the behaviours: the fresh instance starts with its handlers", async () => {
  await using s = testSystem({ supervision: { onFailure: "restart" } });
  const mood = s.system.spawn(Mood);
  assert.equal(await s.bridge.call(mood, "push one", LONG), "ok");
  assert.equal(await s.bridge.call(mood, "x", LONG), "one:x");
  mood.send("boom"); // the behaviour runs the command: it throws, the actor restarts
  assert.equal(await s.bridge.call(mood, "y", LONG), "base:y");
  assert.equal(s.failures.length, 1);
  assert.match(s.failures[0].error.message, /a mood swing/);
});
