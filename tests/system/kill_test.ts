/**
 * `system.kill`: the way to end an actor that `Stop` cannot reach — stuck in a synchronous loop,
 * or in an async handler that never settles. Calls to it settle at once, watchers hear it was
 * killed, and its supervisor decides whether it comes back.
 */
import assert from "node:assert/strict";
import { type ActorRef, type ActorSystemOptions, Bridge } from "../../mod.ts";
import { ActorDeadError } from "../../errors.ts";
import { Hung, releaseLoop } from "../_actors/lifecycle.ts";
import { Echo } from "../_actors/basic.ts";
import { busyFor } from "../_actors/busy.ts";
import { Exiter, SpamThenExit } from "../_actors/exiting.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { eventually, type TestSystem, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

/**
 * Runs `body` with a system whose stuck loops (`"loop <key>"`) are released once it is shut
 * down: Deno cannot stop a thread in a loop, and it would load every test after this one.
 */
async function withSystem(
  options: ActorSystemOptions,
  body: (t: TestSystem, loop: string) => Promise<void>,
): Promise<void> {
  const key = crypto.randomUUID();
  try {
    await using t = testSystem(options);
    await body(t, `loop ${key}`);
  } finally {
    releaseLoop(key);
  }
}

/**
 * Kills `target`, stuck on `stuckOn`, while a call waits in its mailbox: checks that the call
 * settles at once — with ActorDeadError when the actor ends, answered by its new instance when it
 * is restarted (the killed instance never took it).
 */
async function killWhileStuck(
  t: TestSystem,
  target: ActorRef<string>,
  stuckOn: string,
  restarted = false,
) {
  // Answered just before it gets stuck: it has taken the message out of its mailbox.
  assert.equal(await t.bridge.call(target, stuckOn, LONG), stuckOn);
  const pending = t.bridge.call(target, "queued", { timeout: 600_000 });
  const killedAt = performance.now();
  assert.ok(t.system.kill(target, "it is stuck"));
  const outcome = await within(10_000, "the pending call", pending.catch((e) => e));
  if (restarted) {
    assert.equal(outcome, "queued", "answered by the new instance");
  } else {
    assert.ok(outcome instanceof ActorDeadError, String(outcome));
    assert.match(outcome.message, /Hung was killed: it is stuck/);
  }
  assert.ok(performance.now() - killedAt < 10_000, "settled at once, not at its timeout");
}

/** How many messages wait in `actor`'s mailbox, by `system.inspect()`. */
function waitingFor(t: TestSystem, actor: ActorRef<unknown>): number {
  const snapshot = t.system.inspect().actors.find((a) => a.ref.equals(actor));
  return snapshot?.mailbox.waiting ?? -1;
}

for (const stuck of ["loop", "hang"]) {
  const what = stuck === "loop" ? "a synchronous loop" : "an async handler that never settles";

  Deno.test(`kill: an actor stuck in ${what} ends; watchers hear it was killed`, async () => {
    await withSystem({}, async (t, loop) => {
      const hung = t.system.spawn(Hung);
      const end = t.bridge.whenTerminated(hung);
      await killWhileStuck(t, hung, stuck === "loop" ? loop : stuck);
      const { kind, reason, error } = await within(10_000, "its end", end);
      assert.equal(kind, "killed");
      assert.equal(reason, "Hung was killed: it is stuck");
      assert.equal(error?.name, "ActorKilledError");
      assert.equal(t.system.kill(hung), false, "it is not running any more");
    });
  });

  Deno.test(`kill: with a restart strategy, an actor stuck in ${what} comes back behind its ref`, async () => {
    await withSystem({ supervision: { onFailure: "restart" } }, async (t, loop) => {
      const hung = t.system.spawn(Hung);
      const first = await t.bridge.call(hung, "id", LONG);
      await killWhileStuck(t, hung, stuck === "loop" ? loop : stuck, true);
      let second: unknown = null;
      await eventually(async () => {
        second = await t.bridge.call(hung, "id", { timeout: 2_000, default: null });
        return second !== null;
      }, "the restarted actor answers");
      assert.notEqual(second, first, "a fresh instance");
      assert.equal(await t.bridge.call(hung, "still here", LONG), "still here");
    });
  });
}

