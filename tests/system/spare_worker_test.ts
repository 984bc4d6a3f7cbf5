/**
 * A dedicated actor's Worker outlives its actor: kept idle as a spare, the next actor of its own
 * starts there without a Worker's start, or using up one of the system's thread ids. A few are
 * kept, in slots of their own (none of the program's maxActors).
 */
import assert from "node:assert/strict";
import { Stop } from "../../mod.ts";
import { SlotState } from "../../src/delivery/mod.ts";
import {
  type HasInternals,
  INTERNALS,
  internalsOf,
  terminateWorkerOf,
} from "../../src/system/internal.ts";
import { SPARE_WORKERS } from "../../src/system/worker_set.ts";
import { ArenaFullError } from "../../errors.ts";
import { Echo } from "../_actors/basic.ts";
import { Spawning } from "../_actors/lifecycle_review.ts";
import { Where } from "../_actors/where.ts";
import { eventually, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("spare: an actor of its own spawned after another stopped runs in that one's Worker", async () => {
  await using t = testSystem();
  const first = t.system.spawn(Where);
  const firstWorker = await t.bridge.call(first, "where");
  await t.bridge.stop([first]);
  // The idle Worker reaches the guardian after the Stopped reply: wait for it to be the spare.
  let second = t.system.spawn(Where);
  let secondWorker = await t.bridge.call(second, "where");
  for (let tries = 0; secondWorker !== firstWorker && tries < 20; tries++) {
    await t.bridge.stop([second]);
    second = t.system.spawn(Where);
    secondWorker = await t.bridge.call(second, "where");
  }
  assert.equal(secondWorker, firstWorker, "a stopped actor's Worker took the next actor");
  // A Worker that went idle while another was the spare was retired: it ends by itself, soon.
  await eventually(() => t.system.workerCount === 1, "the spare is not counted; the one in use is");
});

Deno.test("spare: of many idle Workers, a few are kept", async () => {
  await using t = testSystem();
  const many = SPARE_WORKERS + 2;
  const actors = Array.from({ length: many }, () => t.system.spawn(Where));
  const workers = new Set(await Promise.all(actors.map((a) => t.bridge.call(a, "where"))));
  assert.equal(workers.size, many);
  await t.bridge.stop(actors);
  // The others were retired: they end by themselves, soon.
  await eventually(() => t.system.workerCount === 0, "the spares are not counted");
  const next = Array.from({ length: many }, () => t.system.spawn(Where));
  const nextWorkers = await Promise.all(next.map((a) => t.bridge.call(a, "where")));
  const reused = nextWorkers.filter((w) => workers.has(w as string)).length;
  assert.equal(reused, SPARE_WORKERS, `${reused} Workers reused: ${SPARE_WORKERS} are kept`);
});

Deno.test("spare: a Worker whose last actor stopped as another was placed near it hosts that one, and is no spare", async () => {
  await using t = testSystem();
  const first = t.system.spawn(Where);
  const firstWorker = await t.bridge.call(first, "where", LONG);
  first.send(new Stop());
  // This thread stays busy until the actor stopped in its Worker: the guardian has not heard of
  // it yet, so the next spawn is placed near it, in that Worker (which then reports idle).
  const directory = t.system[INTERNALS].bridgeHost.directory;
  const deadline = performance.now() + 10_000;
  while (directory.state(first.slot) !== SlotState.Dead) {
    if (performance.now() > deadline) throw new Error("the actor did not stop within 10 s");
  }
  const near = t.system.spawnWith(Where, { near: first });
  await t.system.started(near);
  assert.equal(await t.bridge.call(near, "where", LONG), firstWorker, "placed near the first");
  assert.equal(t.system.workerCount, 1, "its Worker is counted");
  const own = t.system.spawn(Where);
  assert.notEqual(await t.bridge.call(own, "where", LONG), firstWorker, "a Worker of its own");
});

Deno.test("spare: actors of their own spawned and stopped one after another all run in one Worker", async () => {
  await using t = testSystem();
  const workers = new Set<unknown>();
  for (let i = 0; i < 30; i++) {
    const actor = t.system.spawn(Where);
    workers.add(await t.bridge.call(actor, "where", LONG));
    await t.bridge.stop([actor], 20_000);
  }
  // Each stop leaves its Worker the spare before the next spawn looks for one. A Worker started
  // per cycle costs a Worker's start, and uses up one of the 65,535 thread ids a system has over
  // its life: a program doing this once a second would run out within days.
  assert.equal(workers.size, 1, `${workers.size} Workers for 30 actors in a row`);
});

/** Thread ids the system's arena has handed out: one per Worker ever started (never reused). */
function threadIdsUsed(t: { system: HasInternals }): number {
  return internalsOf(t.system).bridgeHost.arena.header[4];
}

Deno.test("spare: actors of their own spawned and stopped in a system more than half full start no Worker", async () => {
  await using t = testSystem({ maxActors: 40 });
  const pool = t.system.createPool({ workers: 1 });
  // guardian + Bridge + the pool's agent + 24 actors: 27 of 40 slots taken.
  const busy = Array.from({ length: 24 }, () => pool.spawn(Echo));
  await Promise.all(busy.map((actor, i) => t.bridge.call(actor, i, LONG)));
  const cycle = async () => {
    const actor = t.system.spawn(Where);
    await t.bridge.call(actor, "where", LONG);
    await t.bridge.stop([actor], 20_000);
  };
  await cycle(); // the first Worker of its own
  const before = threadIdsUsed(t);
  for (let i = 0; i < 20; i++) await cycle();
  const started = threadIdsUsed(t) - before;
  // A long-lived server is often this busy: each Worker started uses up one of the 65,535
  // thread ids a system has over its life.
  assert.equal(started, 0, `${started} Workers started for 20 actors in a row`);
});

Deno.test("spare: actors of their own spawned and stopped several at a time reuse their Workers", async () => {
  await using t = testSystem();
  const round = async () => {
    const actors = Array.from({ length: SPARE_WORKERS }, () => t.system.spawn(Where));
    await Promise.all(actors.map((actor) => t.bridge.call(actor, "where", LONG)));
    await t.bridge.stop(actors, 20_000);
  };
  await round(); // their first Workers
  const before = threadIdsUsed(t);
  for (let i = 0; i < 10; i++) await round();
  const started = threadIdsUsed(t) - before;
  assert.equal(
    started,
    0,
    `${started} Workers started for 10 rounds of ${SPARE_WORKERS} actors spawned together`,
  );
});

Deno.test("spare: idle spare Workers leave every one of maxActors to the program's actors", async () => {
  // guardian + Bridge + four actors of their own and their agents: full.
  await using t = testSystem({ maxActors: 10 });
  const own = Array.from({ length: 4 }, () => t.system.spawn(Where));
  await Promise.all(own.map((actor) => t.bridge.call(actor, "where", LONG)));
  await t.bridge.stop(own, 20_000);
  const pool = t.system.createPool({ workers: 1 });
  const parent = pool.spawn(Spawning);
  // guardian, Bridge, the pool's agent, the parent: six more, whether spawned here or by an actor.
  for (let i = 0; i < 3; i++) pool.spawn(Echo);
  const answers: string[] = [];
  for (let i = 0; i < 4; i++) answers.push(await t.bridge.call(parent, "spawn", LONG) as string);
  assert.deepEqual(answers.slice(0, 3), ["ok", "ok", "ok"], "children while there is room");
  assert.match(answers[3], /ArenaFullError/, "no more than maxActors: spares take none of them");
  assert.throws(() => pool.spawn(Echo), ArenaFullError);
});

Deno.test("spare: an actor of its own restarted after its Worker was killed starts in a spare", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const before = Array.from({ length: 2 }, () => t.system.spawn(Where));
  const spares = new Set(await Promise.all(before.map((a) => t.bridge.call(a, "where", LONG))));
  await t.bridge.stop(before, 20_000);
  const actor = t.system.spawn(Where);
  await t.bridge.call(actor, "where", LONG); // in a spare: one is left
  const ids = threadIdsUsed(t);
  assert.ok(terminateWorkerOf(t.system, actor));
  let where: unknown = null;
  await eventually(async () => {
    where = await t.bridge.call(actor, "where", LONG).catch(() => null);
    return where !== null;
  }, "the restarted actor answers");
  assert.ok(spares.has(where), "restarted in the spare left");
  assert.equal(threadIdsUsed(t) - ids, 0, "no Worker started for the restart");
});

