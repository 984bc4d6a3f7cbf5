/**
 * Supervision: what a parent's strategy does with a child whose handler throws — resume,
 * restart, stop, escalate — the restart limit, and the system's strategy for top-level actors.
 */
import assert from "node:assert/strict";
import { type ActorRef, ActorSystem, Bridge, type SupervisionStrategy } from "../../mod.ts";
import { ActorDeadError, SpawnError, WorkerDiedError } from "../../errors.ts";
import {
  CountingParent,
  FailsToStart,
  Flaky,
  Grandparent,
  Probe,
  RestartingParent,
  ResumingParent,
  StartChild,
  StartParent,
  StoppingParent,
  Tell,
} from "../_actors/supervision.ts";
import { Grinder } from "../_actors/busy.ts";
import { terminateWorkerOf } from "../../src/system/internal.ts";
import { eventually, type TestSystem, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

async function childOf(
  t: TestSystem,
  parent: ActorRef<never>,
  probe: ActorRef<unknown> | null = null,
  label = "child",
): Promise<ActorRef<string>> {
  return await t.bridge.call(parent as ActorRef<StartChild>, new StartChild(probe, label), LONG);
}

async function dump(t: TestSystem, probe: ActorRef<unknown>): Promise<unknown[]> {
  return await t.bridge.call(probe, "dump", LONG);
}

Deno.test("supervision: resume keeps the child and its state; the failure is reported", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(ResumingParent);
  const child = await childOf(t, parent);
  child.send("inc");
  child.send("fail");
  child.send("inc");
  assert.equal(await t.bridge.call(child, "count", LONG), 2, "state survived the failure");
  await t.until(() => t.failures.length === 1, "failure report");
  assert.equal(t.failures[0].error.message, "child told to fail");
  assert.equal(t.failures[0].messageClass, 'string "fail"');
  assert.ok(t.failures[0].actor?.equals(child));
});

Deno.test("supervision: restart makes a fresh instance behind the same ref and mailbox", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const parent = t.system.spawn(RestartingParent);
  const child = await childOf(t, parent, probe);
  child.send("inc");
  child.send("inc");
  child.send("fail");
  child.send("inc"); // queued behind the failure: handled by the new instance
  assert.equal(await t.bridge.call(child, "count", LONG), 1, "the new instance starts from 0");
  const events = await dump(t, probe);
  assert.deepEqual(events, ["child start 1", "child stop 1", "child start 2"]);
  assert.equal(await t.bridge.call(child, "instance", LONG), 2);
  assert.equal(await t.bridge.call(parent, "children", LONG), 1, "still the parent's child");
});

Deno.test("supervision: byError picks a directive by the error's name (TypeError: stop)", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(RestartingParent);
  const child = await childOf(t, parent);
  const end = t.bridge.whenTerminated(child);
  child.send("bug");
  const terminated = await end;
  assert.equal(terminated.kind, "failed");
  assert.match(terminated.reason, /TypeError: child has a bug/);
  assert.equal(terminated.error?.name, "TypeError");
  await eventually(async () => await t.bridge.call(parent, "children", LONG) === 0, "ChildGone");
});

Deno.test("supervision: stop ends the child; calls to it settle with ActorDeadError", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(StoppingParent);
  const child = await childOf(t, parent);
  child.send("fail");
  const terminated = await t.bridge.whenTerminated(child);
  assert.equal(terminated.kind, "failed");
  assert.equal(terminated.error?.message, "child told to fail");
  assert.equal(await t.bridge.call(child, "count", { ...LONG, default: "gone" }), "gone");
});

