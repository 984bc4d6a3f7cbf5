/**
 * LingeringWaits on their own: one wait on the system per actor while something holds it, kept
 * a while after the last hold, given up then (or when closed), and the actor's end told once.
 */
import assert from "node:assert/strict";
import { ActorRef, Terminated } from "../../mod.ts";
import { LingeringWaits } from "../../src/bridge/lingering_waits.ts";
import { eventually } from "../_system.ts";

/** A fake system: counts the waits made, keeps their signals, ends an actor on demand. */
function fakeSystem() {
  const made: { target: ActorRef<unknown>; signal: AbortSignal; end: (t: Terminated) => void }[] =
    [];
  const ended: string[] = [];
  const whenEnded = (target: ActorRef<unknown>, signal: AbortSignal) =>
    new Promise<Terminated>((resolve) => made.push({ target, signal, end: resolve }));
  const onEnded = (target: ActorRef<unknown>, end: Terminated) =>
    ended.push(`${target.slot} ${end.kind}`);
  return { made, ended, whenEnded, onEnded };
}

const ref = (slot: number) => new ActorRef(slot, 1, 0, null);

Deno.test("lingering waits: holds of one actor share one wait, given up once the last hold has been released for the idle time", async () => {
  const system = fakeSystem();
  const waits = new LingeringWaits(system.whenEnded, system.onEnded, 20);
  try {
    waits.hold(ref(1));
    waits.hold(ref(1));
    waits.release(ref(1));
    waits.release(ref(1));
    // Held again within the idle time: the same wait.
    waits.hold(ref(1));
    assert.equal(system.made.length, 1);
    waits.release(ref(1));
    await eventually(() => system.made[0].signal.aborted, "the wait given up", 5_000);
    assert.equal(waits.size, 0);
    // Held after that: a new wait.
    waits.hold(ref(1));
    assert.equal(system.made.length, 2);
    assert.equal(system.made[1].signal.aborted, false);
  } finally {
    waits.close();
  }
  assert.ok(system.made.every((made) => made.signal.aborted), "closing gives every wait up");
});

Deno.test("lingering waits: an actor that ends is told once, held or idle, and its wait is gone", async () => {
  const system = fakeSystem();
  const waits = new LingeringWaits(system.whenEnded, system.onEnded, 60_000);
  try {
    waits.hold(ref(1));
    waits.hold(ref(2));
    waits.release(ref(2)); // idle, not given up yet
    system.made[0].end(new Terminated(ref(1), "stopped"));
    system.made[1].end(new Terminated(ref(2), "failed"));
    await eventually(() => system.ended.length === 2, "both ends told", 5_000);
    assert.deepEqual(system.ended.sort(), ["1 stopped", "2 failed"]);
    assert.equal(waits.size, 0);
    // What held the ended actor lets go after: nothing to do.
    waits.release(ref(1));
    assert.equal(waits.size, 0);
  } finally {
    waits.close();
  }
});

Deno.test("lingering waits: a closed set holds nothing more", () => {
  const system = fakeSystem();
  const waits = new LingeringWaits(system.whenEnded, system.onEnded, 10);
  waits.close();
  waits.hold(ref(1));
  assert.equal(system.made.length, 0);
  assert.equal(waits.size, 0);
});
