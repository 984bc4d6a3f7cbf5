import assert from "node:assert/strict";
import {
  Arena,
  CLOSED_AND_DRAINED,
  Doorbell,
  EMPTY,
  HELD_COUNTS,
  Mailbox,
  MailboxClosedError,
  MailboxFullError,
  MessageTooLargeError,
  PARKED,
  recordBytes,
} from "../../src/ring/mod.ts";
import { checkRecord, OrderCheck, writeRecord } from "./_records.ts";
import { startWorker, within } from "./_worker.ts";

const WORKER = new URL("./_ring_worker.ts", import.meta.url);

function boundMailbox(capacity: number): { arena: Arena; mailbox: Mailbox } {
  const arena = Arena.create({ initialBytes: 1 << 16, maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity });
  mailbox.bindReceiver(Doorbell.create(arena));
  return { arena, mailbox };
}

function bytesOf(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

/** Polls `condition` on a short timer until it holds, failing after `ms`. */
async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

Deno.test("mailbox: a send of a range outside its source is refused before it reserves, and the ring goes on", () => {
  const { mailbox } = boundMailbox(256);
  const source = bytesOf(1, 2, 3, 4);
  for (const [start, end] of [[0, 5], [-1, 2], [3, 2], [0, 200]]) {
    assert.throws(() => mailbox.trySend(source, start, end), RangeError, `${start}..${end}`);
    assert.throws(() => mailbox.send(source, 0, start, end), RangeError, `${start}..${end}`);
  }
  // Nothing was reserved: the next record is the first one read.
  assert.equal(mailbox.trySend(source, 1, 3), true);
  const length = mailbox.read();
  assert.equal(length, 2);
  assert.deepEqual([...mailbox.bytes.subarray(mailbox.recordStart, mailbox.recordStart + 2)], [
    2,
    3,
  ]);
  mailbox.release();
  assert.equal(mailbox.read(), EMPTY);
});

Deno.test("mailbox: records arrive whole and in order, with no copy needed", () => {
  const { mailbox } = boundMailbox(256);
  assert.equal(mailbox.read(), EMPTY);
  assert.equal(mailbox.trySend(bytesOf(1, 2, 3)), true);
  assert.equal(mailbox.trySend(bytesOf()), true);
  assert.equal(mailbox.trySend(bytesOf(9, 8, 7, 6, 5), 1, 4), true);
  const seen: number[][] = [];
  for (let length = mailbox.read(); length !== EMPTY; length = mailbox.read()) {
    seen.push([...mailbox.bytes.subarray(mailbox.recordStart, mailbox.recordStart + length)]);
    assert.equal(mailbox.read(), length, "read again before release gives the same record");
    mailbox.release();
  }
  assert.deepEqual(seen, [[1, 2, 3], [], [8, 7, 6]]);
});

Deno.test("mailbox: wraps around with padding many times without losing a byte", () => {
  const { mailbox } = boundMailbox(128);
  const scratch = new Uint8Array(64);
  const order = new OrderCheck(1);
  let sent = 0;
  while (sent < 5000) {
    // Fill until full, then drain half: the ring is full often and wraps everywhere.
    while (sent < 5000) {
      const length = writeRecord(scratch, 0, sent, 40);
      if (!mailbox.trySend(scratch, 0, length)) break;
      sent++;
    }
    for (let i = 0; i < 2; i++) {
      const length = mailbox.read();
      if (length < 0) break;
      order.see(...checkRecord(mailbox.bytes, mailbox.recordStart, length, 40));
      mailbox.release();
    }
  }
  for (let length = mailbox.read(); length >= 0; length = mailbox.read()) {
    order.see(...checkRecord(mailbox.bytes, mailbox.recordStart, length, 40));
    mailbox.release();
  }
  assert.equal(order.next[0], 5000);
});

Deno.test("mailbox: the largest record fits an empty ring wherever the cursor is", () => {
  const { mailbox } = boundMailbox(64);
  const big = new Uint8Array(mailbox.maxPayload).fill(7);
  for (let shift = 0; shift < 8; shift++) {
    // Move the cursor by shift * 8 bytes, then send a record that needs the whole ring.
    if (shift > 0) {
      assert.equal(mailbox.trySend(new Uint8Array(shift * 8 - 8)), true);
      assert.ok(mailbox.read() >= 0);
      mailbox.release();
      assert.equal(mailbox.read(), EMPTY);
      mailbox.flush();
      // The tail is padded first; the record fits once the consumer stepped over the padding
      // and handed the space back.
      assert.equal(mailbox.trySend(big), false);
      assert.equal(mailbox.read(), EMPTY);
      mailbox.flush();
    }
    assert.equal(mailbox.trySend(big), true, `shift ${shift}`);
    assert.equal(mailbox.read(), big.length);
    assert.deepEqual(
      mailbox.bytes.slice(mailbox.recordStart, mailbox.recordStart + big.length),
      big,
    );
    mailbox.release();
  }
});

Deno.test("mailbox: trySend says false when full, and a freed ring takes records again", () => {
  const { mailbox } = boundMailbox(64);
  const record = new Uint8Array(8);
  let accepted = 0;
  while (mailbox.trySend(record)) accepted++;
  assert.equal(accepted, 64 / recordBytes(8));
  assert.equal(mailbox.read(), 8);
  mailbox.release();
  assert.equal(mailbox.trySend(record), true);
  assert.equal(mailbox.trySend(record), false);
  while (mailbox.read() >= 0) mailbox.release();
  assert.equal(mailbox.trySend(record), true);
});

Deno.test("mailbox: a record that can never fit fails at once, naming both sizes", () => {
  const { mailbox } = boundMailbox(64);
  assert.throws(() => mailbox.trySend(new Uint8Array(57)), (error: unknown) => {
    assert.ok(error instanceof MessageTooLargeError);
    assert.equal(error.size, 57);
    assert.equal(error.limit, 56);
    assert.match(error.message, /57 bytes.*56 bytes.*64 bytes/);
    return true;
  });
  assert.throws(() => mailbox.send(new Uint8Array(100), 10), MessageTooLargeError);
});

Deno.test("mailbox: close lets the consumer drain, then reports closed; sends fail", async () => {
  const { mailbox } = boundMailbox(256);
  mailbox.trySend(bytesOf(1));
  mailbox.trySend(bytesOf(2));
  mailbox.close();
  mailbox.close();
  assert.equal(mailbox.closed, true);
  assert.throws(() => mailbox.trySend(bytesOf(3)), MailboxClosedError);
  assert.throws(() => mailbox.send(bytesOf(3), 10), MailboxClosedError);
  await assert.rejects(mailbox.sendAsync(bytesOf(3)), MailboxClosedError);
  assert.deepEqual(mailbox.receive(0), bytesOf(1));
  assert.deepEqual(await mailbox.receiveAsync({ timeout: 0 }), bytesOf(2));
  assert.equal(mailbox.read(), CLOSED_AND_DRAINED);
  assert.throws(() => mailbox.receive(10), MailboxClosedError);
  await assert.rejects(mailbox.receiveAsync({ timeout: 10 }), MailboxClosedError);
  assert.throws(() => mailbox.receiveInto(new Uint8Array(8), 10), MailboxClosedError);
});

Deno.test("mailbox: receive on an empty mailbox returns null after its timeout", async () => {
  const { mailbox } = boundMailbox(256);
  assert.equal(mailbox.receive(20), null);
  assert.equal(mailbox.receiveInto(new Uint8Array(4), 20), -1);
  assert.equal(mailbox.waitForRecord(5), EMPTY);
  assert.equal(await mailbox.receiveAsync({ timeout: 20 }), null);
});

Deno.test("mailbox: async receive stops on abort and resolves when a record comes", async () => {
  const { mailbox } = boundMailbox(256);
  const controller = new AbortController();
  const aborted = mailbox.receiveAsync({ signal: controller.signal });
  controller.abort();
  assert.equal(await aborted, null);
  const pending = mailbox.receiveAsync({ timeout: 10_000 });
  mailbox.trySend(bytesOf(42));
  assert.deepEqual(await within(10_000, "async receive", pending), bytesOf(42));
});

Deno.test("mailbox: a send into a full mailbox fails after its timeout, nothing half-sent", async () => {
  const { mailbox } = boundMailbox(64);
  while (mailbox.trySend(new Uint8Array(8)));
  assert.throws(() => mailbox.send(new Uint8Array(8), 20), MailboxFullError);
  await assert.rejects(mailbox.sendAsync(new Uint8Array(8), { timeout: 20 }), MailboxFullError);
  const controller = new AbortController();
  const aborted = mailbox.sendAsync(new Uint8Array(8), { signal: controller.signal });
  controller.abort();
  await assert.rejects(aborted, MailboxFullError);
  let count = 0;
  while (mailbox.read() >= 0) {
    mailbox.release();
    count++;
  }
  assert.equal(count, 64 / 16);
});

Deno.test("mailbox: an async send waits for space and copies the caller's bytes", async () => {
  const { mailbox } = boundMailbox(64);
  while (mailbox.trySend(new Uint8Array(8)));
  const source = bytesOf(1, 2, 3, 4, 5, 6, 7, 8);
  const sending = mailbox.sendAsync(source, { timeout: 10_000 });
  source.fill(0);
  while (mailbox.read() >= 0) mailbox.release();
  await within(10_000, "async send", sending);
  assert.deepEqual(mailbox.receive(0), bytesOf(1, 2, 3, 4, 5, 6, 7, 8));
});

Deno.test("mailbox: a run released with releaseInRun hands its room back at flush, not per record", async (t) => {
  /**
   * A full 256-byte mailbox (16 records of 16 bytes) with a sender waiting for room; `look`
   * frees records and tells whether this handle's next send finds room handed back; then the
   * ring is drained, and the waiting sender gets in.
   */
  async function whileASenderWaits(look: (mailbox: Mailbox) => void): Promise<void> {
    const { mailbox } = boundMailbox(256);
    while (mailbox.trySend(new Uint8Array(8)));
    const waiting = mailbox.waitForRoomAsync(8, { timeout: 10_000 });
    assert.equal(mailbox.sendersWaiting, 1);
    look(mailbox);
    while (mailbox.read() >= 0) mailbox.release();
    await within(10_000, "room for the waiting sender", waiting);
  }
  await t.step(
    "release hands room back at once while a sender waits",
    () =>
      whileASenderWaits((mailbox) => {
        assert.equal(mailbox.read(), 8);
        mailbox.release();
        assert.ok(mailbox.trySend(new Uint8Array(8)));
      }),
  );
  await t.step("releaseInRun keeps it until flush", () =>
    whileASenderWaits((mailbox) => {
      for (let i = 0; i < 3; i++) {
        assert.equal(mailbox.read(), 8);
        mailbox.releaseInRun();
      }
      assert.equal(mailbox.trySend(new Uint8Array(8)), false, "room handed back before flush");
      mailbox.flush();
      for (let i = 0; i < 3; i++) assert.ok(mailbox.trySend(new Uint8Array(8)));
      assert.equal(mailbox.trySend(new Uint8Array(8)), false);
    }));
  await t.step(
    "releaseInRun still hands it back each quarter ring",
    () =>
      whileASenderWaits((mailbox) => {
        for (let i = 0; i < 4; i++) {
          assert.equal(mailbox.read(), 8);
          mailbox.releaseInRun();
        }
        assert.ok(mailbox.trySend(new Uint8Array(8)));
      }),
  );
  await t.step("records released in runs are read once each, in order, across wraps", () => {
    const { mailbox } = boundMailbox(256);
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 5; i++) assert.ok(mailbox.trySend(bytesOf(round, i)));
      for (let i = 0; i < 5; i++) {
        assert.equal(mailbox.read(), 2);
        assert.deepEqual(
          [...mailbox.bytes.subarray(mailbox.recordStart, mailbox.recordStart + 2)],
          [round, i],
        );
        mailbox.releaseInRun();
      }
      assert.equal(mailbox.read(), EMPTY);
      mailbox.flush();
    }
  });
});

