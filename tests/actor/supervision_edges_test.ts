/**
 * The edges of supervision and death watch: a slot reused before the news of its last actor
 * came, a stop asked before a failure, the runtime's own notices, the error of a kill, the
 * children of an instance whose Worker died, the names in reports.
 */
import assert from "node:assert/strict";
import { type ActorRef, Stop } from "../../mod.ts";
import { ActorKilledError, RingmailError } from "../../errors.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { Flaky, Grandparent, Probe, StartChild, StartParent } from "../_actors/supervision.ts";
import {
  AfterGate,
  Boss,
  EscalatingKeeper,
  Gate,
  Hire,
  Keeper,
  Observe,
} from "../_actors/supervision_edges.ts";
import { eventually, type TestSystem, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

/** Sends AfterGate to `keeper` and waits until it is held at `gate` (in its async handler). */
async function holdAtGate(
  t: TestSystem,
  keeper: ActorRef<unknown>,
  gate: ActorRef<string>,
  spawn: boolean,
): Promise<{ answer: Promise<ActorRef<string> | null> }> {
  const answer = t.bridge.call(keeper, new AfterGate(gate, true, spawn), LONG) as Promise<
    ActorRef<string> | null
  >;
  await eventually(async () => await t.bridge.call(gate, "held?", LONG) === true, "held");
  return { answer }; // wrapped: an async function's returned promise would be awaited
}

Deno.test("supervision edges: a Terminated on its way is delivered even if the watcher watches a new actor in the ended one's slot", async () => {
  await using t = testSystem();
  const keeper = t.system.spawn(Keeper);
  const gate = t.system.spawn(Gate);
  const first = t.system.spawn(Flaky);
  assert.equal(await t.bridge.call(first, "hi", LONG), "hi");
  assert.equal(await t.bridge.call(keeper, new Observe(first as never), LONG), "ok");
  // The keeper is busy in an async handler while `first` ends: its Terminated waits in the
  // keeper's mailbox. Then the handler spawns and watches a child, which takes the freed slot.
  const second = await holdAtGate(t, keeper, gate, true);
  await t.bridge.stop([first], 10_000);
  assert.equal((await t.bridge.whenTerminated(first as never)).kind, "stopped");
  assert.equal(await t.bridge.call(gate, "open", LONG), "ok");
  const kid = (await second.answer)!;
  assert.equal(kid.slot, first.slot, "precondition: the new child reuses the freed slot");
  // The Terminated was in the keeper's mailbox before this call: it has been handled.
  const ends: { kind: string; slot: number; generation: number }[] = await t.bridge.call(
    keeper,
    "ends",
    LONG,
  );
  assert.deepEqual(
    ends,
    [{ kind: "stopped", slot: first.slot, generation: first.generation }],
    "the keeper watched `first` and never unwatched it: it must get its one Terminated",
  );
});

Deno.test("supervision edges: an escalated failure is not lost when the parent spawned a child in the failed child's slot meanwhile", async () => {
  await using t = testSystem();
  const keeper = t.system.spawn(EscalatingKeeper); // its children: onFailure "escalate"
  const gate = t.system.spawn(Gate);
  const child: ActorRef<string> = await t.bridge.call(keeper, new Hire(), LONG);
  assert.equal(await t.bridge.call(child, "hi", LONG), "hi");
  const second = await holdAtGate(t, keeper, gate, true);
  child.send("fail"); // escalate: the child stops, then its parent fails with the error
  assert.equal((await t.bridge.whenTerminated(child as never)).kind, "failed");
  assert.equal(await t.bridge.call(gate, "open", LONG), "ok");
  const kid = (await second.answer)!;
  assert.equal(kid.slot, child.slot, "precondition: the new child reuses the freed slot");
  assert.equal(await t.bridge.call(keeper, "ping", LONG), "ping");
  await t.until(
    () => t.failures.some((f) => f.actor?.equals(keeper)),
    "the keeper's own failure (the escalation)",
    5_000,
  );
});

Deno.test("supervision edges (control): the same escalation reaches the parent when no child took the slot", async () => {
  await using t = testSystem();
  const keeper = t.system.spawn(EscalatingKeeper);
  const gate = t.system.spawn(Gate);
  const child: ActorRef<string> = await t.bridge.call(keeper, new Hire(), LONG);
  assert.equal(await t.bridge.call(child, "hi", LONG), "hi");
  const second = await holdAtGate(t, keeper, gate, false);
  child.send("fail");
  assert.equal((await t.bridge.whenTerminated(child as never)).kind, "failed");
  assert.equal(await t.bridge.call(gate, "open", LONG), "ok");
  assert.equal(await second.answer, null);
  await t.until(() => t.failures.some((f) => f.actor?.equals(keeper)), "escalation", 5_000);
});

Deno.test("supervision edges: an actor that stopped itself and then failed is not restarted into a fresh instance", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const probe = t.system.spawn(Probe);
  const boss = t.system.spawn(Boss, probe);
  await t.system.started(boss);
  const end = t.bridge.whenTerminated(boss as never);
  boss.send("stop-and-fail"); // this.context.stop(), then throw
  assert.equal((await within(10_000, "its end", end)).kind, "stopped");
  assert.deepEqual(
    await t.bridge.call(probe, "dump", LONG),
    ["boss start 1", "boss stop 1"],
    "stop() asked for the end: no fresh instance should be constructed and preStart-ed",
  );
});

