/**
 * A busy Worker still serves its event loop: its receive loop yields when a slice of time is
 * spent, however many messages that took, so timers, I/O and the promises of async handlers
 * wait a few ms, not until the queue drains.
 */
import assert from "node:assert/strict";
import { Grinder, NapBeside, Napper, type Naps } from "../_actors/busy.ts";
import { eventually, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("receive loop: an async handler's file read and timer resume on time next to a busy neighbour", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const grinder = pool.spawn(Grinder);
  const napper = pool.spawnWith(Napper, { near: grinder });
  await Promise.all([grinder, napper].map((ref) => t.system.started(ref)));
  // 150 jobs of 10 ms: 1.5 s of work next to the napper, queued before it starts waiting.
  const naps = await t.bridge.call(napper, new NapBeside(grinder, 10, 150, 50), LONG) as Naps;
  assert.ok(naps.read < 400, `the file read took ${naps.read.toFixed(0)} ms`);
  assert.ok(naps.slept >= 40, `slept ${naps.slept.toFixed(0)} ms`);
  assert.ok(naps.slept < 400, `a 50 ms sleep took ${naps.slept.toFixed(0)} ms`);
  // The work was done too. Not asked once: the Bridge's "count" and the napper's jobs come from
  // two senders, and only each sender's own order is kept (on a loaded machine it overtook them).
  await eventually(
    async () => await t.bridge.call(grinder, "count", LONG) === 150,
    "the 150 jobs done",
  );
});

Deno.test("receive loop: a setTimeout(0) fires while 30 x 20 ms of work waits behind it", async () => {
  await using t = testSystem();
  const grinder = t.system.spawn(Grinder);
  await t.system.started(grinder);
  const fired = t.bridge.call(grinder, "timer", LONG);
  for (let i = 0; i < 30; i++) grinder.send(20);
  const waited = await fired as number;
  assert.ok(waited < 300, `the timer fired after ${waited.toFixed(0)} ms`);
  assert.equal(await t.bridge.call(grinder, "count", LONG), 30);
});

Deno.test("receive loop: an uncaught error from a timer ends a busy Worker at once, not after its queue", async () => {
  await using t = testSystem();
  const grinder = t.system.spawn(Grinder);
  await t.system.started(grinder);
  const started = performance.now();
  grinder.send("crash");
  for (let i = 0; i < 30; i++) grinder.send(20);
  const end = await within(20_000, "the Worker's death", t.bridge.whenTerminated(grinder));
  const elapsed = performance.now() - started;
  assert.equal(end.kind, "worker-died");
  assert.match(end.reason, /a timer's error ends the Worker/);
  assert.ok(elapsed < 300, `the Worker was seen dead after ${elapsed.toFixed(0)} ms`);
  // What was still queued became dead letters: the queue had not drained.
  await t.until(() => t.deadLetters.some((d) => d.kind === "worker-died"), "dead letters");
});
