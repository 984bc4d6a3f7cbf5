/**
 * What a review of the lifecycles around the Bridge and the system (several systems, several
 * Bridges, signals, multiCall and stop given odd iterables, timers) found breaking a promise of
 * the docs. Each test failed before its fix.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { Echo } from "../_actors/basic.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("lifecycle review: stop() whose iterable throws, or holds what is no actor of this system, rejects and stops nothing", async (t) => {
  await using s = testSystem();
  await using other = testSystem();
  const echo = s.system.spawn(Echo);
  const theirs = other.system.spawn(Echo);
  await s.system.started(echo);

  await t.step("an iterable that throws after an actor: a rejection, not a throw", async () => {
    function* actors() {
      yield echo;
      throw new Error("the iterable broke");
    }
    let outcome: Promise<unknown> | null = null;
    try {
      outcome = s.bridge.stop(actors(), LONG);
    } catch (error) {
      assert.fail(`stop() threw instead of rejecting: ${error}`);
    }
    await assert.rejects(outcome, { message: "the iterable broke" });
    assert.equal(await s.bridge.call(echo, "still here", LONG), "still here");
  });

  await t.step(
    "an element that is no ActorRef: a TypeError naming it, before any Stop",
    async () => {
      await assert.rejects(s.bridge.stop([echo, null as never], LONG), {
        name: "TypeError",
        message: /the target must be an ActorRef, got null/,
      });
      assert.equal(await s.bridge.call(echo, "still here", LONG), "still here");
    },
  );

  await t.step("a ref of another system: a TypeError, before any Stop", async () => {
    await assert.rejects(s.bridge.stop([echo, theirs], LONG), {
      name: "TypeError",
      message: /belongs to another actor system than this Bridge's/,
    });
    assert.equal(await s.bridge.call(echo, "still here", LONG), "still here");
    assert.equal(await other.bridge.call(theirs, "still here", LONG), "still here");
  });
});

Deno.test("lifecycle review: a Bridge's timers pending when its system shuts down are over: not active, cancel() says they were not going to fire", async () => {
  const system = new ActorSystem();
  const bridge = new Bridge(system);
  const echo = system.spawn(Echo);
  await system.started(echo);
  const once = bridge.sendAfter(60_000, echo, "later");
  const every = bridge.sendEvery(60_000, echo, "again");
  assert.deepEqual([once.active, every.active], [true, true]);
  await system.shutdown();
  // The system's loop is gone: neither will ever fire, whatever the Bridge (left open) says.
  assert.deepEqual([once.active, every.active], [false, false]);
  assert.deepEqual([once.cancel(), every.cancel()], [false, false]);
  bridge.close();
});

Deno.test("lifecycle review: a multiCall element that is an array of one or three is no [target, message] pair: its iteration rejects with a TypeError, nothing sent for it", async () => {
  await using s = testSystem();
  const echo = s.system.spawn(Echo);
  for (
    const [pair, shown] of [[[echo], /got an array of 1 at index 0$/], [
      [echo, 1, 2],
      /got an array of 3 at index 0$/,
    ]] as const
  ) {
    const replies: unknown[] = [];
    const iteration = (async () => {
      for await (const { reply } of s.bridge.multiCall([pair] as never, LONG)) replies.push(reply);
    })();
    await assert.rejects(iteration, {
      name: "TypeError",
      message: new RegExp(
        /^multiCall's calls must each be a \[target, message\] pair, /.source + shown.source,
      ),
    });
    assert.deepEqual(replies, []);
  }
  // Nothing was sent to it: the first message it answers is this one.
  assert.equal(await s.bridge.call(echo, "first", LONG), "first");
});
