/**
 * Review of timers and supervision: each test shows one bug (see the review report), and
 * passes once it is fixed.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { Flooder, Probe } from "../_actors/supervision.ts";
import {
  Blocker,
  Echo,
  Later,
  ManyRestartsBoss,
  NeverConstructs,
  SetLater,
  Spawn,
} from "../_actors/sup_review.ts";
import { MessageTooLargeError } from "../../errors.ts";
import { eventually, testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

for (const kind of ["never-starts", "never-constructs"]) {
  Deno.test(`sup review: a ${kind === "never-starts" ? "preStart" : "constructor"} that always throws ends its actor at the restart limit, however high (no stack overflow)`, async () => {
    await using t = testSystem();
    const boss = t.system.spawn(ManyRestartsBoss); // restart, maxRestarts 3000
    const child: ActorRef<never> = await t.bridge.call(boss, new Spawn(kind), LONG);
    const end = await within(20_000, "the child's end", t.bridge.whenTerminated(child));
    assert.equal(end.kind, "start-failed");
    // Its first start and each of the 3000 restarts failed, and each failure was reported.
    await t.until(
      () => t.failures.filter((f) => f.actor?.equals(child)).length === 3001,
      "3001 failures of the child",
    );
  });
}

Deno.test("sup review: a constructor that always throws, restarted within a limit it never reaches, does not hold its Worker: the actors beside it are served, and it is killed", async () => {
  // Many restarts within a short window: the README's way to come close to no limit.
  await using t = testSystem({
    supervision: { onFailure: "restart", maxRestarts: 1_000, withinMs: 1 },
  });
  const pool = t.system.createPool({ workers: 1 });
  const beside = pool.spawn(Echo);
  assert.equal(await t.bridge.call(beside, "before", LONG), "before");
  const failing = pool.spawn(NeverConstructs);
  const restarts = () => t.failures.filter((f) => f.actor?.equals(failing)).length;
  await t.until(() => restarts() >= 100, "its first 100 failed starts");
  // Its restarts went on at once, in the Worker's microtasks: the Worker served nothing else
  // (and kept every restart's error, ~3.5 KB a restart, until it ran out of memory).
  assert.equal(await t.bridge.call(beside, "beside", { timeout: 3_000 }), "beside");
  assert.ok(t.system.kill(failing));
  assert.equal((await within(10_000, "its end", t.bridge.whenTerminated(failing))).kind, "killed");
});

Deno.test("sup review: a timer's message to a mailbox that stays full is a dead letter, not lost", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  // A small mailbox, and senders wait at most 200 ms for room in it.
  const target = t.system.spawnWith(Blocker, { mailboxCapacity: 256, sendTimeout: 200 }, probe);
  const flooder = t.system.spawn(Flooder, target);
  const later = t.system.spawn(Later);
  await Promise.all([target, flooder, later].map((ref) => t.system.started(ref)));
  target.send(6_000); // busy for 6 s: reads nothing meanwhile
  // Fills its mailbox: the flooder's send that finds no room within 200 ms fails.
  await assert.rejects(t.bridge.call(flooder, 40, LONG), /MailboxFullError/);
  assert.equal(await t.bridge.call(later, new SetLater(target, "timer-msg", 0), LONG), "set");
  // The timer's send meets the full mailbox too: its message must be delivered later, or be a
  // dead letter — never lost without one.
  await eventually(
    async () =>
      t.deadLetters.some((d) => d.message === "timer-msg") ||
      (await t.bridge.call(probe, "dump", LONG) as unknown[]).includes("timer-msg"),
    "the timer's message, delivered or a dead letter",
    15_000,
  );
  const letter = t.deadLetters.find((d) => d.message === "timer-msg");
  if (letter !== undefined) assert.equal(letter.kind, "mailbox-full");
});

Deno.test("sup review: a timer's message larger than maxMessageBytes is refused when the timer is set, as a send's is", async (t) => {
  await using s = testSystem({ maxMessageBytes: 1 << 20 });
  const probe = s.system.spawn(Probe);
  const later = s.system.spawn(Later);
  await Promise.all([probe, later].map((ref) => s.system.started(ref)));
  const big = "x".repeat(2 << 20);
  await t.step("a send (as documented)", () => {
    assert.throws(() => probe.send(big), MessageTooLargeError);
  });
  await t.step("bridge.sendAfter and bridge.sendEvery", () => {
    assert.throws(() => s.bridge.sendAfter(0, probe, big), MessageTooLargeError);
    assert.throws(() => s.bridge.sendEvery(1_000, probe, big), MessageTooLargeError);
  });
  await t.step("this.context.sendAfter", async () => {
    const answer: string = await s.bridge.call(later, new SetLater(probe, "", 0, 2 << 20), LONG);
    assert.match(answer, /^MessageTooLargeError: message of \d+ bytes is larger than/);
  });
  // Nothing was lost on the way: no timer fired a message that could never be sent.
  assert.deepEqual(await s.bridge.call(probe, "dump", LONG), []);
});
