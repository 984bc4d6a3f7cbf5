import assert from "node:assert/strict";
import process from "node:process";
import { type ActorRef, Stop, Stopped } from "../../mod.ts";
import { MessageTooLargeError } from "../../errors.ts";
import { Echo } from "../_actors/basic.ts";
import { Flooded, Recorder } from "../_actors/behaviours.ts";
import { testSystem, within } from "../_system.ts";

Deno.test("pool: 10,000 actors on 2 workers each get a message and answer", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 2 });
  assert.equal(pool.size, 2);
  const actors = Array.from({ length: 10_000 }, () => pool.spawn(Echo));
  assert.equal(t.system.workerCount, 2);
  const answers = new Map<number, unknown>();
  const calls = actors.map((actor, i) => [actor as ActorRef<never>, i] as const);
  for await (const { target, reply, error } of t.bridge.multiCall(calls, { timeout: 60_000 })) {
    assert.equal(error, undefined);
    answers.set(target.slot, reply);
  }
  assert.equal(answers.size, 10_000);
  actors.forEach((actor, i) => assert.equal(answers.get(actor.slot), i));
});

Deno.test("pool: a flooded actor does not starve a quiet one on the same worker", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1, batch: 16 });
  const flooded = pool.spawn(Flooded);
  const quiet = pool.spawnWith(Echo, { near: flooded });
  flooded.send("go");
  const before = await t.bridge.call(flooded, "count", { timeout: 20_000 }) as number;
  for (let i = 0; i < 20; i++) {
    assert.equal(await t.bridge.call(quiet, i, { timeout: 20_000 }), i);
  }
  const after = await t.bridge.call(flooded, "count", { timeout: 20_000 }) as number;
  assert.ok(after > before, "the flood went on meanwhile");
  assert.deepEqual(await t.bridge.stop([flooded], 20_000), [new Stopped()]);
});

Deno.test("pool: a 1 MiB message reaches an actor with a 4 KiB mailbox intact", async () => {
  await using t = testSystem({ maxMessageBytes: 4 << 20 });
  const pool = t.system.createPool({ workers: 1, mailboxCapacity: 4096 });
  const echo = pool.spawn(Echo);
  const big = new Uint8Array(1 << 20).map((_, i) => (i * 31 + 7) & 255);
  const back = await t.bridge.call(echo, big, { timeout: 20_000 });
  assert.deepEqual(back, big);
  const text = "ringmail ".repeat(200_000);
  assert.equal(
    await t.bridge.call(echo, { text }, { timeout: 20_000 }).then((r) =>
      (r as { text: string }).text
    ),
    text,
  );
  assert.throws(
    () => echo.send(new Uint8Array(5 << 20)),
    (error: unknown) =>
      error instanceof MessageTooLargeError && error.limit === 4 << 20 &&
      /maxMessageBytes/.test(error.message),
  );
});

Deno.test("pool: a ref to a stopped actor never reaches the actor that reuses its slot", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const first = pool.spawn(Recorder);
  await t.bridge.stop([first], 20_000);
  const second = pool.spawn(Recorder);
  if (second.slot === first.slot) assert.notEqual(second.generation, first.generation);
  first.send("for the stopped one");
  const mine = () => t.deadLetters.find((d) => d.message === "for the stopped one");
  await t.until(() => mine() !== undefined, "dead letter");
  assert.match(mine()!.reason, /not running|reused|has stopped/);
  assert.ok(["stopped", "stale"].includes(mine()!.kind));
  assert.ok(mine()!.target?.equals(first));
  assert.deepEqual(await t.bridge.call(second, "dump", { timeout: 20_000 }), []);
});

Deno.test("pool: an idle system uses almost no CPU once its spin window has passed", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 2 });
  const actors = Array.from({ length: 100 }, () => pool.spawn(Echo));
  for (const actor of actors) await t.bridge.call(actor, "warm up", { timeout: 20_000 });
  // Let the spin window pass (spins are bounded to ~100 µs), then measure a quiet second.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const used = process.cpuUsage(before);
  const ms = (used.user + used.system) / 1000;
  assert.ok(ms < 100, `an idle system used ${ms.toFixed(1)} ms of CPU in a second`);
});

Deno.test("pools: slots reused at once after stops never hide the end of the actors before", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 2 });
  let actors = Array.from({ length: 500 }, () => pool.spawn(Echo));
  for (let round = 0; round < 6; round++) {
    for await (const { error } of t.bridge.multiCall(actors.map((a) => [a, "hi"] as const))) {
      assert.equal(error, undefined);
    }
    const ends = actors.map((actor) => t.bridge.whenTerminated(actor));
    for (const actor of actors) actor.send(new Stop());
    // Spawned while the Workers stop the others, before the system hears of those ends (this
    // thread does not yield meanwhile): the slots of actors still in the registry must wait.
    actors = Array.from({ length: 2000 }, () => pool.spawn(Echo));
    const kinds = await within(20_000, `round ${round}: every end heard`, Promise.all(ends));
    assert.ok(kinds.every((end) => end.kind === "stopped"), `round ${round}`);
  }
});

Deno.test("pool: once the system has shut down, the pool has no Workers", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 2 });
  await t.system.started(pool.spawn(Echo));
  assert.equal(pool.size, 2);
  await t.system.shutdown();
  assert.equal(pool.size, 0, "its Workers ended with the system");
});
