/** Behaviour the second round of fixes broke, each restored: a Stop call answered Stopped, an UndeliverableError's kind across threads, a forwarded ReceiveTimeout, a receive timeout set in a long handler, stop() then a failure past the restart limit, a user's error named like ringmail's. */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { Stop, Stopped } from "../../mod.ts";
import {
  HandlerFailedError,
  SpawnError as RingmailSpawnError,
  UndeliverableError,
} from "../../errors.ts";
import {
  FailingAsker,
  Idle,
  IdleParent,
  IdleReporter,
  OnceRestarter,
  OnlyStrings,
  OwnErrorThrower,
  SlowStarter,
} from "../_actors/regressions2.ts";
import { testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("regressions: an UndeliverableError that crosses threads keeps its kind", async () => {
  await using t = testSystem();
  const target = t.system.spawn(OnlyStrings);
  const asker = t.system.spawn(FailingAsker, target);
  await t.system.started(asker);
  const error = await t.bridge.call(asker, "go", LONG).then(() => null, (e) => e);
  assert.ok(error instanceof HandlerFailedError, String(error));
  const cause = (error as Error).cause;
  assert.ok(cause instanceof UndeliverableError, `cause: ${cause}`);
  assert.equal((cause as UndeliverableError).kind, "no-handler");
});

Deno.test("regressions: a ReceiveTimeout forwarded to another actor with a receive timeout is handled", async () => {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const parent = pool.spawn(IdleParent);
  await t.system.started(parent);
  const counted = t.bridge.call(parent, "count?", LONG);
  pool.spawnWith(IdleReporter, { near: parent as ActorRef<never> }, parent);
  assert.equal(await counted, 1, "the forwarded ReceiveTimeout was dropped as stale");
  assert.equal(t.deadLetters.length, 0);
});

Deno.test("regressions: bridge.call(actor, new Stop()) resolves with Stopped", async () => {
  await using t = testSystem();
  let dead = 0;
  let first = "";
  for (let i = 0; i < 200; i++) {
    const actor = t.system.spawn(Idle);
    await t.system.started(actor);
    const answer = await within(
      20_000,
      "Stop call",
      t.bridge.call(actor as ActorRef<Stop>, new Stop(), LONG).then((a) => a, (e) => e),
    );
    if (!(answer instanceof Stopped)) {
      dead++;
      first ||= String(answer);
    }
  }
  assert.equal(dead, 0, `${dead} of 200 Stop calls did not answer Stopped; first: ${first}`);
});

Deno.test("regressions: a receive timeout set in a long handler counts its quiet from the handler's end", async () => {
  await using t = testSystem();
  const actor = t.system.spawn(SlowStarter);
  await t.system.started(actor);
  const after = await t.bridge.call(actor, "go", LONG) as number;
  assert.ok(
    after >= 80,
    `ReceiveTimeout came ${after.toFixed(1)} ms after a 300 ms handler, not ~100`,
  );
});

Deno.test("regressions: a child that stop()s then fails does not escalate because of its restart limit", async () => {
  await using t = testSystem();
  const boss = t.system.spawn(OnceRestarter);
  const child = await t.bridge.call(boss, "spawn", LONG) as ActorRef<string>;
  await t.system.started(child);
  child.send("fail"); // restarted: the one restart allowed
  await t.until(() => t.failures.length >= 1, "the first failure", 5_000);
  const end = t.bridge.whenTerminated(child);
  child.send("quit-and-fail");
  const terminated = await within(10_000, "child end", end);
  // It asked to stop: it stops (it would not be restarted anyway). Its parent has no business failing.
  assert.equal(terminated.kind, "stopped", `child ended ${terminated.kind}: ${terminated.reason}`);
});

Deno.test("regressions: a user's own error class named SpawnError does not arrive as ringmail's", async () => {
  await using t = testSystem();
  const actor = t.system.spawn(OwnErrorThrower);
  await t.system.started(actor);
  const error = await t.bridge.call(actor, "throw", LONG).then(() => null, (e) => e);
  const cause = (error as Error).cause;
  assert.equal((cause as Error).name, "SpawnError");
  assert.ok(
    !(cause instanceof RingmailSpawnError),
    "the user's error became ringmail's SpawnError",
  );
});
