/**
 * The edges of an actor's life: stopping itself in preStart, a parent blocked in receive() while
 * its children end or fail, timers while an async postStop runs (a stop, a restart), and a
 * restart directive for a constructor that throws.
 */
import assert from "node:assert/strict";
import { type ActorRef, Stop } from "../../mod.ts";
import {
  FirstCtorFails,
  FirstPreStartFails,
  Listen,
  QuitsAtAsyncStart,
  QuitsAtStart,
  ReactParent,
  Receiver,
  ReceivesAtStart,
  SlowPoller,
  SlowTicker,
} from "../_actors/lifecycle_edges.ts";
import { Probe } from "../_actors/supervision.ts";
import { eventually, type TestSystem, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

for (const [how, actorClass] of [["", QuitsAtStart], [" an async", QuitsAtAsyncStart]] as const) {
  Deno.test(`lifecycle edges: this.context.stop() in${how} preStart stops the actor, which handles nothing`, async () => {
    await using t = testSystem();
    const actor = t.system.spawn(actorClass);
    actor.send("hello");
    const end = await within(10_000, "its end", t.bridge.whenTerminated(actor));
    assert.equal(end.kind, "stopped");
    assert.match(end.reason, /stopped itself/);
    await t.until(() => t.deadLetters.some((d) => d.message === "hello"), "the dead letter");
    assert.equal(t.deadLetters.find((d) => d.message === "hello")!.kind, "stopped");
  });
}

/** The Flaky child the parent spawned, as its probe was told. */
async function childVia(t: TestSystem, probe: ActorRef<unknown>): Promise<ActorRef<never>> {
  let refs: unknown[] = [];
  await eventually(
    async () => (refs = await t.bridge.call(probe, "dump", LONG) as unknown[]).length > 0,
    "the child's ref",
  );
  return refs[0] as ActorRef<never>;
}

Deno.test("lifecycle edges: receive() in a parent does not take its child's ChildGone: the ended child leaves its children", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const parent = t.system.spawn(ReactParent);
  const listening = t.bridge.call(parent, new Listen("stop", probe), LONG) as Promise<
    { seen: string[]; children: number }
  >;
  const child = await childVia(t, probe);
  await within(10_000, "the child's end", t.bridge.whenTerminated(child));
  parent.send("end");
  const { seen, children } = await listening;
  assert.deepEqual(seen, ["Stopped"], "the runtime's own notice is not the handler's");
  assert.equal(children, 0, "the child that ended is no longer listed");
});

Deno.test("lifecycle edges: a child's failure escalated while its parent is in receive() fails the parent once the handler is done", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const parent = t.system.spawn(ReactParent);
  const listening = t.bridge.call(parent, new Listen("fail", probe), LONG) as Promise<
    { seen: string[]; children: number }
  >;
  const child = await childVia(t, probe);
  const end = await within(10_000, "the child's end", t.bridge.whenTerminated(child));
  assert.equal(end.kind, "failed");
  parent.send("end");
  const { seen } = await listening;
  assert.deepEqual(seen, [], "the runtime's own notices are not the handler's");
  await t.until(
    () => t.failures.some((f) => f.actor?.equals(parent)),
    "the parent failing with its child's escalated error",
  );
});

Deno.test("lifecycle edges: a restarted actor's old timers stop as it fails, not after its async postStop", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const probe = t.system.spawn(Probe);
  const ticker = t.system.spawn(SlowTicker, probe);
  assert.equal(await t.bridge.call(ticker, "start", LONG), "ticking");
  await eventually(
    async () => (await t.bridge.call(probe, "dump", LONG) as string[]).includes("tick 1"),
    "a first tick",
  );
  ticker.send("fail");
  let events: string[] = [];
  await eventually(
    async () => (events = await t.bridge.call(probe, "dump", LONG) as string[]).includes("start 2"),
    "the fresh instance",
  );
  const after = events.slice(events.indexOf("failing") + 1);
  assert.deepEqual(after.filter((e) => e.startsWith("tick")), [], "no tick once it failed");
});

Deno.test("lifecycle edges: a stopped actor's sendEvery sends nothing once it handled Stop (its postStop running)", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const poller = t.system.spawn(SlowPoller, probe);
  assert.equal(await t.bridge.call(poller, "poll", LONG), "poll");
  const end = t.bridge.whenTerminated(poller);
  poller.send(new Stop());
  await within(10_000, "its end", end);
  const events = await t.bridge.call(probe, "dump", LONG) as string[];
  const after = events.slice(events.indexOf("postStop") + 1);
  assert.deepEqual(after, [], "nothing sent after it handled Stop");
});

Deno.test("lifecycle edges: a restart directive retries a failed preStart", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const actor = t.system.spawn(FirstPreStartFails);
  await t.system.started(actor);
  assert.equal(await t.bridge.call(actor, "hi", LONG), "hi");
});

Deno.test("lifecycle edges: a restart directive retries a constructor that threw", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const actor = t.system.spawn(FirstCtorFails);
  await t.system.started(actor);
  assert.equal(await t.bridge.call(actor, "hi", LONG), "hi");
  assert.equal(t.failures.length, 1, "the failed start is reported");
});

Deno.test("lifecycle edges: receive() with no timeout waits for the next message", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const receiver = t.system.spawn(Receiver, probe);
  const answer = t.bridge.call(receiver, "wait", LONG);
  await eventually(
    async () => (await t.bridge.call(probe, "dump", LONG) as string[]).includes("waiting"),
    "the receiver waiting",
  );
  receiver.send("late");
  assert.equal(await answer, "late");
});

Deno.test("lifecycle edges: receive() in preStart fails with ActorNotStartedError saying where to call it", async () => {
  await using t = testSystem();
  const actor = t.system.spawn(ReceivesAtStart);
  actor.send("early");
  const outcome: string = await t.bridge.call(actor, "how did receive() go?", LONG);
  assert.match(outcome, /^ActorNotStartedError \(ActorNotStartedError: true\): /);
  assert.match(outcome, /ReceivesAtStart.*preStart.*handler/);
});
