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

Deno.test("usage review: the Stopped of a Stop whose call or ask timed out is no dead letter (the Stop did what it was sent for)", async (t) => {
  await using s = testSystem();
  const gate = s.system.spawn(Gate);
  const held = async () => await s.bridge.call(gate, "held", LONG) as number;
  // Counted as each is made, on whichever thread: no wait for its report.
  const unanswered = () => s.system.inspect().deadLetters.byKind.unanswered ?? 0;

  await t.step("bridge.stop that timed out", async () => {
    const holder = s.system.spawn(Holder, gate);
    holder.send("hold");
    await eventually(async () => await held() === 1, "the holder waits at the gate");
    const before = unanswered();
    assert.deepEqual(await s.bridge.stop([holder], { timeout: 50, default: "late" }), ["late"]);
    gate.send("open");
    await within(20_000, "the holder's end", s.bridge.whenTerminated(holder));
    // The holder answered Stopped before its end was told: the Bridge has read it once the
    // gate's later reply is in.
    await held();
    assert.equal(unanswered() - before, 0, s.deadLetters.map((d) => d.reason).join("; "));
  });

  await t.step("an ask of Stop that timed out", async () => {
    const holder = s.system.spawn(Holder, gate);
    holder.send("hold");
    await eventually(async () => await held() === 1, "the holder waits at the gate");
    const stopper = s.system.spawn(Stopper, holder);
    await s.system.started(stopper);
    const before = unanswered();
    assert.equal(await s.bridge.call(stopper, 50, LONG), "CallTimeoutError");
    gate.send("open");
    await within(20_000, "the holder's end", s.bridge.whenTerminated(holder));
    // Asked again, the stopper's ask of the ended holder is answered through the same desk,
    // behind the Stopped.
    assert.equal(await s.bridge.call(stopper, 20_000, LONG), "ActorDeadError");
    assert.equal(unanswered() - before, 0, s.deadLetters.map((d) => d.reason).join("; "));
  });
});
