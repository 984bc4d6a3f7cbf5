/**
 * Messages between actors of one Worker wait in that Worker's memory (local mail, or a backlog
 * for a full ring of its own): when the Worker dies or is cut off at shutdown, they are lost with
 * it — but never silently. Each is counted as a dead letter (one report per actor, with the
 * count) and in the shutdown report, so that sent = handled + dead letters, exactly.
 */
import assert from "node:assert/strict";
import type { ActorRef, DeadLetter } from "../../mod.ts";
import { terminateWorkerOf } from "../../src/system/internal.ts";
import { FloodParent, FloodWithBlock, LocalFlooder, SlowCounter } from "../_actors/busy.ts";
import { type TestSystem, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };
const SENT = 100_000;
/** The flood's "block" goes as this message: what is behind it waits when the Worker goes. */
const BLOCK_AT = 500;

/** How many messages the dead letters reported for `target` stand for. */
function lettersFor(t: TestSystem, target: DeadLetter["target"]): number {
  return t.deadLetters
    .filter((d) => d.target?.equals(target!))
    .reduce((sum, d) => sum + d.count, 0);
}

/**
 * A slow counter and a flooder next to it; the flooder sends SENT messages, the counter blocks
 * at the BLOCK_AT-th. Resolves to the refs and how many the counter had handled then.
 * @param warm whether the counter is served once first, so its neighbour's sends skip its ring
 * (local mail); otherwise they go through its small ring and, while it is full, wait in a
 * backlog of the Worker.
 */
async function floodAndBlock(t: TestSystem, warm: boolean) {
  const pool = t.system.createPool({ workers: 1, mailboxCapacity: 1024 });
  const counter = pool.spawn(SlowCounter, 0.01);
  const flooder = pool.spawnWith(LocalFlooder, { near: counter });
  await Promise.all([counter, flooder].map((ref) => t.system.started(ref)));
  if (warm) assert.equal(await t.bridge.call(counter, "count", LONG), 0);
  const handled = await t.bridge.call(
    flooder,
    new FloodWithBlock(counter, SENT, BLOCK_AT),
    LONG,
  ) as number;
  assert.equal(handled, BLOCK_AT + 1, "the counter blocked at the block, which it counts");
  return { counter, flooder, handled };
}

for (const warm of [true, false]) {
  const path = warm ? "local mail" : "a backlog for its own full ring";
  Deno.test(`local mail death: messages in ${path} of a killed Worker are dead letters, every one`, async () => {
    await using t = testSystem();
    const { counter, handled } = await floodAndBlock(t, warm);
    const before = t.system.deadLetters;
    assert.ok(terminateWorkerOf(t.system, counter));
    await t.until(() => lettersFor(t, counter) >= SENT - handled, "the dead letters", 20_000);
    assert.equal(lettersFor(t, counter), SENT - handled, "sent = handled + dead letters");
    assert.equal(t.system.deadLetters - before, SENT - handled, "system.deadLetters is exact");
    assert.ok(
      t.deadLetters.filter((d) => d.target?.equals(counter)).every((d) =>
        d.kind === "worker-died" && /SlowCounter ended: its Worker died/.test(d.reason)
      ),
    );
  });
}

Deno.test("local mail death: an actor restarted after its Worker died hears of what it lost there", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(FloodParent);
  const [counter, flooder] = await t.bridge.call(parent, "start", LONG) as ActorRef<unknown>[];
  // Usually its neighbour's sends go local from now on; on a loaded machine the counter's turn
  // may end before it sees its ring empty, and they go through its ring (and, once that is full,
  // a backlog in the Worker's memory). Either way the sum below holds.
  assert.equal(await t.bridge.call(counter, "count", LONG), 0);
  const handled = await t.bridge.call(flooder, new FloodWithBlock(counter, SENT, BLOCK_AT), LONG);
  assert.equal(handled, BLOCK_AT + 1);
  const before = t.system.deadLetters;
  assert.ok(terminateWorkerOf(t.system, counter));
  // The same ref and mailbox, a fresh instance. What waited in the ring is still there for it:
  // the count comes after those records, so it answers how many of them it handled. What the
  // dead Worker held in its memory (local mail, a backlog) died with it, reported before the
  // restart: as dead letters.
  const afterRestart = await t.bridge.call(counter, "count", LONG) as number;
  assert.ok(afterRestart < SENT - handled, "most of the flood waited in the Worker's memory");
  assert.equal(
    lettersFor(t, counter) + afterRestart,
    SENT - handled,
    "sent = handled + dead letters + handled after the restart",
  );
  assert.equal(t.system.deadLetters - before, SENT - handled - afterRestart);
  const letter = t.deadLetters.find((d) => d.target?.equals(counter))!;
  assert.equal(letter.kind, "worker-died");
  assert.match(letter.reason, /SlowCounter lost its Worker \(it was terminated\)/);
});

Deno.test("local mail death: messages left between actors cut off at shutdown are undelivered", async () => {
  const t = testSystem();
  const { counter, handled } = await floodAndBlock(t, true);
  const before = t.system.deadLetters;
  const report = await within(20_000, "the shutdown", t.system.shutdown({ timeout: 200 }));
  assert.equal(report.undelivered, SENT - handled, "sent = handled + undelivered");
  assert.equal(lettersFor(t, counter), SENT - handled);
  assert.equal(t.system.deadLetters - before, SENT - handled);
  assert.ok(t.deadLetters.every((d) => d.kind === "shutdown"));
  await t[Symbol.asyncDispose]();
});
