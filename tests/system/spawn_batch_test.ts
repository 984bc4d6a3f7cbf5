/**
 * The starts of one turn go to each Worker together (`StartActors`, see Spawner.start): every
 * actor still starts with its own class, name and outcome, in the order spawned, and nothing
 * else the system tells a Worker overtakes them.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { ActorDeadError, SpawnError } from "../../errors.ts";
import { Doubler, Echo } from "../_actors/basic.ts";
import { Broken, Configured, Lost } from "../_actors/behaviours.ts";
import { testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("spawn batches: a turn's 700 spawns of two classes, over several messages, all start and answer as themselves", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 2 });
  const actors: [ActorRef<never>, boolean][] = [];
  for (let i = 0; i < 700; i++) {
    const doubling = i % 3 === 0;
    const ref = doubling
      ? pool.spawnWith(Doubler, { name: `doubler-${i}` })
      : pool.spawnWith(Echo, { name: `echo-${i}` });
    actors.push([ref as ActorRef<never>, doubling]);
  }
  await within(20_000, "every start", Promise.all(actors.map(([ref]) => t.system.started(ref))));
  const calls = actors.map(([ref], i) => [ref, i] as const);
  let answered = 0;
  for await (const { target, reply, error } of t.bridge.multiCall(calls, LONG)) {
    assert.equal(error, undefined);
    const i = actors.findIndex(([ref]) => ref === target);
    assert.equal(reply, actors[i][1] ? 2 * i : i);
    answered++;
  }
  assert.equal(answered, 700);
  const seen = new Map(
    t.system.inspect().actors.map((actor) => [actor.ref.slot, [actor.name, actor.className]]),
  );
  actors.forEach(([ref, doubling], i) =>
    assert.deepEqual(
      seen.get(ref.slot),
      doubling ? [`doubler-${i}`, "Doubler"] : [`echo-${i}`, "Echo"],
    )
  );
  assert.equal(t.deadLetters.length, 0);
});

Deno.test("spawn batches: plain starts and starts with a name or arguments, mixed in one turn, each start as its own", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  // Packed starts carry a name or arguments only for the starts that have them (StartActors'
  // extras): mixed here, across two messages, each must reach its own actor.
  const actors: { ref: ActorRef<string>; name: string; config: unknown[] | null }[] = [];
  for (let i = 0; i < 300; i++) {
    const named = i % 3 === 0;
    const name = named ? `n-${i}` : "";
    if (i % 5 === 0) {
      const options = { factor: i, tags: new Set([`t${i}`]) };
      const ref = named
        ? pool.spawnWith(Configured, { name }, `c-${i}`, options)
        : pool.spawn(Configured, `c-${i}`, options);
      actors.push({ ref, name: name || "Configured", config: [`c-${i}`, i, [`t${i}`]] });
    } else {
      const ref = named ? pool.spawnWith(Echo, { name }) : pool.spawn(Echo);
      actors.push({ ref: ref as ActorRef<string>, name: name || "Echo", config: null });
    }
  }
  const calls = actors.map(({ ref }) => [ref as ActorRef<never>, "who"] as const);
  let answered = 0;
  for await (const { index, reply, error } of t.bridge.multiCall(calls, LONG)) {
    assert.equal(error, undefined);
    assert.deepEqual(reply, actors[index].config ?? "who");
    answered++;
  }
  assert.equal(answered, 300);
  const seen = new Map(t.system.inspect().actors.map((actor) => [actor.ref.slot, actor.name]));
  for (const { ref, name } of actors) assert.equal(seen.get(ref.slot), name);
});

Deno.test("spawn batches: in one turn, actors that cannot start fail alone with SpawnError; the rest start in order", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  // One Worker takes them all, in this order: a module that is still loading (and fails to)
  // holds up the starts after it, which then go on.
  const first = pool.spawn(Echo);
  const lost = pool.spawn(Lost as unknown as typeof Echo);
  const middle = pool.spawn(Echo);
  const broken = pool.spawn(Broken as unknown as typeof Echo);
  const last = pool.spawn(Echo);
  // Asked in the turn of the spawns: once a failed start has ended, `started` says the actor is
  // gone (ActorDeadError), and the second may fail while the first is awaited.
  const failing = ([[lost, /cannot load the module of Lost/], [broken, /threw/]] as const).map(
    ([ref, pattern]) => ({
      ref,
      pattern,
      outcome: t.system.started(ref).then(() => null, (e) => e),
    }),
  );
  for (const { ref, pattern, outcome } of failing) {
    const error = await within(20_000, "start failure", outcome);
    assert.ok(error instanceof SpawnError, String(error));
    assert.match(error.message, pattern);
    await assert.rejects(t.bridge.call(ref, "hello", { timeout: 600_000 }), ActorDeadError);
  }
  for (const ref of [first, middle, last]) {
    assert.equal(await t.bridge.call(ref, "hello", LONG), "hello");
  }
  await t.until(() => t.failures.length === 2, "both start failures reported");
});

Deno.test("spawn batches: a Worker killed in the turn its actors were spawned ends them as killed and worker-died; the pool heals", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const pool = t.system.createPool({ workers: 2 });
  const victim = pool.spawn(Echo);
  const mate = pool.spawnWith(Echo, { near: victim });
  const ends = Promise.all([victim, mate].map((ref) => t.bridge.whenTerminated(ref)));
  // Their starts have not left this thread yet: the kill drops them, and the actors end as
  // actors killed before they ran always have (never started, they are not restarted).
  assert.ok(t.system.kill(victim, "killed before it started"));
  const [victimEnd, mateEnd] = await within(20_000, "both ends", ends);
  assert.equal(victimEnd.kind, "killed");
  assert.equal(mateEnd.kind, "worker-died");
  for (const ref of [victim, mate]) {
    await assert.rejects(t.bridge.call(ref, "hello", { timeout: 600_000 }), ActorDeadError);
  }
  assert.ok(
    t.deadLetters.every((letter) => !/StartActor/.test(letter.messageClass)),
    "no start went to the dead Worker",
  );
  assert.equal(pool.size, 2);
  assert.equal(await t.bridge.call(pool.spawn(Echo), "after", LONG), "after");
});