Deno.test("supervision edges: a normal escalate-then-restart reports no dead letter of the runtime's own notices", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const grandparent = t.system.spawn(Grandparent); // restarts its EscalatingParents
  const parent: ActorRef<never> = await t.bridge.call(grandparent, new StartParent(probe), LONG);
  const child: ActorRef<string> = await t.bridge.call(
    parent as ActorRef<StartChild>,
    new StartChild(probe, "leaf"),
    LONG,
  );
  assert.equal(await t.bridge.call(child, "hi", LONG), "hi");
  child.send("fail"); // the child stops, the parent fails and is restarted (stopping its children)
  await t.bridge.whenTerminated(child as never);
  await eventually(
    async () =>
      (await t.bridge.call(probe, "dump", LONG) as unknown[]).includes("escalating parent start") &&
      (await t.bridge.call(probe, "dump", LONG) as unknown[]).filter((e) =>
          e === "escalating parent start"
        ).length === 2,
    "the parent's restart",
  );
  // Whatever the runtime sent meanwhile has been handled or dropped by now: one more round trip
  // through the parent (whose restart sent the Stop) and the system.
  assert.equal(await t.bridge.call(parent as ActorRef<string>, "children", LONG), 0);
  // A report on its way to the system's thread: give it a moment (bounded; passes if none).
  await t.until(() => t.deadLetters.length > 0, "a dead letter", 1_000).catch(() => {});
  assert.deepEqual(
    t.deadLetters.map((d) =>
      `${d.kind} ${d.messageClass ?? (d.message as object)?.constructor?.name}: ${d.reason}`
    ),
    [],
    "nobody sent a message that was lost: the user should see no dead letter",
  );
});

Deno.test("supervision edges: a child's escalation to a parent that is stopping is no user-visible dead letter", async () => {
  await using t = testSystem();
  const keeper = t.system.spawn(EscalatingKeeper);
  const child: ActorRef<string> = await t.bridge.call(keeper, new Hire(), LONG);
  assert.equal(await t.bridge.call(child, "hi", LONG), "hi");
  child.send("fail");
  keeper.send(new Stop());
  await t.bridge.whenTerminated(keeper as never);
  await t.bridge.whenTerminated(child as never);
  await t.until(() => t.deadLetters.length > 0, "a dead letter", 1_000).catch(() => {});
  assert.deepEqual(
    t.deadLetters.map((d) => `${d.kind} ${(d.message as object)?.constructor?.name}: ${d.reason}`),
    [],
    "the runtime's own Failed notice is nobody's lost message",
  );
});

Deno.test("supervision edges: the Terminated of a killed actor carries an ActorKilledError (a RingmailError)", async () => {
  await using t = testSystem();
  const boss = t.system.spawn(Boss);
  await t.system.started(boss);
  const end = t.bridge.whenTerminated(boss as never);
  assert.ok(t.system.kill(boss, "enough"));
  const { kind, error } = await within(10_000, "its end", end);
  assert.equal(kind, "killed");
  assert.equal(error?.name, "ActorKilledError");
  assert.ok(error instanceof RingmailError, "every error ringmail makes is a RingmailError");
  assert.ok(error instanceof ActorKilledError, "README: watchers get error ActorKilledError");
});

Deno.test("supervision edges: children spawned just before their parent's Worker died do not outlive the parent's restart", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const probe = t.system.spawn(Probe);
  const boss = t.system.spawn(Boss, probe);
  assert.equal(await t.bridge.call(boss, "hi", LONG), "hi");
  const directory = internalsOf(t.system).bridgeHost.directory;
  const before = directory.live;
  boss.send("hire two"); // two this.context.spawn(Flaky) in one handler
  // The system's thread is held here (a synchronous poll of shared memory, bounded) until the
  // boss's Worker has taken the second child's slot: its report of the first child (SpawnChild)
  // has been sent to the guardian, which cannot handle it before this test yields. The boss's
  // Worker then dies (as an uncaught error, seen as a Worker event, can end it at any time).
  const deadline = Date.now() + 10_000;
  while (directory.live < before + 2) {
    if (Date.now() > deadline) throw new Error("the boss spawned no children");
  }
  assert.ok(t.system.kill(boss, "its Worker is gone"));
  await eventually(
    async () => await t.bridge.call(boss, "instance", { timeout: 2_000, default: null }) !== null,
    "the restarted boss",
  );
  // The guardian read the SpawnChild reports before the restart (they were in its mailbox
  // first): children of the dead instance are never started under the fresh one.
  assert.equal(await t.bridge.call(boss, "children", LONG), 0, "the fresh boss has no children");
  const kids = t.system.inspect().actors.filter((a) => a.parent?.equals(boss));
  assert.deepEqual(kids.map((a) => a.name), [], "no child of the dead instance lives on");
  const log = await t.bridge.call(probe, "dump", LONG) as string[];
  assert.ok(!log.some((entry) => /^(first|second) start/.test(entry)), log.join(", "));
});

Deno.test("supervision edges: an escalated failure's report names the child that escalated", async () => {
  await using t = testSystem();
  const keeper = t.system.spawn(EscalatingKeeper);
  const child: ActorRef<string> = await t.bridge.call(keeper, new Hire(), LONG);
  assert.equal(await t.bridge.call(child, "hi", LONG), "hi");
  child.send("fail");
  await t.until(() => t.failures.length >= 2, "the child's failure and the keeper's", 10_000);
  const escalated = t.failures.find((f) => f.actor?.equals(keeper))!;
  assert.match(escalated.messageClass, /a failure escalated by/);
  assert.match(escalated.messageClass, /Flaky/, "the child is a Flaky, not an anonymous 'actor'");
});
