/**
 * Death watch and Worker death: `Terminated` for every way an actor ends, calls that settle at
 * once when a Worker is terminated mid-call, senders released from a dead actor's full mailbox,
 * and restarts after a Worker died.
 */
import assert from "node:assert/strict";
import { type ActorRef, Stop } from "../../mod.ts";
import { ActorDeadError } from "../../errors.ts";
import { internalsOf, terminateWorkerOf } from "../../src/system/internal.ts";
import {
  Flaky,
  Flooder,
  Probe,
  StartChild,
  StoppingParent,
  Stubborn,
  Watcher,
  WatchIt,
  WorkerDeathParent,
} from "../_actors/supervision.ts";
import { Answerer, AskThenBusy, BusyAsker, WhenAsked } from "../_actors/asking.ts";
import { eventually, type TestSystem, testSystem, within } from "../_system.ts";
import { placedTests } from "../_placement.ts";

const LONG = { timeout: 20_000 };

interface End {
  kind: string;
  reason: string;
  error: string | null;
  actor: string;
}

type WatcherRef = ActorRef<WatchIt | string>;

async function watching(t: TestSystem, target: ActorRef<never>): Promise<WatcherRef> {
  const watcher = t.system.spawn(Watcher);
  assert.equal(await t.bridge.call(watcher, new WatchIt(target), LONG), "ok");
  return watcher;
}

async function endsSeenBy(t: TestSystem, watcher: WatcherRef, count = 1): Promise<End[]> {
  let ends: End[] = [];
  await eventually(async () => {
    ends = await t.bridge.call(watcher, "ends", LONG);
    return ends.length >= count;
  }, "Terminated");
  return ends;
}

placedTests("watch", [
  ["a watcher gets Terminated when the actor stops", async (t) => {
    const target = await t.spawn(Flaky);
    const watcher = await watching(t, target);
    target.send(new Stop());
    const [end] = await endsSeenBy(t, watcher);
    assert.equal(end.kind, "stopped");
    assert.equal(end.actor, String(target.slot));
  }],
  ["a watcher gets Terminated with the error when the actor fails for good", async (t) => {
    const parent = await t.spawn(StoppingParent);
    const child: ActorRef<string> = await t.bridge.call(parent, new StartChild(), LONG);
    const watcher = await watching(t, child);
    child.send("fail");
    const [end] = await endsSeenBy(t, watcher);
    assert.equal(end.kind, "failed");
    assert.equal(end.error, "child told to fail");
    assert.match(end.reason, /failed: Error: child told to fail/);
  }],
  ["a watcher gets Terminated when the actor's Worker dies", async (t) => {
    const target = await t.spawn(Flaky);
    const watcher = await watching(t, target);
    target.send("crash"); // an uncaught error ends its Worker
    const [end] = await endsSeenBy(t, watcher);
    assert.equal(end.kind, "worker-died");
    assert.match(end.reason, /Worker died: an uncaught error: .*uncaught: the worker dies/);
    assert.match(end.error ?? "", /Worker died/);
  }],
  ["an actor that calls Deno.exit ends its Worker, and that is a death too", async (t) => {
    const target = await t.spawn(Flaky);
    const watcher = await watching(t, target);
    target.send("exit");
    const [end] = await endsSeenBy(t, watcher);
    assert.equal(end.kind, "worker-died");
    assert.match(end.reason, /Deno\.exit\(7\)/);
  }],
  ["watching an actor that has ended gets Terminated at once; unwatch stops them", async (t) => {
    const gone = await t.spawn(Flaky);
    // Spawned before gone ends: a spawn after its end may take its slot, which ends the
    // memory of how it ended (see the next test).
    const watcher = t.system.spawn(Watcher);
    await t.bridge.stop([gone], 20_000);
    assert.equal(await t.bridge.call(watcher, new WatchIt(gone), LONG), "ok");
    const [end] = await endsSeenBy(t, watcher);
    assert.equal(end.kind, "stopped", "how it ended, remembered until its slot is reused");
    assert.equal(end.reason, "Flaky was sent Stop");

    const other = await t.spawn(Flaky);
    assert.equal(await t.bridge.call(watcher, new WatchIt(other), LONG), "ok");
    assert.equal(await t.bridge.call(watcher, new WatchIt(other, true), LONG), "ok");
    await t.bridge.stop([other], 20_000);
    // A third watch, stopped after the second: its Terminated arriving proves the second's
    // would have arrived by now.
    const third = await t.spawn(Flaky);
    assert.equal(await t.bridge.call(watcher, new WatchIt(third), LONG), "ok");
    await t.bridge.stop([third], 20_000);
    const ends = await endsSeenBy(t, watcher, 2);
    assert.deepEqual(ends.map((e) => e.actor), [String(gone.slot), String(third.slot)]);
  }],
  ["an ended actor's slot taken by the next spawn, a watch of it gets not-running", async (t) => {
    const gone = t.system.createPool({ workers: 1 }).spawn(Flaky);
    await t.bridge.stop([gone], 20_000);
    await t.bridge.whenTerminated(gone); // its end is recorded, its slot free
    const watcher = t.system.spawn(Watcher);
    assert.equal(watcher.slot, gone.slot, "free slots are taken last freed first");
    assert.equal(await t.bridge.call(watcher, new WatchIt(gone), LONG), "ok");
    const [end] = await endsSeenBy(t, watcher);
    assert.equal(end.kind, "not-running", "an end is remembered only until its slot is reused");
  }, "slot reuse is a pool of this process"],
  ["the Bridge awaits an actor's end", async (t) => {
    const target = await t.spawn(Flaky);
    const end = t.bridge.whenTerminated(target);
    target.send(new Stop());
    assert.equal((await end).kind, "stopped");
    assert.deepEqual(await t.bridge.whenTerminated(target), await end, "the same end, later");
    const aborted = new AbortController();
    const waiting = t.bridge.whenTerminated(await t.spawn(Flaky), { signal: aborted.signal });
    aborted.abort(new Error("no longer interested"));
    await assert.rejects(waiting, /no longer interested/);
  }],
]);