Deno.test("supervision: past the restart limit the child stops and the failure escalates", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const parent = t.system.spawn(RestartingParent); // at most 2 restarts a minute
  const child = await childOf(t, parent, probe);
  const end = t.bridge.whenTerminated(child);
  for (let i = 0; i < 3; i++) child.send("fail");
  const terminated = await end;
  assert.equal(terminated.kind, "failed", "the third failure stops it");
  assert.deepEqual(await dump(t, probe), [
    "child start 1",
    "child stop 1",
    "child start 2",
    "child stop 2",
    "child start 3",
    "child stop 3",
  ]);
  // The parent failed in turn (escalation); the system's strategy for it is resume.
  await t.until(
    () => t.failures.some((f) => /a failure escalated by/.test(f.messageClass)),
    "escalated failure",
  );
  const escalated = t.failures.find((f) => /a failure escalated by/.test(f.messageClass))!;
  assert.ok(escalated.actor?.equals(parent));
  assert.equal(escalated.error.message, "child told to fail");
  assert.equal(await t.bridge.call(parent, "still there?", LONG), "still there?");
});

Deno.test("supervision: escalate stops the child and fails the parent, whose supervisor restarts it", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const grandparent = t.system.spawn(Grandparent);
  const parent: ActorRef<never> = await t.bridge.call(grandparent, new StartParent(probe), LONG);
  const child = await childOf(t, parent, probe, "leaf");
  const childEnd = t.bridge.whenTerminated(child);
  child.send("fail");
  assert.equal((await childEnd).kind, "failed");
  await eventually(async () => (await dump(t, probe)).length >= 5, "the parent's restart");
  assert.deepEqual(await dump(t, probe), [
    "escalating parent start",
    "leaf start 1",
    "leaf stop 1",
    "escalating parent stop",
    "escalating parent start",
  ]);
  // Same ref, fresh instance: it has no children any more.
  assert.equal(await t.bridge.call(parent as ActorRef<string>, "children", LONG), 0);
});

Deno.test("supervision: a parent that stops takes its children with it", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(ResumingParent);
  const children = [await childOf(t, parent), await childOf(t, parent)];
  const ends = children.map((child) => t.bridge.whenTerminated(child));
  await t.bridge.stop([parent], 20_000);
  for (const end of await Promise.all(ends)) assert.equal(end.kind, "stopped");
});

Deno.test("supervision: the system's strategy supervises top-level actors", async () => {
  const strategy: SupervisionStrategy = { onFailure: "restart", maxRestarts: 5 };
  await using t = testSystem({ supervision: strategy });
  const top = t.system.spawn(Flaky);
  top.send("inc");
  top.send("fail");
  assert.equal(await t.bridge.call(top, "count", LONG), 0, "restarted: its count is fresh");
});

Deno.test("supervision: malformed strategies are refused with what is wrong", () => {
  assert.throws(
    () => testSystem({ supervision: { onFailure: "retry" as never } }),
    /supervision.onFailure must be "resume", "restart", "stop" or "escalate", got "retry"/,
  );
  assert.throws(
    () => testSystem({ supervision: { maxRestarts: -1 } }),
    /supervision.maxRestarts must be a whole number/,
  );
  assert.throws(
    () => testSystem({ supervision: { withinMs: 0 } }),
    /supervision.withinMs must be a positive number/,
  );
  // `true` and "60000" compare as positive: a window of 1 ms, or a string carried to the Worker.
  for (const withinMs of [true, "60000"]) {
    assert.throws(
      () => testSystem({ supervision: { withinMs: withinMs as never } }),
      (error: unknown) =>
        error instanceof TypeError &&
        /supervision.withinMs must be a positive number of ms, got /.test(error.message),
    );
  }
  // No limit at all is no whole number: the message says how to get close to one.
  assert.throws(
    () => testSystem({ supervision: { maxRestarts: Infinity } }),
    /supervision.maxRestarts must be a whole number, got Infinity: .*withinMs/,
  );
});

