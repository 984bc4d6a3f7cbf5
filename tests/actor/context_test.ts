/** `this.context`: what an actor can do besides handling messages. */
import assert from "node:assert/strict";
import { SelfStopper } from "../_actors/names.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("context.stop(): the actor stops after the message in hand, ahead of its mailbox", async (t) => {
  for (const how of ["stop", "stop later"]) {
    await t.step(how, async () => {
      await using s = testSystem();
      const actor = s.system.spawn(SelfStopper);
      assert.deepEqual(await s.bridge.call(actor, "a", LONG), ["a"]);
      const reply = s.bridge.call(actor, how, LONG);
      actor.send("after"); // queued behind the stop: never handled
      assert.match(String(await reply), /^stopping/);
      const end = await s.bridge.whenTerminated(actor);
      assert.equal(end.kind, "stopped");
      assert.match(end.reason, /SelfStopper stopped itself/);
      await s.until(
        () => s.deadLetters.some((d) => d.message === "after" && d.kind === "stopped"),
        "the message queued behind it is a dead letter",
      );
    });
  }
});
