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