Deno.test("supervision: children placed next to their parent share its Worker", async () => {
  await using t = testSystem();
  const parent = t.system.spawn(RestartingParent);
  const before = t.system.workerCount;
  const child: ActorRef<string> = await t.bridge.call(
    parent as ActorRef<StartChild>,
    new StartChild(null, "near", true),
    LONG,
  );
  assert.equal(await t.bridge.call(child, "hi", LONG), "hi");
  assert.equal(t.system.workerCount, before, "no new Worker");
  child.send("fail");
  assert.equal(await t.bridge.call(child, "instance", LONG), 2, "restarted in place");
  // Tell travels parent -> child inside one Worker (and after this call's own message).
  parent.send(new Tell(child, "inc"));
  await eventually(async () => await t.bridge.call(child, "count", LONG) === 1, "the relayed inc");
});

Deno.test("supervision: an actor whose onStart fails is not resumed; it failed to start", async (t) => {
  for (const async of [false, true]) {
    await t.step(async ? "async onStart" : "onStart", async () => {
      await using s = testSystem(); // the default strategy: resume
      const actor = s.system.spawn(FailsToStart, 1, async);
      await assert.rejects(
        s.system.started(actor),
        (error: Error) =>
          error instanceof SpawnError &&
          /^FailsToStart failed to start: Error: no database/.test(error.message),
      );
      const end = await s.bridge.whenTerminated(actor);
      assert.equal(end.kind, "start-failed");
      assert.match(end.reason, /FailsToStart failed to start: Error: no database/);
      await assert.rejects(s.bridge.call(actor, "hello", LONG), ActorDeadError);
      assert.equal(s.failures[0].messageClass, "preStart()");
    });
  }
});

Deno.test("supervision: a restart retries a failed onStart; the actor then runs", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const actor = t.system.spawn(FailsToStart, 2);
  await t.system.started(actor);
  assert.equal(await t.bridge.call(actor, "hello", LONG), "hello");
  assert.equal(t.failures.length, 2, "both failed starts were reported");
});

Deno.test("supervision: the restart limit counts restarts after a Worker's death and after a handler's failure together", async (t) => {
  const deathLast = "a handler failure, then a Worker death, then a failure past the limit";
  const deathFirst = "a Worker death, a handler failure, then a Worker death past the limit";
  for (const order of [deathLast, deathFirst]) {
    await t.step(order, async () => {
      await using s = testSystem();
      const probe = s.system.spawn(Probe);
      const parent = s.system.spawn(RestartingParent); // at most 2 restarts a minute
      const child = await childOf(s, parent, probe);
      const end = s.bridge.whenTerminated(child);
      const failuresBefore = () => s.failures.filter((f) => f.actor?.equals(child)).length;
      /** Fails the child by its handler; resolves once the system has heard of the failure. */
      const failHandler = async () => {
        const before = failuresBefore();
        child.send("fail");
        await s.until(() => failuresBefore() > before, "the handler's failure reported");
      };
      /** Kills the child's Worker; resolves once the child is back (or has ended). */
      const killWorker = async () => {
        assert.ok(terminateWorkerOf(s.system, child));
        await eventually(
          async () =>
            await s.bridge.call<string, string, number, number>(child, "instance", {
              timeout: 2_000,
              default: 0,
            }) > 0,
          "the child's restart after its Worker died",
        );
      };
      // It runs: an actor killed before it ever ran is not restarted.
      assert.equal(await s.bridge.call(child, "instance", LONG), 1);
      if (order === deathLast) {
        await failHandler(); // restart 1, in the child's Worker
        await killWorker(); // restart 2, decided by the system
        child.send("fail"); // a third restart is past the limit: the child stops
        assert.equal((await within(20_000, "the child's end", end)).kind, "failed");
      } else {
        await killWorker(); // restart 1, decided by the system
        await failHandler(); // restart 2, in the child's new Worker
        assert.ok(terminateWorkerOf(s.system, child)); // past the limit: it ends
        assert.equal((await within(20_000, "the child's end", end)).kind, "worker-died");
      }
    });
  }
});