Deno.test("mailbox: a wait for room sends nothing, and ends once the room is there", async (t) => {
  await t.step("it resolves when the consumer frees enough", async () => {
    const { mailbox } = boundMailbox(64);
    while (mailbox.trySend(new Uint8Array(8)));
    const waiting = mailbox.waitForRoomAsync(8, { timeout: 10_000 });
    while (mailbox.read() >= 0) mailbox.release();
    await within(10_000, "room", waiting);
    assert.equal(mailbox.read(), EMPTY, "the wait sent nothing");
    assert.ok(mailbox.trySend(new Uint8Array(8)));
  });
  await t.step("it resolves at once when there is room", async () => {
    const { mailbox } = boundMailbox(64);
    await within(10_000, "room", mailbox.waitForRoomAsync(8, { timeout: 0 }));
  });
  await t.step(
    "a record too long for the ring's tail waits only for room for its padding",
    async () => {
      const { mailbox } = boundMailbox(64);
      // 48 of 64 bytes used, then read: the write cursor sits 16 bytes before the end. A 56-byte
      // record (64 with its header) goes at the start, once padding has filled the tail: the tail
      // and the record together never fit, so waiting for both would wait forever.
      for (let i = 0; i < 3; i++) assert.ok(mailbox.trySend(new Uint8Array(8)));
      while (mailbox.read() >= 0) mailbox.release();
      await within(
        10_000,
        "room for the padding",
        mailbox.waitForRoomAsync(56, { timeout: 10_000 }),
      );
      assert.equal(mailbox.trySend(new Uint8Array(56)), false, "padded the tail, no room yet");
      const waiting = mailbox.waitForRoomAsync(56, { timeout: 10_000 });
      assert.equal(mailbox.read(), EMPTY, "the consumer steps over the padding");
      await within(10_000, "room for the record", waiting);
      assert.ok(mailbox.trySend(new Uint8Array(56)));
    },
  );
  await t.step("it fails with MailboxFullError after its timeout or an abort", async () => {
    const { mailbox } = boundMailbox(64);
    while (mailbox.trySend(new Uint8Array(8)));
    await assert.rejects(mailbox.waitForRoomAsync(8, { timeout: 20 }), MailboxFullError);
    const controller = new AbortController();
    const aborted = mailbox.waitForRoomAsync(8, { signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted, MailboxFullError);
  });
  await t.step("it fails with MailboxClosedError when the mailbox closes", async () => {
    const { mailbox } = boundMailbox(64);
    while (mailbox.trySend(new Uint8Array(8)));
    const waiting = mailbox.waitForRoomAsync(8, { timeout: 10_000 });
    mailbox.close();
    await assert.rejects(waiting, MailboxClosedError);
    await assert.rejects(mailbox.waitForRoomAsync(8), MailboxClosedError);
  });
  await t.step("a record that can never fit fails at once", async () => {
    const { mailbox } = boundMailbox(64);
    await assert.rejects(mailbox.waitForRoomAsync(100), MessageTooLargeError);
  });
});

Deno.test("mailbox: close wakes a receiver parked in another worker", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity: 256 });
  using worker = startWorker(WORKER);
  worker.worker.postMessage({
    kind: "receive",
    buffer: arena.buffer,
    offset: mailbox.offset,
    timeout: 60_000,
  });
  // The receiver binds its doorbell; wait until it reads PARKED, then close.
  await until(() => {
    const bell = mailbox.receiverDoorbell;
    return bell !== 0 && Atomics.load(arena.lineView(bell), (bell & 63) >> 2) === PARKED;
  }, "receiver parks");
  mailbox.close();
  const reply = await within(10_000, "receiver wakes", worker.next<{ error?: string }>());
  assert.match(reply.error ?? "", /^MailboxClosedError/);
});