Deno.test("kill: with a restart strategy, the call the killed instance took fails, and the calls still in its mailbox are answered by the new one, in order", async () => {
  await withSystem({ supervision: { onFailure: "restart" } }, async (t) => {
    const hung = t.system.spawn(Hung);
    const first = await t.bridge.call(hung, "id", LONG);
    const taken = t.bridge.call(hung, "hang quietly", { timeout: 600_000 }).catch((e) => e);
    await eventually(() => waitingFor(t, hung) === 0, "the instance took the call");
    const queued = ["a", "b", "id"].map((text) =>
      t.bridge.call(hung, text, { timeout: 600_000 }).catch((e) => e)
    );
    await eventually(() => waitingFor(t, hung) === 3, "the later calls wait in its mailbox");
    assert.ok(t.system.kill(hung, "it is stuck"));
    const error = await within(10_000, "the call the killed instance took", taken);
    assert.ok(error instanceof ActorDeadError, String(error));
    assert.match(error.message, /Hung was killed: it is stuck/);
    const answers = await within(10_000, "the queued calls", Promise.all(queued));
    assert.deepEqual(answers.slice(0, 2), ["a", "b"]);
    assert.equal(typeof answers[2], "string");
    assert.notEqual(answers[2], first, "answered by a fresh instance");
  });
});

Deno.test("kill: with a restart strategy, a call still waiting for room in the killed actor's full mailbox is answered by the new instance", async () => {
  await withSystem({ supervision: { onFailure: "restart" } }, async (t) => {
    const hung = t.system.spawnWith(Hung, { mailboxCapacity: 256 });
    using other = new Bridge(t.system);
    const taken = t.bridge.call(hung, "hang quietly", { timeout: 600_000 }).catch((e) => e);
    await eventually(() => waitingFor(t, hung) === 0, "the instance took the call");
    // Another Bridge's calls fill the mailbox: this Bridge's next call waits behind them, for
    // room, outside the mailbox (in the system thread's backlog).
    const filling = Array.from(
      { length: 20 },
      (_, i) => other.call(hung, `fill ${i}`, { timeout: 600_000 }).catch((e) => e),
    );
    const late = t.bridge.call(hung, "late", { timeout: 600_000 }).catch((e) => e);
    assert.ok(waitingFor(t, hung) < 20, "some of the calls wait for room");
    assert.equal(
      internalsOf(t.system).bridgeHost.courier.backlogged,
      1,
      "the system thread holds what does not fit, the late call with it",
    );
    assert.ok(t.system.kill(hung, "it is stuck"));
    const error = await within(10_000, "the call the killed instance took", taken);
    assert.ok(error instanceof ActorDeadError, String(error));
    const answers = await within(10_000, "the other calls", Promise.all([...filling, late]));
    assert.deepEqual(answers, [...Array.from({ length: 20 }, (_, i) => `fill ${i}`), "late"]);
  });
});

Deno.test("kill: a pooled actor's Worker-mates are restarted on live Workers; the pool keeps its size", async () => {
  await withSystem({ supervision: { onFailure: "restart" } }, async (t, loop) => {
    const pool = t.system.createPool({ workers: 2 });
    const hung = pool.spawn(Hung);
    const mate = pool.spawnWith(Hung, { near: hung });
    const other = pool.spawn(Hung); // round-robin: the other Worker
    const [mateId, otherId] = [
      await t.bridge.call(mate, "id", LONG),
      await t.bridge.call(other, "id", LONG),
    ];
    await killWhileStuck(t, hung, loop, true);
    await eventually(async () => {
      const ids = await Promise.all(
        [hung, mate].map((actor) => t.bridge.call(actor, "id", { timeout: 2_000, default: null })),
      );
      return ids.every((id) => id !== null);
    }, "the killed actor and its Worker-mate answer again");
    assert.notEqual(await t.bridge.call(mate, "id", LONG), mateId, "the mate was restarted");
    assert.equal(await t.bridge.call(other, "id", LONG), otherId, "the other's was not");
    assert.equal(pool.size, 2);
  });
});

