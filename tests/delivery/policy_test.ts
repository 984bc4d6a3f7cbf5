/**
 * What a full mailbox does: each DeliveryPolicy's decisions, and both policies in a real system.
 */
import assert from "node:assert/strict";
import { DELIVERY_POLICIES, type DeliveryPolicy, policyIndex } from "../../src/delivery/mod.ts";
import { DROP, type FullSend, QUEUE, REFUSE, WAIT } from "../../src/delivery/policy.ts";
import { MailboxFullError } from "../../errors.ts";
import type { ActorRef } from "../../mod.ts";
import { Grinder } from "../_actors/busy.ts";
import { eventually, testSystem } from "../_system.ts";

const [waitForRoom, dropWhenFull] = DELIVERY_POLICIES as [DeliveryPolicy, DeliveryPolicy];

function send(overrides: Partial<FullSend>): FullSend {
  return {
    blocking: false,
    onlyHere: false,
    notice: false,
    fromSystem: false,
    backlogWaited: -1,
    timeoutMs: 5000,
    ...overrides,
  };
}

Deno.test("policy wait: Workers block, the main thread, own-thread sends and notices queue, long waits refuse", () => {
  assert.equal(waitForRoom.whenFull(send({ blocking: true })), WAIT);
  assert.equal(waitForRoom.whenFull(send({ blocking: true, onlyHere: true })), QUEUE);
  assert.equal(
    waitForRoom.whenFull(send({ blocking: true, notice: true })),
    QUEUE,
    "the runtime's own notices never block a Worker (a wait could only end in failing it)",
  );
  assert.equal(waitForRoom.whenFull(send({ blocking: false })), QUEUE);
  const own = { blocking: true, onlyHere: true };
  assert.equal(waitForRoom.whenFull(send({ ...own, backlogWaited: 10 })), QUEUE);
  assert.equal(waitForRoom.whenFull(send({ ...own, backlogWaited: 5000 })), REFUSE);
  assert.equal(
    waitForRoom.whenFull(send({ ...own, backlogWaited: 5000, notice: true })),
    QUEUE,
    "the runtime's own notices wait on",
  );
  assert.equal(
    waitForRoom.whenFull(send({ blocking: true, backlogWaited: 10 })),
    WAIT,
    "behind notices queued for another thread's mailbox, a Worker's send blocks as ever",
  );
  assert.equal(
    waitForRoom.whenFull(send({ blocking: true, backlogWaited: 10, notice: true })),
    QUEUE,
  );
  assert.equal(waitForRoom.whenFull(send({ blocking: false, backlogWaited: 9999 })), QUEUE);
  assert.equal(waitForRoom.queueFor(send({ blocking: true })), Infinity, "a Worker's never expire");
  assert.equal(waitForRoom.queueFor(send({ blocking: false })), 5000);
  assert.equal(waitForRoom.queueFor(send({ fromSystem: true })), Infinity);
  assert.equal(waitForRoom.queueFor(send({ notice: true })), Infinity, "nor do the runtime's own");
});

Deno.test("policy drop: a user's message drops at once; the runtime's own still wait", () => {
  assert.equal(dropWhenFull.whenFull(send({ blocking: true })), DROP);
  assert.equal(dropWhenFull.whenFull(send({ blocking: false })), DROP);
  assert.equal(dropWhenFull.whenFull(send({ blocking: false, backlogWaited: 0 })), DROP);
  assert.equal(dropWhenFull.whenFull(send({ blocking: true, notice: true })), QUEUE);
  assert.equal(dropWhenFull.whenFull(send({ fromSystem: true })), QUEUE);
  assert.equal(dropWhenFull.queueFor(send({ fromSystem: true })), Infinity);
});

Deno.test("policy: names are checked before anything is claimed", async () => {
  assert.equal(policyIndex(undefined), 0);
  assert.equal(policyIndex("wait"), 0);
  assert.equal(policyIndex("drop"), 1);
  assert.throws(() => policyIndex("block"), RangeError);
  await using t = testSystem();
  assert.throws(
    () => t.system.spawnWith(Grinder, { whenFull: "later" as "drop" }),
    /whenFull must be "wait" or "drop", got "later"/,
  );
  assert.equal(t.system.workerCount, 0, "no Worker was started for it");
});

/**
 * Asks for the count until the mailbox has room for the question (bounded: 10 s).
 * @returns the count, and how many questions were dropped before.
 */
async function countOnceItHasRoom(
  t: ReturnType<typeof testSystem>,
  grinder: ActorRef<number | string>,
): Promise<[number, number]> {
  for (let tries = 0; tries < 1000; tries++) {
    try {
      return [await t.bridge.call(grinder, "count", { timeout: 60_000 }) as number, tries];
    } catch (error) {
      if (!(error instanceof MailboxFullError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  throw new Error("the mailbox never had room");
}

/** Keeps a Grinder busy, then sends it 200 quick jobs into a 256-byte mailbox. */
async function flood(whenFull: "wait" | "drop") {
  const t = testSystem();
  const grinder = t.system.spawnWith(Grinder, {
    whenFull,
    mailboxCapacity: 256,
    sendTimeout: 60_000,
  });
  await t.system.started(grinder);
  grinder.send(300); // busy for 300 ms: its mailbox fills behind it
  for (let i = 0; i < 200; i++) grinder.send(0);
  return { t, grinder, droppedAtOnce: t.system.deadLetters };
}

Deno.test("policy drop in a system: sends to a full mailbox are dead letters at once, counted", async () => {
  const { t, grinder, droppedAtOnce } = await flood("drop");
  await using _ = t;
  assert.ok(droppedAtOnce > 0, "dropped while the sender was still sending");
  await assert.rejects(
    t.bridge.call(grinder, 0, { timeout: 60_000 }),
    MailboxFullError,
    "a call fails fast",
  );
  assert.match(t.deadLetters[0].reason, /drops what does not fit \(whenFull: "drop"\)/);
  const [handled, failedCounts] = await countOnceItHasRoom(t, grinder);
  await eventually(() => t.deadLetters.length === t.system.deadLetters, "every one reported");
  assert.ok(t.deadLetters.every((d) => d.kind === "mailbox-full"));
  assert.equal(
    handled + t.system.deadLetters,
    201 + 1 + failedCounts,
    "each message was handled or is a counted dead letter (the failed calls' requests too)",
  );
});

Deno.test("policy wait in a system: the same flood waits for room and is handled whole", async () => {
  const { t, grinder, droppedAtOnce } = await flood("wait");
  await using _ = t;
  assert.equal(droppedAtOnce, 0);
  assert.equal(await t.bridge.call(grinder, "count", { timeout: 60_000 }), 201);
  assert.equal(t.system.deadLetters, 0);
});
