/**
 * What a Worker holds for an actor of another Worker: messages waiting for room in its full
 * mailbox, and the runtime's own notices to it (a parent's Stop). A notice never fails its
 * sender however long the mailbox stays full, and what the sending Worker holds when it dies is
 * counted as dead letters — never lost silently, whichever Worker the receiver is on.
 */
import assert from "node:assert/strict";
import { ActorRef, type DeadLetter } from "../../mod.ts";
import { INTERNALS, terminateWorkerOf } from "../../src/system/internal.ts";
import { FarParent, Push, Pusher, SleepyParent, SpawnFar } from "../_actors/far_child.ts";
import { Grinder } from "../_actors/busy.ts";
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
 * A parent spawns a child and sends it `sent` messages before the system has placed it, then its
 * Worker dies. This thread stays busy meanwhile, its guardian with it, until the parent has sent
 * (an environment variable says so: the process's environment is shared): the child is not
 * placed meanwhile (it may start in the parent's Worker), so its parent's sends do not block,
 * and what does not fit the child's 1 KiB ring waits in the parent's Worker when it dies. The
 * child never starts (its parent ended first). Resolves to the child once every message is a
 * dead letter.
 */
async function floodThenDie(t: TestSystem, sent: number): Promise<ActorRef<unknown>> {
  const parent = farParent(t);
  await t.system.started(parent);
  const key = `RINGMAIL_FAR_BACKLOG_${crypto.randomUUID().replaceAll("-", "_")}`;
  parent.send(new SpawnFar(0, 1024, 0, null, sent, key));
  const deadline = performance.now() + 20_000;
  let spawned: string | undefined;
  while ((spawned = Deno.env.get(key)) === undefined) {
    if (performance.now() > deadline) throw new Error("the parent did not send within 20 s");
  }
  Deno.env.delete(key);
  assert.ok(terminateWorkerOf(t.system, parent));
  const [slot, generation] = spawned.split(" ").map(Number);
  const child = new ActorRef(slot, generation, 0, t.system[INTERNALS].bridgeHost.courier);
  await t.until(() => lettersFor(t, child) >= sent, "the dead letters");
  return child;
}

Deno.test("far backlog: what a Worker that dies held for a full mailbox in another Worker is counted, every message", async () => {
  await using t = testSystem();
  const SENT = 300;
  const child = await floodThenDie(t, SENT);
  assert.equal(lettersFor(t, child), SENT, "sent = dead letters, each counted once");
  const held = t.deadLetters.filter((d) => d.target?.equals(child) && d.count > 1);
  assert.equal(held.length, 1, "one report for what the dead Worker held");
  assert.equal(held[0].kind, "worker-died");
  assert.match(
    held[0].reason,
    /Ledger were lost with the Worker of the actors that sent them \(it was terminated\): they waited there for room in its mailbox/,
  );
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

Deno.test("far backlog: a Worker's sends to a mailbox full past its send timeout throw, also behind a notice waiting for it", async () => {
  await using t = testSystem();
  const parent = t.system.spawnWith(SleepyParent, { mailboxCapacity: 1024, sendTimeout: 200 });
  const child = await t.bridge.call(parent, "spawn", LONG) as ActorRef<string>;
  const pusher = t.system.spawnWith(Pusher, { near: child });
  await Promise.all([child, pusher].map((ref) => t.system.started(ref)));
  parent.send(3_000); // its mailbox unread meanwhile
  assert.equal(await t.bridge.call(pusher, new Push(parent, 1_000), LONG), "MailboxFullError");
  // The child's Failed to its parent waits for room in the child's Worker: the pusher's too.
  child.send("fail");
  assert.equal(
    (await within(20_000, "the child's end", t.bridge.whenTerminated(child))).kind,
    "failed",
  );
  assert.equal(
    await t.bridge.call(pusher, new Push(parent, 1_000), LONG),
    "MailboxFullError",
    "the sends behind the notice wait for room as any send does, for the send timeout",
  );
});

Deno.test("far backlog: a Worker's death before a shutdown adds nothing to the shutdown's undelivered", async () => {
  await using t = testSystem();
  await floodThenDie(t, 300);
  const report = await within(20_000, "the shutdown", t.system.shutdown({ timeout: 10_000 }));
  assert.deepEqual(report.cutOff, [], "nothing was cut off");
  assert.equal(report.undelivered, 0, "what was lost with the Worker that died is no shutdown's");
});

Deno.test("far backlog: a notice waiting in a Worker that dies is the runtime's own, no user's lost message", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 2 });
  const parent = pool.spawn(FarParent);
  const neighbour = pool.spawnWith(Grinder, { near: parent });
  const child = await t.bridge.call(parent, new SpawnFar(2_000, 1024, 50), LONG) as ActorRef<
    unknown
  >;
  await Promise.all([child, neighbour].map((ref) => t.system.started(ref)));
  for (let i = 0; i < 200; i++) child.send(i); // its ring full, it holding
  // The parent's Stop to the child waits in the parent's Worker.
  await within(20_000, "the parent's stop", t.bridge.stop([parent], LONG));
  neighbour.send(3_000); // busy: what comes next waits in its mailbox
  neighbour.send("count");
  assert.ok(terminateWorkerOf(t.system, neighbour));
  // The recovery drains the neighbour's mailbox, then counts what the Worker held for others.
  await t.until(() => t.deadLetters.some((d) => d.message === "count"), "the recovery");
  assert.deepEqual(
    t.deadLetters.filter((d) =>
      d.messageClass === "messages held in their sender's Worker's memory"
    )
      .map((d) => d.reason),
    [],
  );
});