Deno.test("mailbox: close wakes a sender blocked on a full mailbox in another worker", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity: 64 });
  mailbox.bindReceiver(Doorbell.create(arena));
  while (mailbox.trySend(new Uint8Array(8)));
  using worker = startWorker(WORKER);
  worker.worker.postMessage({
    kind: "send",
    buffer: arena.buffer,
    offset: mailbox.offset,
    size: 8,
    timeout: 60_000,
  });
  await until(() => mailbox.sendersWaiting === 1, "sender waits for space");
  mailbox.close();
  const reply = await within(10_000, "sender wakes", worker.next<{ error?: string }>());
  assert.match(reply.error ?? "", /^MailboxClosedError/);
});

Deno.test("mailbox: a blocked sender in another worker gets in once space is freed", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity: 64 });
  mailbox.bindReceiver(Doorbell.create(arena));
  let filled = 0;
  while (mailbox.trySend(new Uint8Array(8))) filled++;
  using worker = startWorker(WORKER);
  worker.worker.postMessage({
    kind: "send",
    buffer: arena.buffer,
    offset: mailbox.offset,
    size: 8,
    timeout: 60_000,
  });
  await until(() => mailbox.sendersWaiting === 1, "sender waits for space");
  // Exactly the records we wrote: the sender may get in as soon as the first is released, and
  // draining "until empty" would then take its record too (the flake of issue 13).
  for (let i = 0; i < filled; i++) {
    assert.equal(mailbox.read(), 8);
    mailbox.release();
  }
  assert.deepEqual(await within(10_000, "sender done", worker.next()), { done: true });
  assert.equal(mailbox.read(), 8);
});

