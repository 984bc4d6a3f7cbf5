/**
 * What a usage review (programs written as a first-time user would) found breaking a promise of
 * the docs. Each test failed before its fix.
 */
import assert from "node:assert/strict";
import { Stopped } from "../../mod.ts";
import { Gate } from "../_actors/bridge_watches.ts";
import { Holder, Stopper } from "../_actors/usage_review.ts";
import { eventually, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("usage review: a Stop whose call or ask timed out still stops the actor once it is free (it is not dropped as past its deadline)", async (t) => {
  await using s = testSystem();
  const gate = s.system.spawn(Gate);
  const held = async () => await s.bridge.call(gate, "held", LONG) as number;

  await t.step("bridge.stop with a default: the default now, the actor stops later", async () => {
    const holder = s.system.spawn(Holder, gate);
    holder.send("hold");
    await eventually(async () => await held() === 1, "the holder waits at the gate");
    assert.deepEqual(await s.bridge.stop([holder], { timeout: 50, default: "late" }), ["late"]);
    gate.send("open");
    const end = await within(20_000, "the holder's end", s.bridge.whenTerminated(holder));
    assert.equal(end.kind, "stopped");
  });

  await t.step(
    "bridge.stop without a default: CallTimeoutError now, the actor stops later",
    async () => {
      const holder = s.system.spawn(Holder, gate);
      holder.send("hold");
      await eventually(async () => await held() === 1, "the holder waits at the gate");
      await assert.rejects(s.bridge.stop([holder], 50), { name: "CallTimeoutError" });
      gate.send("open");
      const end = await within(20_000, "the holder's end", s.bridge.whenTerminated(holder));
      assert.equal(end.kind, "stopped");
    },
  );

  await t.step("an actor's ask of Stop that timed out: the asked actor stops later", async () => {
    const holder = s.system.spawn(Holder, gate);
    holder.send("hold");
    await eventually(async () => await held() === 1, "the holder waits at the gate");
    const stopper = s.system.spawn(Stopper, holder);
    assert.equal(await s.bridge.call(stopper, 50, LONG), "CallTimeoutError");
    gate.send("open");
    const end = await within(20_000, "the holder's end", s.bridge.whenTerminated(holder));
    assert.equal(end.kind, "stopped");
  });

  await t.step("a free actor still answers Stopped", async () => {
    const holder = s.system.spawn(Holder, gate);
    assert.deepEqual(await s.bridge.stop([holder], 20_000), [new Stopped()]);
  });
  assert.deepEqual(s.deadLetters.filter((letter) => letter.kind === "deadline"), []);
});