Deno.test("supervision: a Worker's death is a failure of each actor it held, reported before its supervisor decides", async (t) => {
  for (const onFailure of ["restart", "resume"] as const) {
    await t.step(`supervised by "${onFailure}"`, async () => {
      await using s = testSystem({ supervision: { onFailure } });
      const pool = s.system.createPool({ workers: 1 });
      const [crasher, mate] = [pool.spawn(Grinder), pool.spawn(Grinder)];
      assert.equal(await s.bridge.call(crasher, "count", LONG), 0);
      assert.equal(await s.bridge.call(mate, "count", LONG), 0);
      // An error thrown by a timer, outside any handler: the Worker dies, and with it both actors.
      crasher.send("crash");
      await s.until(() => s.failures.length === 2, "both actors' failures reported");
      for (const ref of [crasher, mate]) {
        const failure = s.failures.find((f) => f.actor?.equals(ref));
        assert.ok(failure !== undefined, `${ref}'s failure`);
        assert.equal(failure.actorName, "Grinder");
        assert.ok(failure.error instanceof WorkerDiedError, String(failure.error));
        assert.match(failure.error.message, /uncaught: a timer's error ends the Worker/);
      }
    });
  }
});

Deno.test("supervision: system.kill is no failure of the killed actor, but of the others in its Worker", async () => {
  await using s = testSystem({ supervision: { onFailure: "restart" } });
  const pool = s.system.createPool({ workers: 1 });
  const [victim, mate] = [pool.spawn(Grinder), pool.spawn(Grinder)];
  assert.equal(await s.bridge.call(victim, "count", LONG), 0);
  assert.equal(await s.bridge.call(mate, "count", LONG), 0);
  assert.ok(s.system.kill(victim, "asked for"));
  await s.until(() => s.failures.length === 1, "the Worker-mate's failure reported");
  assert.ok(s.failures[0].actor?.equals(mate));
  assert.ok(s.failures[0].error instanceof WorkerDiedError);
  // Both are back (restarted), and nothing more was reported.
  assert.equal(await s.bridge.call(victim, "count", LONG), 0);
  assert.equal(await s.bridge.call(mate, "count", LONG), 0);
  assert.equal(s.failures.length, 1);
});

Deno.test("supervision: a pool Worker's death is one console.error when nobody listens, not one per actor it held", async () => {
  const printed: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void printed.push(args.join(" "));
  try {
    await using system = new ActorSystem({ supervision: { onFailure: "restart" } });
    using bridge = new Bridge(system);
    const pool = system.createPool({ workers: 1 });
    const refs = Array.from({ length: 50 }, () => pool.spawn(Grinder));
    for (const ref of refs) assert.equal(await bridge.call(ref, "count", LONG), 0);
    assert.ok(system.kill(refs[0], "asked for"));
    // Reported as the death is handled, within kill().
    assert.equal(printed.length, 1, printed.slice(0, 3).join("\n"));
    assert.match(printed[0], /49 actors \(Grinder\) failed while handling \(its Worker died\)/);
    assert.match(printed[0], /WorkerDiedError: its Worker died: Grinder was killed: asked for/);
    // Every one is back (restarted).
    for (const ref of refs) assert.equal(await bridge.call(ref, "count", LONG), 0);
  } finally {
    console.error = consoleError;
  }
});

Deno.test("supervision: postStop sees the children that have not ended, whether a Stop or a restart ran it", async () => {
  await using s = testSystem({ supervision: { onFailure: "restart" } });
  const probe = s.system.spawn(Probe);
  const parent = s.system.spawn(CountingParent, probe);
  await s.system.started(parent);
  parent.send("fail"); // restarted: postStop, then a fresh instance with two new children
  await eventually(
    async () => (await dump(s, probe)).length === 1,
    "the postStop of the restart",
  );
  await s.bridge.stop([parent], LONG);
  assert.deepEqual(await dump(s, probe), [
    "postStop sees 2 children",
    "postStop sees 2 children",
  ]);
});
