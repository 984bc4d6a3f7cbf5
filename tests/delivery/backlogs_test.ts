/**
 * Backlogs: what one thread's sends leave waiting for room in a full mailbox of another thread.
 * These tests drive them on one thread, with the mailbox's receiver played by the test, so that
 * what moves when is seen exactly.
 */
import assert from "node:assert/strict";
import { ActorRef, type Undelivered } from "../../src/actor/mod.ts";
import { Backlogs, type Waiting } from "../../src/delivery/backlogs.ts";
import { SharedMemoryTransport } from "../../src/delivery/shared_memory/transport.ts";
import { Arena, Doorbell, EMPTY, Mailbox } from "../../src/ring/mod.ts";

function setUp(capacity: number) {
  const arena = Arena.create({ initialBytes: 1 << 16, maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity });
  mailbox.bindReceiver(Doorbell.create(arena));
  const lost: Undelivered[] = [];
  /** When each of `lost` was reported, by performance.now(). */
  const lostAt: number[] = [];
  const left: number[] = [];
  const backlogs = new Backlogs({
    deadLetter: (undelivered) => {
      lost.push(undelivered);
      lostAt.push(performance.now());
    },
    describe: () => "the test's actor",
    decodeRecord: (record) => record[0],
    systemSender: null,
    abandoned: null,
    heldTable: null,
    transport: new SharedMemoryTransport(),
    leftBacklog: (node) => left.push(node),
  }, false);
  return { mailbox, backlogs, lost, lostAt, left };
}

const target = new ActorRef(1, 1, 0, null);

/** A record of 8 bytes of `value`. */
function record(value: number): Uint8Array {
  return new Uint8Array(8).fill(value);
}

/** A message of `value` that may wait `maxWait` ms, from node `from` (0: this process). */
function waiting(value: number, maxWait = Infinity, from = 0): Waiting {
  return {
    at: 0,
    length: 0,
    target,
    sender: null,
    message: value,
    encoded: false,
    from,
    counted: true,
    maxWait,
    expires: NaN,
  };
}

/** Reads every record the mailbox holds; returns each one's first byte. */
function drain(mailbox: Mailbox): number[] {
  const seen: number[] = [];
  for (let length = mailbox.read(); length >= 0; length = mailbox.read()) {
    seen.push(mailbox.bytes[mailbox.recordStart]);
    mailbox.release();
  }
  return seen;
}

Deno.test("backlogs: a look moves what fits at once, in order, and the wait for room ends with the backlog", async () => {
  const { mailbox, backlogs, lost } = setUp(64);
  while (mailbox.trySend(new Uint8Array(8).fill(0)));
  backlogs.open(mailbox, false, waiting(1), record(1));
  for (let value = 2; value <= 6; value++) {
    backlogs.push(backlogs.get(mailbox.offset)!, waiting(value), record(value));
  }
  assert.equal(backlogs.hasDrained, true);

  assert.deepEqual(drain(mailbox), [0, 0, 0, 0]);
  // No await: the look itself sends, with no wake-up of this thread between.
  backlogs.moveDrained();
  assert.deepEqual(drain(mailbox), [1, 2, 3, 4]);
  backlogs.moveDrained();
  assert.deepEqual(drain(mailbox), [5, 6]);
  assert.equal(backlogs.size, 0);
  assert.equal(backlogs.hasDrained, false);
  assert.deepEqual(lost, []);
  // The sanitizers fail this test if the wait for room outlived the backlog.
  await Promise.resolve();
});

Deno.test("backlogs: with nobody looking, the wait for room moves them as the receiver drains", async () => {
  const { mailbox, backlogs, lost } = setUp(64);
  while (mailbox.trySend(new Uint8Array(8).fill(0)));
  backlogs.open(mailbox, false, waiting(1), record(1));
  for (let value = 2; value <= 9; value++) {
    backlogs.push(backlogs.get(mailbox.offset)!, waiting(value), record(value));
  }
  const seen: number[] = [];
  const deadline = Date.now() + 10_000;
  while (seen.length < 13 && Date.now() < deadline) {
    seen.push(...drain(mailbox));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assert.deepEqual(seen, [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(backlogs.size, 0);
  assert.deepEqual(lost, []);
});

Deno.test("backlogs: a head that finds no room before it expires is a dead letter; the rest go on", async () => {
  const { mailbox, backlogs, lost } = setUp(64);
  while (mailbox.trySend(new Uint8Array(8).fill(0)));
  backlogs.open(mailbox, false, waiting(1, 20), record(1));
  backlogs.push(backlogs.get(mailbox.offset)!, waiting(2), record(2));
  const deadline = Date.now() + 10_000;
  while (lost.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(lost.length, 1);
  assert.equal(lost[0].message, 1);
  assert.equal(lost[0].kind, "mailbox-full");
  assert.deepEqual(drain(mailbox), [0, 0, 0, 0]);
  backlogs.moveDrained();
  assert.deepEqual(drain(mailbox), [2]);
  assert.equal(backlogs.size, 0);
});

Deno.test("backlogs: a message's wait for room counts from the end of the turn that queued it", async () => {
  const { mailbox, backlogs, lost, lostAt } = setUp(64);
  while (mailbox.trySend(new Uint8Array(8).fill(0)));
  backlogs.open(mailbox, false, waiting(1, 5), record(1));
  backlogs.push(backlogs.get(mailbox.offset)!, waiting(2, 30), record(2));
  // The turn that queued them goes on for a while (a large fan-out's sending does).
  const busyUntil = performance.now() + 40;
  while (performance.now() < busyUntil);
  const turnEnded = performance.now();
  const deadline = Date.now() + 10_000;
  while (lost.length < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assert.deepEqual(lost.map((letter) => letter.message), [1, 2]);
  // Never before its 30 ms from the turn's end were up (however late the timers ran).
  assert.ok(lostAt[1] - turnEnded >= 30, `lost ${lostAt[1] - turnEnded} ms after the turn`);
});

Deno.test("backlogs: dropping a backlog makes dead letters of all of it and ends its wait", () => {
  const { mailbox, backlogs, lost } = setUp(64);
  while (mailbox.trySend(new Uint8Array(8).fill(0)));
  backlogs.open(mailbox, false, waiting(1), record(1));
  backlogs.push(backlogs.get(mailbox.offset)!, waiting(2), record(2));
  mailbox.close();
  assert.equal(backlogs.drop(mailbox, "shutdown", "the test ended it"), 2);
  assert.deepEqual(lost.map((letter) => [letter.message, letter.kind]), [[1, "shutdown"], [
    2,
    "shutdown",
  ]]);
  assert.equal(backlogs.size, 0);
  assert.equal(mailbox.read() === EMPTY, false, "what was in the ring stays for its receiver");
});

Deno.test("backlogs: a message from another node is reported as it leaves, sent or lost", () => {
  const { mailbox, backlogs, left } = setUp(64);
  while (mailbox.trySend(new Uint8Array(8).fill(0)));
  backlogs.open(mailbox, false, waiting(1, Infinity, 7), record(1));
  backlogs.push(backlogs.get(mailbox.offset)!, waiting(2), record(2));
  backlogs.push(backlogs.get(mailbox.offset)!, waiting(3, Infinity, 9), record(3));
  assert.deepEqual(left, [], "still waiting: still the sending node's");
  mailbox.read();
  mailbox.release();
  backlogs.moveDrained();
  assert.deepEqual(left, [7], "the first went in");
  mailbox.close();
  backlogs.drop(mailbox, "shutdown", "the test ended it");
  assert.deepEqual(left, [7, 9], "the last became a dead letter");
});