Deno.test("kill: the old thread of an actor killed while busy takes no message after its handler", async () => {
  await withSystem({ supervision: { onFailure: "restart", maxRestarts: 100 } }, async (t) => {
    const busy = t.system.spawn(Hung);
    // Deno cannot stop a thread in a handler: the old one runs "busy" to its end after the
    // kill. Calls keep coming meanwhile, and only the new instance may take them. (The old
    // thread, were it let go on, would take some now and then: rounds make that show.)
    for (let round = 0; round < 10; round++) {
      const old = await t.bridge.call(busy, "id", LONG);
      assert.equal(await t.bridge.call(busy, "busy 300", LONG), "busy 300");
      const killedAt = performance.now();
      assert.ok(t.system.kill(busy, "too slow"), `round ${round}`);
      const answers: unknown[] = [];
      while (performance.now() - killedAt < 500) {
        answers.push(
          ...await Promise.all(
            Array.from(
              { length: 20 },
              () => t.bridge.call(busy, "id", { timeout: 5_000, default: null }),
            ),
          ),
        );
      }
      assert.ok(!answers.includes(old), `round ${round}: the killed instance answered`);
      assert.ok(!answers.includes(null), `round ${round}: a call got no answer`);
    }
  });
});

Deno.test("kill: the messages left in a killed actor's mailbox are dead letters, even when a shutdown follows at once", async () => {
  const t = testSystem();
  const hung = t.system.spawn(Hung);
  assert.equal(await t.bridge.call(hung, "hang", { timeout: 20_000 }), "hang"); // busy for good
  for (let i = 0; i < 5; i++) hung.send(`queued ${i}`);
  const before = t.system.deadLetters;
  assert.ok(t.system.kill(hung, "stuck"));
  // Its Worker's recovery is under way as the shutdown begins: the shutdown waits for it.
  const report = await within(20_000, "the shutdown", t.system.shutdown({ timeout: 5_000 }));
  t.bridge.close();
  assert.deepEqual(report.cutOff, []);
  assert.equal(
    t.system.deadLetters - before,
    5,
    `the five messages left in its mailbox: dead letters (got ${
      JSON.stringify(t.deadLetters.map((d) => [d.kind, d.message]))
    })`,
  );
});

Deno.test("kill: Deno.exit() right after many reports to a busy guardian is still seen as the Worker's death", async () => {
  await using t = testSystem();
  const exiter = t.system.spawn(Exiter);
  const other = t.system.spawn(Echo);
  await Promise.all([exiter, other].map((ref) => t.system.started(ref)));
  const ended = t.bridge.whenTerminated(exiter);
  exiter.send(new SpamThenExit(other, 40_000));
  // This thread is busy: the guardian's 1 MiB mailbox fills with the Worker's Watch/Unwatch.
  busyFor(3_000);
  const end = await within(20_000, "the exiter's end", ended);
  assert.equal(end.kind, "worker-died");
  assert.match(end.reason, /Deno\.exit\(3\)/);
});

Deno.test("kill: a pool's killed Worker is replaced by one Worker, using up one thread id per kill", async () => {
  await using t = testSystem();
  const arena = internalsOf(t.system).bridgeHost.arena;
  const pool = t.system.createPool({ workers: 1 });
  let actor = pool.spawn(Echo);
  assert.equal(await t.bridge.call(actor, 0, LONG), 0);
  const before = arena.header[4]; // the next thread id: one per Worker ever started
  const KILLS = 5;
  for (let i = 1; i <= KILLS; i++) {
    assert.ok(t.system.kill(actor, `kill ${i}`));
    await within(20_000, "the killed actor's end", t.bridge.whenTerminated(actor));
    actor = pool.spawn(Echo);
    assert.equal(await t.bridge.call(actor, i, LONG), i);
  }
  // A killed thread cannot run again: its replacement is a new one, and nothing more.
  assert.equal(arena.header[4] - before, KILLS, "thread ids used");
  assert.equal(t.system.workerCount, 1);
});
