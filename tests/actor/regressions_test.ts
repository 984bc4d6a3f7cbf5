/** Actor-side behaviour that a round of fixes must keep: a ReceiveTimeout user code sends, clearing a stopped actor's receive timeout, a killed actor's error, escalation after stop(), a rethrown ringmail error. */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { ReceiveTimeout } from "../../mod.ts";
import { EscalatingBoss, Rethrower, TimeoutCounter } from "../_actors/regressions.ts";
import { Cleaner, Leaver } from "../_actors/time_edges.ts";
import { testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("regressions: a ReceiveTimeout a user sends (no sender) is handled", async () => {
  await using t = testSystem();
  const actor = t.system.spawn(TimeoutCounter);
  await t.system.started(actor);
  // e.g. a test or a watchdog poking the actor; sent from outside any actor, so sender null.
  actor.send(new ReceiveTimeout());
  actor.send("mark");
  const count = await t.bridge.call(actor, "count?", LONG);
  assert.equal(count, 1, "the user's ReceiveTimeout was dropped as 'stale' without a word");
  assert.equal(t.deadLetters.length, 0);
});

Deno.test("regressions: setReceiveTimeout(null) on a stopped actor's context is harmless", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const leaver = pool.spawn(Leaver);
  const cleaner = pool.spawnWith(Cleaner, { near: leaver as ActorRef<never> });
  await t.system.started(leaver);
  await t.system.started(cleaner);
  leaver.send("leave");
  await t.bridge.whenTerminated(leaver);
  // Cleanup left behind (e.g. a socket's onclose) turning the receive timeout off: it sets no
  // timer, yet now throws a TypeError (uncaught in such a callback).
  assert.equal(await t.bridge.call(cleaner, "go", LONG), "ok");
});

Deno.test("regressions: a killed actor's Terminated error is a real Error", async () => {
  await using t = testSystem();
  const actor = t.system.spawn(TimeoutCounter);
  await t.system.started(actor);
  const ended = t.bridge.whenTerminated(actor);
  t.system.kill(actor, "review");
  const end = await ended;
  assert.equal(end.kind, "killed");
  // portableError now copies ringmail's errors with Object.create(proto): an object that is no
  // error (no [[ErrorData]]): Error.isError is false, structuredClone/postMessage drop its message.
  const error = end.error as Error;
  assert.ok(error instanceof Error);
  assert.ok(
    (Error as unknown as { isError(v: unknown): boolean }).isError(error),
    "Terminated.error is not a real Error (Error.isError false)",
  );
  assert.equal((structuredClone(error) as Error).message, error.message);
});

Deno.test("regressions: a child that stop()s and then fails still escalates under an escalating parent", async () => {
  await using t = testSystem();
  const boss = t.system.spawn(EscalatingBoss);
  const child = await t.bridge.call(boss, "spawn", LONG) as ActorRef<string>;
  await t.system.started(child);
  const end = t.bridge.whenTerminated(child);
  child.send("quit-and-fail");
  await end;
  // Before: the parent's strategy (escalate) applied: the parent failed ("a failure escalated by
  // Quitter"), reported to onFailure. Now #failed skips the supervisor once stop() was called:
  // the escalation, like any directive, is gone.
  await t.until(
    () => t.failures.some((f) => f.actor?.equals(boss)),
    "the parent's failure (escalated by its child)",
    5_000,
  );
});

Deno.test("regressions: a handler that rethrows an annotated ActorDeadError is reported and resumed", async () => {
  await using t = testSystem();
  const actor = t.system.spawn(Rethrower);
  await t.system.started(actor);
  actor.send("rethrow");
  // The default strategy resumes it; the failure goes to onFailure.
  await t.until(() => t.failures.length > 0, "the failure's report", 5_000);
  assert.equal(t.failures[0].error.message, "no reply from Shop: Shop has stopped");
  assert.equal(await t.bridge.call(actor, "ping", { timeout: 5_000 }), "pong");
});
