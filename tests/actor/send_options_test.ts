/**
 * `ActorRef.send`'s options as a user can get them wrong: each refused where the send is made,
 * with a TypeError or RangeError that names what was wrong — never a JavaScript error from deep
 * inside, never a message sent to the wrong actor or lost.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge } from "../../mod.ts";
import { Echo } from "../_actors/basic.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

/** Asserts that `send` throws `kind` with a message matching `message`. */
function refused(send: () => void, kind: typeof TypeError, message: RegExp): void {
  assert.throws(send, (error: Error) => {
    assert.ok(error instanceof kind, `${error}`);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("send options: a sender of another actor system is refused, not read as this system's actor of its slot", async () => {
  await using s = testSystem();
  await using other = new ActorSystem();
  using _slotAsTestSystems = new Bridge(other); // testSystem's Bridge takes a slot first
  const echo = s.system.spawn(Echo);
  const stranger = other.spawn(Echo);
  // Both systems give their first actor the same slot and generation: the echo's reply to the
  // stranger went to the echo itself, which echoed it again, forever.
  assert.equal(stranger.slot, echo.slot);
  refused(
    () => echo.send("hello", { sender: stranger as never }),
    TypeError,
    /belongs to another actor system than .*Echo/,
  );
  assert.equal(await s.bridge.call(echo, "ping", LONG), "ping");
});

Deno.test("send options: a sender that is no ActorRef is a TypeError saying what a sender is", async () => {
  await using s = testSystem();
  const echo = s.system.spawn(Echo);
  for (const [sender, got] of [[{}, "Object"], ["me", '"me"'], [5, "5"]] as const) {
    refused(
      () => echo.send("hello", { sender: sender as never }),
      TypeError,
      new RegExp(`sender must be an ActorRef \\(or null: no sender\\), got ${got}`),
    );
  }
  assert.equal(await s.bridge.call(echo, "ping", LONG), "ping");
});

Deno.test("send options: options that are no object are a TypeError naming them, not 'Cannot read properties of null'", async () => {
  await using s = testSystem();
  const echo = s.system.spawn(Echo);
  refused(
    () => echo.send("hello", null as never),
    TypeError,
    /send options must be an object \(\{ sender, deadline \}\), got null/,
  );
  refused(
    () => echo.send("hello", 500 as never),
    TypeError,
    /send options must be an object \(\{ sender, deadline \}\), got 500/,
  );
  assert.equal(await s.bridge.call(echo, "ping", LONG), "ping");
});

Deno.test("send options: a deadline that is no number is a TypeError, not a time long past", async () => {
  await using s = testSystem();
  const echo = s.system.spawn(Echo);
  // Each compared as a number: "5" and true as a moment of 1970, and the message was a dead
  // letter "deadline" at once.
  for (const [deadline, got] of [["5", 'string "5"'], [true, "boolean true"]] as const) {
    refused(
      () => echo.send("hello", { deadline: deadline as never }),
      TypeError,
      new RegExp(`deadline must be a number of ms since the epoch .*got ${got}`),
    );
  }
  assert.equal(await s.bridge.call(echo, "ping", LONG), "ping");
  assert.deepEqual(s.deadLetters.map((d) => d.kind), []);
});
