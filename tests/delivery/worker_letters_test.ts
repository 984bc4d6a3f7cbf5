/**
 * Dead letters and errors as a Worker tells them, of actors in other Workers: each test is a bug
 * found, fixed with it.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { Flood, Gate, Sender } from "../_actors/worker_letters.ts";
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
    // (The name the sender's Worker gives the gate: see the test of names below.)
    for (const reason of reasons) assert.match(reason, /^worker-died: \S+ ended: its Worker died/);
  } finally {
    await release();
    await stop.raise().catch(() => {});
    await Deno.remove(stop.path).catch(() => {});
  }
});