Deno.test("mailbox: a scheduled mailbox is queued once, and a recycled one on its new receiver only", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const first = Doorbell.create(arena);
  const second = Doorbell.create(arena);
  const box = Mailbox.create(arena, { capacity: 256 });
  const producer = Mailbox.attach(arena, box.offset, 7);
  producer.trySend(bytesOf(1)); // before any receiver: queued when the receiver binds
  box.bindReceiver(first, { scheduled: true });
  producer.trySend(bytesOf(2));
  assert.equal(first.nextReady(), box.offset);
  assert.equal(first.nextReady(), 0, "queued once for two records");
  while (box.read() >= 0) box.release();
  assert.equal(box.endTurn(), false);
  producer.trySend(bytesOf(3));
  assert.equal(first.nextReady(), box.offset, "idle again: the next record queues it again");
  // Recycle: close, drain, unbind, reopen, bind on another thread's doorbell.
  box.close();
  while (box.read() >= 0) box.release();
  assert.equal(box.read(), CLOSED_AND_DRAINED);
  box.unbind();
  box.reopen();
  box.bindReceiver(second, { scheduled: true });
  producer.trySend(bytesOf(4)); // a handle from before the recycle
  assert.equal(first.nextReady(), 0, "never queued on the previous receiver");
  assert.equal(second.nextReady(), box.offset);
  assert.deepEqual(box.receive(0), bytesOf(4));
  assert.throws(() => Mailbox.create(arena).reopen(), /closed, drained and unbound/);
});

