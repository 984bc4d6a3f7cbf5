/** What the README promises a user can see, where no other test holds it. */
import assert from "node:assert/strict";
import { Stopped } from "../mod.ts";
import { ActorDeadError } from "../errors.ts";
import { testSystem } from "./_system.ts";
import { Answerer } from "./_actors/readme_claims.ts";

Deno.test("README: once bridge.stop() gave Stopped, the actor has ended: started() rejects, calls and sends say it was sent Stop", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  // The end reached this thread by another way than the Stopped: a few rounds give the race room.
  for (let round = 0; round < 12; round++) {
    const actor = round % 2 === 0 ? pool.spawn(Answerer) : t.system.spawn(Answerer);
    assert.equal(await t.bridge.call(actor, "hi"), "hi");
    const [stopped] = await t.bridge.stop([actor], 5000);
    assert.ok(stopped instanceof Stopped);
    await assert.rejects(t.system.started(actor), ActorDeadError, `round ${round}: started()`);
    await assert.rejects(
      t.bridge.call(actor, "late"),
      (error: Error) =>
        error instanceof ActorDeadError && /Answerer is not running: Answerer was sent Stop/.test(
          error.message,
        ),
      `round ${round}: a call after the Stopped`,
    );
    actor.send("late");
    const letter = t.deadLetters.at(-1);
    assert.equal(letter?.message, "late", `round ${round}: the send is a dead letter at once`);
    assert.equal(letter.kind, "stopped");
    assert.match(letter.reason, /^Answerer is not running: Answerer was sent Stop$/);
  }
});
