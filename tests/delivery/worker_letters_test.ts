/**
 * Dead letters and errors as a Worker tells them, of actors in other Workers: each test is a bug
 * found, fixed with it.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { AskIt, Flood, Gate, Sender } from "../_actors/worker_letters.ts";
import { eventually, type TestSystem, testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

/** A path where no file is yet, and how to make one there (removed by the returned cleanup). */
async function signalPath(): Promise<{ path: string; raise(): Promise<void> }> {
  const path = await Deno.makeTempFile();
  await Deno.remove(path);
  return { path, raise: () => Deno.writeTextFile(path, "go") };
}

/** Blocks `gate`'s Worker until the returned release is called (bounded: 20 s). */
async function block(t: TestSystem, gate: ActorRef<unknown>): Promise<() => Promise<void>> {
  const signal = await signalPath();
  assert.equal(await t.bridge.call(gate, `block:${signal.path}`, LONG), "blocked");
  return signal.raise;
}

/** How many senders are blocked on the full mailbox of `ref`'s actor. */
function sendersWaitingOn(t: TestSystem, ref: ActorRef<unknown>): number {
  const host = internalsOf(t.system).bridgeHost;
  const offset = host.directory.mailbox(ref.slot);
  return offset === 0 ? 0 : host.courier.mailbox(offset).sendersWaiting;
}

Deno.test("worker letters: what an actor in another Worker had waiting for room in a killed actor's mailbox is a dead letter 'worker-died', not 'has stopped'", async () => {
  await using t = testSystem();
  const gate = t.system.spawnWith(Gate, {
    name: "Gate",
    mailboxCapacity: 1024,
    sendTimeout: 20_000,
  });
  const sender = t.system.spawn(Sender);
  await t.system.started(sender);
  const release = await block(t, gate);
  const stop = await signalPath();
  try {
    const flood = t.bridge.call(
      sender,
      new Flood(gate, 10_000, "x".repeat(50), stop.path),
      LONG,
    );
    // The ring is full and the sender waits for room: it sends no more after this one.
    await eventually(() => sendersWaitingOn(t, gate) > 0, "the sender waits for room");
    await stop.raise();
    assert.ok(t.system.kill(gate, "enough"));
    const sent = await flood as number;
    // Nothing of the flood was handled (the gate was blocked): every message is a dead letter.
    await eventually(() => t.system.deadLetters === sent, `${sent} dead letters`);
    assert.deepEqual(t.system.inspect().deadLetters.byKind, { "worker-died": sent });
    await t.until(() => t.deadLetters.length === sent, `${sent} dead letters told`);
    const reasons = new Set(t.deadLetters.map((letter) => `${letter.kind}: ${letter.reason}`));
    // The sender's Worker names the gate, though it hosts no actor of that name.
    for (const reason of reasons) assert.match(reason, /^worker-died: Gate ended: its Worker died/);
  } finally {
    await release();
    await stop.raise().catch(() => {});
    await Deno.remove(stop.path).catch(() => {});
  }
});

Deno.test("worker letters: an ask from one Worker to an actor of another that does not answer in time names it", async () => {
  await using t = testSystem();
  const gate = t.system.spawnWith(Gate, { name: "Gate" });
  const sender = t.system.spawn(Sender);
  await t.system.started(sender);
  const release = await block(t, gate);
  try {
    const outcome = await t.bridge.call(sender, new AskIt(gate, "hello", 200), LONG);
    assert.equal(
      outcome,
      `CallTimeoutError: no reply from ActorRef(Gate#${gate.slot}.${gate.generation}) within ` +
        `200 ms`,
    );
  } finally {
    await release();
  }
});

Deno.test("worker letters: what an actor's full mailbox drops, and an ask it drops, name it in the sender's Worker", async () => {
  await using t = testSystem();
  const gate = t.system.spawnWith(Gate, { name: "Gate", mailboxCapacity: 1024, whenFull: "drop" });
  const sender = t.system.spawn(Sender);
  await t.system.started(sender);
  const release = await block(t, gate);
  try {
    // More than the ring holds: the rest are dropped as the sender's Worker finds it full.
    const sent = await t.bridge.call(sender, new Flood(gate, 100, "x".repeat(50)), LONG);
    assert.equal(sent, 100);
    await t.until(() => t.deadLetters.length > 0, "a dropped message told");
    assert.match(t.deadLetters[0].reason, /^the mailbox of Gate was full, and Gate drops /);
    const outcome = await t.bridge.call(sender, new AskIt(gate, "hello", 5_000), LONG);
    assert.match(
      outcome as string,
      new RegExp(
        `^MailboxFullError: no reply from ActorRef\\(Gate#${gate.slot}\\.${gate.generation}\\): ` +
          `the mailbox of Gate was full, and Gate drops `,
      ),
    );
  } finally {
    await release();
  }
});

Deno.test("worker letters: a send from a Worker to an actor that stopped names it while its slot is not reused", async () => {
  await using t = testSystem();
  const gate = t.system.spawnWith(Gate, { name: "Gate" });
  const sender = t.system.spawn(Sender);
  await t.system.started(sender);
  await t.bridge.stop([gate], 10_000);
  const sent = await t.bridge.call(sender, new Flood(gate, 1, "late"), LONG);
  assert.equal(sent, 1);
  await t.until(() => t.deadLetters.length === 1, "the late message told");
  assert.equal(t.deadLetters[0].kind, "stopped");
  assert.match(t.deadLetters[0].reason, /^Gate is not running/);
});

Deno.test("worker letters: a Worker never names an ended actor by the name of the actor now in its slot", async () => {
  await using t = testSystem();
  const sender = t.system.spawn(Sender);
  await t.system.started(sender);
  const old = t.system.spawnWith(Gate, { name: "Old" });
  await t.system.started(old);
  await t.bridge.stop([old], 10_000);
  const directory = internalsOf(t.system).bridgeHost.directory;
  await eventually(() =>
    directory.generation(old.slot) === old.generation &&
    directory.state(old.slot) === 0, "the old actor's slot is free");
  // In the sender's Worker, which then hosts the slot's new actor.
  const renewed = t.system.spawnWith(Gate, { name: "New", near: sender });
  await t.system.started(renewed);
  assert.equal(renewed.slot, old.slot, "the new actor took the old one's slot");
  assert.equal(await t.bridge.call(sender, new Flood(old, 1, "late"), LONG), 1);
  await t.until(() => t.deadLetters.length === 1, "the late message told");
  assert.equal(t.deadLetters[0].kind, "stale");
  assert.doesNotMatch(t.deadLetters[0].reason, /New/);
});