Deno.test("mailbox: a producer handle idle for 2^31 bytes of traffic never overwrites unread records", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 1024 }, 1);
  const idle = Mailbox.attach(arena, box.offset, 2); // it last looked at the cursors now
  // Both cursors moved by 2^31 (the ring is empty), as that much traffic would leave them.
  Atomics.store(arena.i32, (box.offset >> 2) + 0, 2 ** 31 | 0); // write cursor
  Atomics.store(arena.i32, (box.offset >> 2) + 16, 2 ** 31 | 0); // read cursor
  box.bindReceiver(Doorbell.create(arena));
  const busy = Mailbox.attach(arena, box.offset, 3);
  let sent = 0;
  while (busy.trySend(new Uint8Array(56).fill(0xaa))) sent++;
  assert.equal(idle.trySend(new Uint8Array(56).fill(0xbb)), false, "the ring is full");
  assert.ok(box.usedBytes <= 1024);
  let read = 0;
  for (let length = box.read(); length >= 0; length = box.read()) {
    assert.equal(box.bytes[box.recordStart], 0xaa);
    box.release();
    read++;
  }
  assert.equal(read, sent);
});

Deno.test("mailbox: a closed mailbox with a record still being written is not work to spin on", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const bell = Doorbell.create(arena);
  const box = Mailbox.create(arena, { capacity: 256 });
  box.bindReceiver(bell, { scheduled: true });
  const producer = Mailbox.attach(arena, box.offset, 9);
  assert.ok(producer.reserve(8) >= 0); // reserved, not yet published
  box.close();
  assert.equal(bell.nextReady(), box.offset, "close queues it");
  assert.equal(box.read(), EMPTY);
  assert.equal(box.stalledBy(), 9);
  assert.equal(box.endTurn(), false, "nothing to do until the producer publishes");
  producer.commit();
  assert.equal(bell.nextReady(), box.offset, "the publish queues it again");
  assert.equal(box.read(), 8);
  box.release();
  assert.equal(box.read(), CLOSED_AND_DRAINED);
});

Deno.test("mailbox: recycling clears the layers' header words and the closed flag", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 256 });
  box.bindReceiver(Doorbell.create(arena));
  box.setUserWord(8, 600_000); // a word of the layers above, e.g. a send timeout
  box.close();
  box.unbind();
  box.reopen();
  assert.equal(box.userWord(8), 0);
  assert.throws(() => box.userWord(4), RangeError);
  assert.equal(box.closed, false);
  box.bindReceiver(Doorbell.create(arena));
  assert.equal(box.read(), EMPTY, "not reported drained-and-closed");
});

Deno.test("mailbox: held counts are the holder's plain words, cleared, and reset by recycling", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 256 });
  const other = Mailbox.create(arena, { capacity: 256 });
  assert.equal(box.held, 0);
  assert.throws(() => box.heldIndex(HELD_COUNTS), RangeError);
  assert.throws(() => box.heldIndex(-1), RangeError);
  // A word of its own, of this mailbox only, written with plain stores.
  box.heldWords[box.heldIndex(0)] = 3;
  assert.notEqual(box.heldIndex(0), other.heldIndex(0));
  assert.equal(box.held, 3);
  assert.equal(other.held, 0);
  // Another handle on the same mailbox (another thread's) sees them.
  assert.equal(Mailbox.attach(arena, box.offset).held, 3);
  box.clearHeld();
  assert.equal(box.held, 0);
  box.heldWords[box.heldIndex(0)] = 5;
  box.bindReceiver(Doorbell.create(arena));
  box.close();
  box.unbind();
  box.reopen();
  assert.equal(box.held, 0, "a recycled mailbox holds nothing of its previous actor");
});

Deno.test("mailbox: a payload larger than the ring travels in an arena block, in order", () => {
  const arena = Arena.create({ maxBytes: 1 << 26 });
  const box = Mailbox.create(arena, { capacity: 256 });
  box.bindReceiver(Doorbell.create(arena));
  const producer = Mailbox.attach(arena, box.offset, 4);
  const big = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 255);
  assert.throws(
    () => producer.trySend(big),
    (error: unknown) =>
      error instanceof MessageTooLargeError && /a mailbox of 256 bytes/.test(error.message),
  );
  producer.maxExternal = 1 << 21;
  assert.equal(producer.trySend(bytesOf(1)), true);
  assert.equal(producer.trySend(big), true);
  assert.equal(producer.trySend(bytesOf(2)), true);
  assert.deepEqual(box.receive(0), bytesOf(1));
  const used = arena.usedBytes;
  assert.deepEqual(box.receive(0), big);
  assert.deepEqual(box.receive(0), bytesOf(2));
  // The block went back to the arena: the next one of that size reuses it.
  assert.equal(producer.trySend(big), true);
  assert.equal(arena.usedBytes, used);
  assert.deepEqual(box.receive(0), big);
  assert.throws(
    () => producer.trySend(new Uint8Array((1 << 21) + 1)),
    (error: unknown) => error instanceof MessageTooLargeError && error.limit === 1 << 21,
  );
});

