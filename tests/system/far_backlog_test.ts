/**
 * What a Worker holds for an actor of another Worker: messages waiting for room in its full
 * mailbox, and the runtime's own notices to it (a parent's Stop). A notice never fails its
 * sender however long the mailbox stays full, and what the sending Worker holds when it dies is
 * counted as dead letters — never lost silently, whichever Worker the receiver is on.
 */
import assert from "node:assert/strict";
import type { ActorRef, DeadLetter } from "../../mod.ts";
import { terminateWorkerOf } from "../../src/system/internal.ts";
import { FarParent, Keeper, SpawnFar } from "../_actors/far_child.ts";
import type { LedgerReport } from "../_actors/ledger.ts";
import { type TestSystem, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

/** How many messages the dead letters reported for `target` stand for. */
function lettersFor(t: TestSystem, target: DeadLetter["target"]): number {
  return t.deadLetters
    .filter((d) => d.target?.equals(target!))
    .reduce((sum, d) => sum + d.count, 0);
}

/** A FarParent in a pool of two: round-robin, so its next child goes to the other Worker. */
function farParent(t: TestSystem) {
  return t.system.createPool({ workers: 2 }).spawn(FarParent);
}

/**
 * One round: a parent sends its new child `sent` messages before the system has placed the
 * child (it may start in the parent's own Worker), so the sends do not block: what does not fit
 * the child's 1 KiB ring waits in the parent's Worker, which is then terminated. Resolves to how
 * many the child got, once every message is accounted for.
 */
async function floodThenDie(t: TestSystem, sent: number): Promise<number> {
  const parent = farParent(t);
  const keeper = t.system.spawn(Keeper);
  const child = await t.bridge.call(
    parent,
    new SpawnFar(1_000, 1024, 0, keeper, sent),
    LONG,
  ) as ActorRef<unknown>;
  assert.ok(terminateWorkerOf(t.system, parent));
  // The parent ended with its Worker: the child is stopped, after what reached its ring.
  const { received, disorder } = await t.bridge.call(keeper, "?", LONG) as LedgerReport;
  assert.deepEqual(disorder, []);
  await t.until(() => lettersFor(t, child) >= sent - received, "the dead letters");
  assert.equal(lettersFor(t, child), sent - received, "sent = handled + dead letters");
  if (received < sent) {
    const held = t.deadLetters.filter((d) => d.target?.equals(child) && d.count > 1);
    assert.equal(held.length, 1, "one report for what the dead Worker held");
    assert.equal(held[0].kind, "worker-died");
    assert.match(
      held[0].reason,
      /Ledger were lost with the Worker of the actors that sent them \(it was terminated\): they waited there for room in its mailbox/,
    );
  }
  return received;
}

Deno.test("far backlog: what a Worker that dies held for a full mailbox in another Worker is counted, every message", async () => {
  await using t = testSystem();
  const SENT = 300;
  // Rarely the system places the child before its parent's sends fill its ring: they then
  // block until it drains, and all arrive. Each round checks the sum; one must hit the case.
  let waitedInParent = false;
  for (let round = 0; round < 5 && !waitedInParent; round++) {
    waitedInParent = await floodThenDie(t, SENT) < SENT;
  }
  assert.ok(waitedInParent, "in 5 rounds, the parent's Worker never held any of the flood");
});

Deno.test("far backlog: a parent's Stop to a child whose mailbox stays full past its send timeout waits, and the parent stops cleanly", async () => {
  await using t = testSystem();
  const parent = farParent(t);
  // Started, the child holds (its Worker free): its mailbox stays as full as it is made.
  const child = await t.bridge.call(parent, new SpawnFar(1_000, 1024, 50), LONG) as ActorRef<
    unknown
  >;
  await t.system.started(child);
  const report = t.bridge.call(child, "tell me at stop", LONG);
  // Fill the child's ring from here: what does not fit waits here, then becomes dead letters.
  const SENT = 200;
  for (let i = 0; i < SENT; i++) child.send(i);
  await within(20_000, "the parent's stop", t.bridge.stop([parent], LONG));
  const ended = await within(20_000, "the parent's end", t.bridge.whenTerminated(parent));
  assert.equal(ended.kind, "stopped", `the parent stopped, its Worker alive: ${ended.reason}`);
  // The Stop reached the child after what was in its ring: its report comes.
  await within(20_000, "the child's report", report);
  const childEnd = await within(20_000, "the child's end", t.bridge.whenTerminated(child));
  assert.equal(childEnd.kind, "stopped");
  assert.deepEqual(t.failures.map((f) => f.error.message), []);
});
