/**
 * The courier: how a thread sends. These tests check what a sender sees whichever ref it holds:
 * one sender's messages arrive in order through every ref to the same actor, also while they
 * wait for room in a full mailbox.
 */
import assert from "node:assert/strict";
import { type ActorRef, Stopped } from "../../mod.ts";
import { Echo } from "../_actors/basic.ts";
import { Numbered, OrderSink, Report } from "../_actors/behaviours.ts";
import {
  Burst,
  Burster,
  type BurstOutcome,
  Hold,
  Ledger,
  type LedgerReport,
} from "../_actors/ledger.ts";
import { eventually, type TestSystem, testSystem } from "../_system.ts";
import { internalsOf } from "../../src/system/internal.ts";

interface OrderReport {
  received: number;
  disorder: string[];
}

const LONG = { timeout: 30_000 };

Deno.test("courier: the main thread's sends through two equal refs keep their order in a full mailbox", async () => {
  await using t = testSystem();
  const sink = t.system.spawnWith(OrderSink, { mailboxCapacity: 256 });
  const echo = t.system.spawn(Echo);
  // The same actor, through a ref decoded from a reply: it must share the spawn ref's backlog.
  const same = await t.bridge.call(echo, sink, LONG) as typeof sink;
  assert.ok(same.equals(sink) && same !== sink);
  const COUNT = 1_000;
  for (let seq = 0; seq < COUNT; seq++) sink.send(new Numbered("main", seq));
  for (let seq = COUNT; seq < 2 * COUNT; seq++) same.send(new Numbered("main", seq));
  let report: OrderReport = { received: 0, disorder: [] };
  await eventually(async () => {
    report = await t.bridge.call(sink, new Report(), LONG) as OrderReport;
    return report.received === 2 * COUNT || report.disorder.length > 0;
  }, "every message received");
  assert.deepEqual(report, { received: 2 * COUNT, disorder: [] });
  assert.equal(t.system.deadLetters, 0);
});

Deno.test("courier: a record from another node that waits for room is its node's until it leaves the backlog", async () => {
  await using t = testSystem();
  const courier = internalsOf(t.system).bridgeHost.courier;
  const left: number[] = [];
  courier.leftBacklog = (node) => left.push(node);
  const sink = t.system.spawnWith(OrderSink, { mailboxCapacity: 256 });
  const record = courier.encode(sink, new Numbered("far", 0), null);
  assert.equal(courier.deliverEncoded(sink, record, null, undefined, 7), false, "it went in");
  for (let seq = 0; seq < 500; seq++) sink.send(new Numbered("main", seq));
  assert.ok(courier.backlogged > 0, "the main thread queued what did not fit");
  const queued = courier.deliverEncoded(sink, record, null, undefined, 7);
  assert.equal(queued, true, "behind the main thread's own: it waits");
  assert.deepEqual(left, []);
  await eventually(() => left.length === 1, "it left the backlog");
  assert.deepEqual(left, [7]);
  assert.equal(courier.backlogged, 0);
});

/**
 * Asks `ledger` until it got `count` messages (or some out of order, or the rest became dead
 * letters); returns its report.
 */
async function reportOf(t: TestSystem, ledger: ActorRef, count: number): Promise<LedgerReport> {
  let report: LedgerReport = { received: 0, disorder: [] };
  await eventually(async () => {
    report = await t.bridge.call(ledger, new Report(), LONG) as LedgerReport;
    return report.received + t.deadLetters.length >= count || report.disorder.length > 0;
  }, `${count} messages received`);
  return report;
}

Deno.test("courier: a send to a neighbour not started yet is not dropped by a long turn of its sender", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const burster = pool.spawn(Burster);
  // The child's ring (256 bytes) holds a few; the rest wait until it starts, after this turn.
  const burst = new Burst(null, 100, 300, -1, 256, 50);
  const { target } = await t.bridge.call(burster, burst, LONG) as BurstOutcome;
  assert.deepEqual(await reportOf(t, target, 100), { received: 100, disorder: [] });
  assert.deepEqual(t.deadLetters.map((d) => d.kind), []);
});

Deno.test("courier: a send to a running neighbour whose ring is full is not dropped by a long turn", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  // Never sent anything from its own Worker yet: the burster's sends go through its ring.
  const ledger = pool.spawnWith(Ledger, { mailboxCapacity: 256, sendTimeout: 50 });
  const burster = pool.spawnWith(Burster, { near: ledger });
  await Promise.all([t.system.started(ledger), t.system.started(burster)]);
  await t.bridge.call(burster, new Burst(ledger, 10, 300), LONG);
  assert.deepEqual(await reportOf(t, ledger, 10), { received: 10, disorder: [] });
  assert.deepEqual(t.deadLetters.map((d) => d.kind), []);
});

Deno.test("courier: a neighbour that drains nothing for the send timeout makes the next send throw", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const ledger = pool.spawnWith(Ledger, { mailboxCapacity: 256, sendTimeout: 100 });
  const burster = pool.spawnWith(Burster, { near: ledger });
  await Promise.all([t.system.started(ledger), t.system.started(burster)]);
  // The ledger takes nothing for 1.5 s; its Worker is free: the backlog's time runs.
  const held = t.bridge.call(ledger, new Hold(1500), LONG).catch((error) => error);
  const COUNT = 100;
  const outcome = await t.bridge.call(burster, new Burst(ledger, COUNT, 0, 400), LONG);
  assert.equal((outcome as BurstOutcome).later, "MailboxFullError");
  assert.equal(await held, "held");
  // What was accepted arrives, in order; the refused message never does.
  assert.deepEqual(await reportOf(t, ledger, COUNT), { received: COUNT, disorder: [] });
  assert.deepEqual(t.deadLetters.map((d) => d.kind), []);
});

Deno.test("courier: a parent's Stop to a stuck child of its Worker never fails for a full mailbox", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const parent = pool.spawn(Burster);
  const { target: child } = await t.bridge.call(
    parent,
    new Burst(null, 0, 0, -1, 256, 100),
    LONG,
  ) as BurstOutcome;
  await t.system.started(child);
  // Held first: until then it has never read its ring empty, so the parent sends through it.
  const held = t.bridge.call(child, new Hold(1000), LONG).catch((error) => error);
  const atStop = t.bridge.call(child, "tell me at stop", LONG).catch((error) => error);
  // The child's backlog stays unmoved past its send timeout: the parent's next send throws...
  const COUNT = 100;
  const outcome = await t.bridge.call(parent, new Burst(child, COUNT, 0, 300), LONG);
  assert.equal((outcome as BurstOutcome).later, "MailboxFullError");
  // ...but the Stop the parent's own stop sends the child waits for room instead.
  const end = t.bridge.whenTerminated(child);
  assert.deepEqual(await t.bridge.stop([parent], 20_000), [new Stopped()]);
  assert.equal((await end).kind, "stopped");
  assert.equal(await held, "held");
  assert.deepEqual(t.failures, []);
  // The system's own Stop (the parent has ended) may overtake what still waited in the Worker:
  // those messages become dead letters, as after any Stop; none is lost for lack of room.
  const { received } = await atStop as LedgerReport;
  const numbered = () => t.deadLetters.filter((d) => d.messageClass === "Numbered");
  await t.until(() => numbered().length >= COUNT - received, "the rest as dead letters");
  assert.equal(received + numbered().length, COUNT);
  assert.deepEqual(t.deadLetters.filter((d) => d.kind !== "stopped"), []);
});