Deno.test("spare: spares retired for want of memory leave the program no more than maxActors once they end", async () => {
  await using t = testSystem({ maxActors: 10, maxMemoryBytes: 32 << 20 });
  // guardian + Bridge + four actors of their own and their agents: full; stopped, four spares.
  const own = Array.from({ length: 4 }, () => t.system.spawn(Where));
  await Promise.all(own.map((actor) => t.bridge.call(actor, "where", LONG)));
  await t.bridge.stop(own, 20_000);
  await eventually(() => t.system.workerCount === 0, "the four idle Workers are spares");
  // guardian, Bridge, the pool's agent and six actors: nine of ten, one slot left.
  const pool = t.system.createPool({ workers: 1 });
  const busy = Array.from({ length: 6 }, () => pool.spawn(Echo));
  await Promise.all(busy.map((actor, i) => t.bridge.call(actor, i, LONG)));
  // A mailbox larger than the memory left: the spares are retired to give theirs back.
  assert.throws(() => pool.spawnWith(Echo, { mailboxCapacity: 1 << 27 }), ArenaFullError);
  await eventually(() => t.system.workerCount === 1, "the retired spares ended");
  let spawned = 0;
  for (; spawned < 8; spawned++) {
    try {
      pool.spawn(Echo);
    } catch (error) {
      assert.ok(error instanceof ArenaFullError, `${error}`);
      break;
    }
  }
  // The spares' agents' slots were the kept ones: as they came back, they were kept again.
  assert.equal(spawned, 1, `${spawned} actors spawned where one slot of maxActors was left`);
});