/** A 256-byte mailbox its producer (which may send records up to 2 MiB) has filled. */
function filledForLargeRecords(): { arena: Arena; box: Mailbox; producer: Mailbox } {
  const arena = Arena.create({ maxBytes: 1 << 26 });
  const box = Mailbox.create(arena, { capacity: 256 });
  box.bindReceiver(Doorbell.create(arena));
  const producer = Mailbox.attach(arena, box.offset, 4);
  producer.maxExternal = 1 << 21;
  while (producer.trySend(bytesOf(1))) { /* fill the ring */ }
  return { arena, box, producer };
}

/** Whether a block of `bytes` comes from the arena's free blocks, not its unused end. */
function blockFree(arena: Arena, bytes: number): boolean {
  const used = arena.usedBytes;
  arena.allocate(bytes, false);
  return arena.usedBytes === used;
}

Deno.test("mailbox: the block of a large record that waited for room goes back to the arena when the mailbox closes meanwhile", () => {
  const { arena, box, producer } = filledForLargeRecords();
  const big = new Uint8Array(1 << 20);
  assert.equal(producer.trySend(big), false, "full: its block is kept for the retry");
  box.close();
  assert.throws(() => producer.trySend(big), MailboxClosedError);
  // Nothing will retry into a closed mailbox: the block is free for the next allocation.
  assert.ok(blockFree(arena, 1 << 20), "the retry's block was reused, not a new one bumped");
});

Deno.test("mailbox: the block of a large record that waited for room asynchronously goes back to the arena when the mailbox closes meanwhile", async () => {
  const { arena, box, producer } = filledForLargeRecords();
  // The path the system's backlogs take (trySend, then waitForRoomAsync), as sendAsync does.
  const sending = producer.sendAsync(new Uint8Array(1 << 20), { timeout: 10_000 });
  box.close();
  await assert.rejects(sending, MailboxClosedError);
  // Nothing will retry into a closed mailbox: the block is free for the next allocation.
  assert.ok(
    blockFree(arena, 1 << 20),
    "the retry's block stays pinned to the handle after a MailboxClosedError from the async wait",
  );
});

Deno.test("mailbox: a record reserved by a producer that died is skipped, not waited for", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 256 });
  box.bindReceiver(Doorbell.create(arena));
  const dying = Mailbox.attach(arena, box.offset, arena.newThreadId());
  const living = Mailbox.attach(arena, box.offset, arena.newThreadId());
  assert.ok(dying.reserve(8) >= 0); // and then its worker is terminated
  living.trySend(bytesOf(7));
  assert.equal(box.read(), EMPTY, "the reserved record holds the others back");
  arena.markThreadDead(dying.producerId);
  assert.equal(box.read(), 1);
  assert.deepEqual(box.bytes.slice(box.recordStart, box.recordStart + 1), bytesOf(7));
  assert.equal(box.abandoned, 1);
  assert.equal(arena.isThreadDead(living.producerId), false);
});

Deno.test("mailbox: a receiver taking over from one that died starts where it stopped reading", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 1024 });
  box.bindReceiver(Doorbell.create(arena));
  const producer = Mailbox.attach(arena, box.offset, 3);
  for (let i = 0; i < 5; i++) producer.trySend(bytesOf(i));
  for (let i = 0; i < 3; i++) {
    box.read();
    box.release(); // read, not yet handed back (space is published in batches)
  }
  // The first receiver's worker dies; another thread's handle takes over.
  const heir = Mailbox.attach(arena, box.offset, 4);
  heir.bindReceiver(Doorbell.create(arena));
  assert.deepEqual(heir.receive(0), bytesOf(3));
  assert.deepEqual(heir.receive(0), bytesOf(4));
  assert.equal(heir.receive(0), null);
  heir.flush();
  assert.equal(heir.usedBytes, 0, "the heir zeroed and handed back what its predecessor read");
});

Deno.test("mailbox: a full mailbox closed by another thread refuses its sender at once", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 64 });
  box.bindReceiver(Doorbell.create(arena));
  const sender = Mailbox.attach(arena, box.offset, 3);
  while (sender.trySend(bytesOf(1, 2, 3))); // full, as this sender last saw it
  Mailbox.attach(arena, box.offset, 4).close();
  assert.throws(() => sender.trySend(bytesOf(4)), MailboxClosedError);
  assert.throws(() => sender.send(bytesOf(4), 600_000), MailboxClosedError);
});