Deno.test("worker death: a call pending when its Worker is terminated settles at once", async () => {
  await using t = testSystem();
  const stubborn = t.system.spawn(Stubborn);
  assert.equal(await t.bridge.call(stubborn, "ready?", LONG), "ready?");
  stubborn.send("block"); // busy for two minutes
  const pending = t.bridge.call(stubborn, "never answered", { timeout: 600_000 });
  const withDefault = t.bridge.call(stubborn, "also", { timeout: 600_000, default: "fallback" });
  assert.ok(terminateWorkerOf(t.system, stubborn));
  const error = await within(20_000, "the pending call", pending.then(() => null, (e) => e));
  assert.ok(error instanceof ActorDeadError, String(error));
  assert.match(error.message, /no reply from Stubborn .*Worker died: it was terminated/);
  assert.equal(await within(20_000, "the call with a default", withDefault), "fallback");
  // Its queued messages become dead letters once the dead thread is surely stopped.
  await t.until(
    () => t.deadLetters.some((d) => d.kind === "worker-died" && d.message === "never answered"),
    "dead letters of the dead Worker",
  );
});

Deno.test("worker death: a sender blocked on the full mailbox of an actor that dies is released", async () => {
  await using t = testSystem();
  const stuck = t.system.spawnWith(Stubborn, { mailboxCapacity: 1024, sendTimeout: 600_000 });
  const flooder = t.system.spawn(Flooder, stuck);
  stuck.send("block");
  assert.equal(await t.bridge.call(flooder, "ready?", LONG), "ready?");
  // 200 messages of ~200 bytes cannot fit 1 KiB: the flooder blocks in a send.
  const flooding = t.bridge.call(flooder, 200, { timeout: 600_000 });
  const host = internalsOf(t.system).bridgeHost;
  const mailbox = host.courier.mailbox(host.directory.mailbox(stuck.slot));
  await eventually(() => mailbox.sendersWaiting > 0, "the flooder blocks on the full mailbox");
  assert.ok(terminateWorkerOf(t.system, stuck));
  // Released at once (not after its 600 s send timeout): the rest of its sends are dead letters.
  assert.equal(await within(20_000, "the blocked sender", flooding), 200);
  await t.until(
    () => t.deadLetters.some((d) => d.kind === "stopped" || d.kind === "worker-died"),
    "dead letters",
  );
});

Deno.test("worker death: a parent's strategy restarts a child whose Worker died, same ref", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const parent = t.system.spawn(WorkerDeathParent);
  const child: ActorRef<string> = await t.bridge.call(parent, new StartChild(probe), LONG);
  child.send("inc");
  assert.equal(await t.bridge.call(child, "count", LONG), 1);
  const watcher = await watching(t, child);
  assert.ok(terminateWorkerOf(t.system, child));
  child.send("inc"); // waits in the kept mailbox for the new instance
  await eventually(
    async () => await t.bridge.call(child, "count", { timeout: 2_000, default: -1 }) === 1,
    "the restarted child",
  );
  assert.deepEqual(await t.bridge.call(probe, "dump", LONG), ["child start 1", "child start 1"]);
  assert.equal(await t.bridge.call(parent, "children", LONG), 1);
  assert.deepEqual(await t.bridge.call(watcher, "ends", LONG), [], "a restart is not an end");
});

Deno.test("worker death: without a restart directive the actor ends and its parent hears of it", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(StoppingParent);
  const child: ActorRef<string> = await t.bridge.call(parent, new StartChild(), LONG);
  const end = t.bridge.whenTerminated(child);
  assert.ok(terminateWorkerOf(t.system, child));
  assert.equal((await end).kind, "worker-died");
  await eventually(async () => await t.bridge.call(parent, "children", LONG) === 0, "ChildGone");
});

Deno.test("worker death: a reply to an ask that waited unread in the dead Worker is a dead letter, not lost silently", async () => {
  await using t = testSystem();
  const answerer = t.system.spawn(Answerer);
  const asker = t.system.spawn(BusyAsker);
  await Promise.all([answerer, asker].map((ref) => t.system.started(ref)));
  asker.send(new AskThenBusy(answerer, 1_500));
  // Answered: the reply waits in the asker's Worker, busy in the asker's handler.
  assert.equal(await t.bridge.call(answerer, new WhenAsked(1), LONG), 1);
  assert.ok(terminateWorkerOf(t.system, asker));
  await t.until(() => t.deadLetters.some((d) => d.message === 42), "the reply's dead letter");
  const letter = t.deadLetters.find((d) => d.message === 42)!;
  assert.equal(letter.kind, "worker-died");
  assert.match(
    letter.reason,
    /a reply to an ask of an actor that ended with its Worker \(it was terminated\)/,
  );
  assert.ok(letter.sender?.equals(answerer), "from the actor that answered");
});