Deno.test("spare: spares retired for want of memory leave the program its last slot while they end", async () => {
  await using t = testSystem({ maxActors: 10, maxMemoryBytes: 32 << 20 });
  const own = Array.from({ length: 4 }, () => t.system.spawn(Where));
  await Promise.all(own.map((actor) => t.bridge.call(actor, "where", LONG)));
  await t.bridge.stop(own, 20_000);
  await eventually(() => t.system.workerCount === 0, "the four idle Workers are spares");
  // guardian, Bridge, the pool's agent and six actors: nine of ten, one slot left.
  const pool = t.system.createPool({ workers: 1 });
  const busy = Array.from({ length: 6 }, () => pool.spawn(Echo));
  await Promise.all(busy.map((actor, i) => t.bridge.call(actor, i, LONG)));
  assert.throws(() => pool.spawnWith(Echo, { mailboxCapacity: 1 << 27 }), ArenaFullError);
  // The retired spares' agents hold the kept slots until their Workers end: the free one is
  // still the program's.
  const last = pool.spawn(Echo);
  assert.equal(await t.bridge.call(last, "last", LONG), "last");
  assert.throws(() => pool.spawn(Echo), ArenaFullError);
});

Deno.test("spare: a spare retired for want of memory before its idle report came is no spare again", async () => {
  await using t = testSystem({ maxActors: 10, maxMemoryBytes: 32 << 20 });
  const { workers } = internalsOf(t.system);
  const first = t.system.spawn(Where);
  const retiredWorker = await t.bridge.call(first, "where", LONG);
  await t.bridge.stop([first], 20_000);
  await eventually(() => t.system.workerCount === 0, "the idle Worker is the spare");
  const [spare] = workers.values();
  const pool = t.system.createPool({ workers: 1 });
  assert.throws(() => pool.spawnWith(Echo, { mailboxCapacity: 1 << 27 }), ArenaFullError);
  // The end of its actor made it the spare (emptied); its own report (WorkerIdle) comes later,
  // here after the spare was retired — as the guardian hands it over, in the same turn, before
  // the Worker's end can be heard.
  workers.idle(spare);
  assert.ok(workers.inUse().includes(spare), "retired, it ends: no spare");
  const ids = threadIdsUsed(t);
  const next = t.system.spawn(Where);
  // Placed in the retired one, it would be moved once that one ended, its start held up — and
  // with memory short, the move could fail for want of a Worker's mailbox.
  assert.equal(threadIdsUsed(t) - ids, 1, "a Worker of its own, not the one that ends");
  assert.notEqual(await t.bridge.call(next, "where", LONG), retiredWorker);
  await eventually(
    () => !Array.from(workers.values()).includes(spare),
    "the retired spare ended",
  );
});

Deno.test("spare: a spare that dies leaves the program its last slot, and no more than maxActors once it is recovered", async () => {
  await using t = testSystem({ maxActors: 10 });
  const { bridgeHost: { directory }, workers, terminateWorker } = internalsOf(t.system);
  const first = t.system.spawn(Where);
  await t.bridge.call(first, "where", LONG);
  await t.bridge.stop([first], 20_000);
  await eventually(() => t.system.workerCount === 0, "the idle Worker is the spare");
  const [spare] = workers.values();
  // guardian, Bridge, the pool's agent and six actors: nine of ten, one slot left.
  const pool = t.system.createPool({ workers: 1 });
  const busy = Array.from({ length: 6 }, () => pool.spawn(Echo));
  await Promise.all(busy.map((actor, i) => t.bridge.call(actor, i, LONG)));
  const recovered = terminateWorker(spare);
  assert.equal(recovered.length, 1);
  // Its agent holds its slot until its recovery frees it: that one stands for the kept slot
  // the spare held, not the program's last one.
  const last = pool.spawn(Echo);
  await within(20_000, "the dead spare's recovery", Promise.all(recovered));
  // Its agent's slot came back, as the kept slot owed: the program's maxActors and the kept
  // slots, and not one more.
  assert.equal(directory.live, directory.capacity - 1, "every slot is taken (slot 0 is none)");
  assert.equal(await t.bridge.call(last, "last", LONG), "last");
  assert.throws(() => pool.spawn(Echo), ArenaFullError, "no more than maxActors");
});