Deno.test("mailbox: a consumer that steps over padding to a whole ring read never reads a record twice", () => {
  const { mailbox } = boundMailbox(1024);
  const first = new Uint8Array(205).fill(1);
  assert.equal(mailbox.trySend(first), true); // 216 bytes at [0, 216)
  // 816 bytes do not fit the 808 left before the end: the tail is padded, then the ring is full.
  const second = new Uint8Array(801).fill(2);
  assert.equal(mailbox.trySend(second), false);
  assert.equal(mailbox.read(), 205);
  mailbox.release(); // less than a quarter ring: not handed back yet
  // Past the padding the read cursor is a whole ring ahead of what was handed back: the header
  // there is the first record's, read once already.
  assert.equal(mailbox.read(), EMPTY);
  assert.equal(mailbox.trySend(second), true);
  assert.equal(mailbox.read(), 801);
  assert.equal(mailbox.bytes[mailbox.recordStart], 2);
  mailbox.release();
  assert.equal(mailbox.read(), EMPTY);
});

Deno.test("mailbox: a blocked sender whose record does not fit the tail gets in once the start of the ring is freed", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity: 1024 });
  mailbox.bindReceiver(Doorbell.create(arena));
  // Move both cursors to 520, then write A at [520, 600) and B at [600, 1000).
  assert.equal(mailbox.trySend(new Uint8Array(512)), true);
  assert.equal(mailbox.read(), 512);
  mailbox.release();
  mailbox.flush();
  assert.equal(mailbox.trySend(new Uint8Array(72).fill(0xa)), true);
  assert.equal(mailbox.trySend(new Uint8Array(392).fill(0xb)), true);
  using worker = startWorker(WORKER);
  // 608 bytes: the sender pads [1000, 1024), then needs [0, 608) of the next lap, which it has
  // once the read cursor passes 608 of this one: after B, with the padding still unread.
  worker.worker.postMessage({
    kind: "send",
    buffer: arena.buffer,
    offset: mailbox.offset,
    size: 600,
    timeout: 60_000,
  });
  await until(() => mailbox.sendersWaiting === 1, "sender waits for space");
  assert.equal(mailbox.read(), 72);
  mailbox.release(); // 600 bytes free: not yet enough
  assert.equal(mailbox.read(), 392);
  assert.equal(mailbox.bytes[mailbox.recordStart], 0xb);
  mailbox.release(); // 1000 bytes free, counting the padding as used
  assert.deepEqual(await within(10_000, "sender done", worker.next()), { done: true });
  assert.equal(mailbox.read(), 600);
  mailbox.release();
  assert.equal(mailbox.read(), EMPTY);
});

Deno.test("mailbox: a receiver taking over a whole ring past what was handed back reads nothing twice", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 64 });
  box.bindReceiver(Doorbell.create(arena));
  const producer = Mailbox.attach(arena, box.offset, 3);
  assert.equal(producer.trySend(new Uint8Array(56).fill(5)), true); // the whole ring
  assert.equal(box.read(), 56);
  // The receiver's Worker dies inside release(): after it stored how far it read (the consumed
  // cursor, word 20), before it handed the space back.
  Atomics.store(arena.i32, (box.offset >> 2) + 20, 64);
  const heir = Mailbox.attach(arena, box.offset, 4);
  heir.bindReceiver(Doorbell.create(arena));
  assert.equal(heir.read(), EMPTY, "the record its predecessor read is not read again");
  assert.equal(heir.usedBytes, 0);
  assert.equal(producer.trySend(new Uint8Array(56).fill(6)), true);
  assert.equal(heir.read(), 56);
  assert.equal(heir.bytes[heir.recordStart], 6);
});

Deno.test("mailbox: a sender asleep on a full mailbox gets in once its record's room is freed, though less than half the ring", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity: 1024 });
  mailbox.bindReceiver(Doorbell.create(arena));
  let filled = 0;
  while (mailbox.trySend(new Uint8Array(300))) filled++;
  assert.equal(filled, 3, "three records of 300 bytes fill 1 KiB");
  using worker = startWorker(WORKER);
  worker.worker.postMessage({
    kind: "send",
    buffer: arena.buffer,
    offset: mailbox.offset,
    size: 300,
    timeout: 60_000,
  });
  // Asleep, not spinning: it has said how much room it wants.
  await until(() => mailbox.spaceWanted > 0, "the sender sleeps for room");
  // One record read and handed back: room for the sender's record, less than half the ring.
  // Then this receiver reads nothing more (a long handler, say): the sender must get in anyway,
  // not sleep out its timeout.
  assert.equal(mailbox.read(), 300);
  mailbox.release();
  assert.deepEqual(await within(10_000, "the sender gets in", worker.next()), { done: true });
  for (let i = 0; i < 3; i++) {
    assert.equal(mailbox.read(), 300);
    mailbox.release();
  }
});

