/**
 * Supervision, stops and kills racing: what the system decides for an actor whose Worker ends
 * while the actor is already on its way out.
 */
import assert from "node:assert/strict";
import { Stop } from "../../mod.ts";
import { ActorDeadError } from "../../errors.ts";
import { Probe } from "../_actors/supervision.ts";
import { SlowStart, StuckStopping } from "../_actors/sup_review3.ts";
import { eventually, testSystem, within } from "../_system.ts";

Deno.test("sup review 3: an actor killed while it stops (its postStop hangs) ends as killed, and is not restarted into a fresh instance", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const probe = t.system.spawn(Probe);
  const actor = t.system.spawn(StuckStopping, probe);
  const events = () => t.bridge.call(probe, "dump", { timeout: 10_000 }) as Promise<string[]>;
  await t.bridge.call(actor, "id", { timeout: 10_000 });
  const end = t.bridge.whenTerminated(actor);
  end.catch(() => {}); // an assertion that fails first leaves it to the Bridge's close
  const stopping = t.bridge.call(actor, new Stop(), { timeout: 60_000 }).catch((e) => e);
  await eventually(
    async () => (await events()).some((e) => e.startsWith("postStop")),
    "its postStop began",
  );
  assert.ok(t.system.kill(actor, "its postStop hangs"));
  const stopCall = await within(10_000, "the Stop call", stopping);
  assert.ok(stopCall instanceof ActorDeadError, String(stopCall));
  assert.doesNotMatch(stopCall.message, /being restarted/);
  const ended = await within(10_000, "its end", end);
  assert.equal(ended.kind, "killed");
  assert.equal(ended.reason, "StuckStopping was killed: its postStop hangs");
  // Its Stop was taken: no fresh instance (whose preStart would run with no postStop to follow).
  const started = (await events()).filter((e) => e.startsWith("preStart"));
  assert.equal(started.length, 1, String(started));
});

Deno.test("sup review 3: an actor killed again while its restart's async preStart runs is restarted again, as its supervisor says", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart", maxRestarts: 10 } });
  const probe = t.system.spawn(Probe);
  const actor = t.system.spawn(SlowStart, probe, 300);
  const events = () => t.bridge.call(probe, "dump", { timeout: 10_000 }) as Promise<string[]>;
  const starts = async () => (await events()).filter((e) => e.startsWith("preStart")).length;
  await t.bridge.call(actor, "id", { timeout: 10_000 });
  assert.ok(t.system.kill(actor, "once"));
  await eventually(async () => await starts() === 2, "its restart began");
  assert.ok(t.system.kill(actor, "twice"));
  // Restarted again (a third instance), not ended for good: it answers.
  const answer = await t.bridge.call(actor, "id", { timeout: 10_000 }).catch((e) => e);
  assert.equal(typeof answer, "string", String(answer));
  assert.equal(await starts(), 3);
});