Deno.test("mailbox: forEachWaiting visits, in order and taking none, the committed records after the last one taken — across padding, an external record, and one still being written, which it steps over", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 256 });
  box.bindReceiver(Doorbell.create(arena));
  const producer = Mailbox.attach(arena, box.offset, 4);
  producer.maxExternal = 1 << 16;
  const record = (length: number, first: number) =>
    new Uint8Array(length).map((_, i) => (first + i) & 255);
  // Seven records of 32 bytes each (header and payload); six taken.
  for (let i = 0; i < 7; i++) assert.equal(producer.trySend(record(24, i)), true);
  for (let i = 0; i < 6; i++) assert.deepEqual(box.receive(0), record(24, i));
  // 48 bytes do not fit the ring's last 32: padding there, the record at its start.
  assert.equal(producer.trySend(record(40, 3)), true);
  const big = record(1_000, 4);
  assert.equal(producer.trySend(big), true, "external: larger than the ring");
  const seen = () => {
    const records: Uint8Array[] = [];
    box.forEachWaiting((bytes, start, end) => records.push(bytes.slice(start, end)));
    return records;
  };
  assert.deepEqual(seen(), [record(24, 6), record(40, 3), big]);
  // A record reserved and not yet committed (another thread writing it) is stepped over.
  const late = Mailbox.attach(arena, box.offset, 5);
  assert.ok(producer.reserve(8) >= 0);
  assert.equal(late.trySend(record(8, 9)), true);
  assert.deepEqual(seen(), [record(24, 6), record(40, 3), big, record(8, 9)]);
  producer.commit();
  assert.equal(seen().length, 5);
  // Nothing was taken: the receiver reads them all.
  assert.deepEqual(box.receive(0), record(24, 6));
  assert.deepEqual(box.receive(0), record(40, 3));
  assert.deepEqual(box.receive(0), big);
  assert.equal(box.receive(0)?.length, 8);
  assert.deepEqual(box.receive(0), record(8, 9));
  assert.deepEqual(seen(), []);
});

Deno.test("mailbox: forEachWaiting starts at the consumed cursor when the receiver read past what it handed back", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 1024 });
  box.bindReceiver(Doorbell.create(arena));
  const producer = Mailbox.attach(arena, box.offset, 4);
  for (let i = 0; i < 4; i++) assert.equal(producer.trySend(new Uint8Array([i])), true);
  // Two taken, not handed back yet (less than a quarter ring, nobody waiting for room).
  assert.deepEqual(box.receive(0), new Uint8Array([0]));
  assert.deepEqual(box.receive(0), new Uint8Array([1]));
  const seen: number[] = [];
  box.forEachWaiting((bytes, start) => seen.push(bytes[start]));
  assert.deepEqual(seen, [2, 3]);
});

/** A 1 KiB mailbox with a receiver, holding one record (a byte 1) of a producer: 16 bytes. */
function mailboxWithOneRecord(): { arena: Arena; box: Mailbox } {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const box = Mailbox.create(arena, { capacity: 1024 });
  box.bindReceiver(Doorbell.create(arena));
  assert.equal(Mailbox.attach(arena, box.offset, 4).trySend(new Uint8Array([1])), true);
  return { arena, box };
}

Deno.test("mailbox: forEachWaiting ends at a reservation whose header never comes (its producer died between its two stores), after a bounded wait", () => {
  const { arena, box } = mailboxWithOneRecord();
  // A reservation whose header is never written: the write cursor (word 0) moved by 16 bytes.
  Atomics.add(arena.i32, box.offset >> 2, 16);
  assert.equal(Mailbox.attach(arena, box.offset, 5).trySend(new Uint8Array([2])), true);
  const seen: number[] = [];
  box.forEachWaiting((bytes, start) => seen.push(bytes[start]));
  assert.deepEqual(seen, [1]);
});

Deno.test("mailbox: forEachWaiting refuses a padding shorter than a header (it would never move on)", () => {
  const { arena, box } = mailboxWithOneRecord();
  // A forged padding of length 0 (COMMITTED | PADDING) after the record.
  Atomics.add(arena.i32, box.offset >> 2, 16);
  Atomics.store(arena.i32, (box.dataOffset + 16) >> 2, (1 << 30) | (1 << 28));
  const seen: number[] = [];
  box.forEachWaiting((bytes, start) => seen.push(bytes[start]));
  assert.deepEqual(seen, [1]);
});
