/**
 * Stress across real Workers. The machine has 2 cores and these tests run 4 threads, so they are
 * oversubscribed on purpose: producers get preempted between reserve and publish, the small ring
 * wraps thousands of times and is full most of the time.
 */
import assert from "node:assert/strict";
import { Arena, CLOSED_AND_DRAINED, Doorbell, EMPTY, Mailbox } from "../../src/ring/mod.ts";
import { checkRecord, OrderCheck } from "./_records.ts";
import { startWorker, type TestWorker, within } from "./_worker.ts";

const WORKER = new URL("./_ring_worker.ts", import.meta.url);
const PRODUCERS = 3;
const RECORDS_EACH = 100_000;
const MAX_EXTRA = 120; // records of 5..125 bytes: 8..136 in the ring with their header
const CAPACITY = 1024;
const LIMIT_MS = 120_000;

function startProducers(arena: Arena, mailbox: Mailbox): TestWorker[] {
  const workers: TestWorker[] = [];
  for (let producer = 0; producer < PRODUCERS; producer++) {
    const worker = startWorker(WORKER);
    workers.push(worker);
    worker.worker.postMessage({
      kind: "produce",
      buffer: arena.buffer,
      offset: mailbox.offset,
      producer,
      count: RECORDS_EACH,
      maxExtra: MAX_EXTRA,
    });
  }
  return workers;
}

Deno.test("stress: 3 producer workers into 1 consumer worker, tiny ring, every byte in order", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity: CAPACITY });
  using consumer = startWorker(WORKER);
  consumer.worker.postMessage({
    kind: "consume",
    buffer: arena.buffer,
    offset: mailbox.offset,
    producers: PRODUCERS,
    count: PRODUCERS * RECORDS_EACH,
    maxExtra: MAX_EXTRA,
  });
  const producers = startProducers(arena, mailbox);
  try {
    const results = await within(
      LIMIT_MS,
      "stress run",
      Promise.all([consumer.next(), ...producers.map((p) => p.next())]),
    );
    for (const result of results) assert.equal((result as { error?: string }).error, undefined);
    assert.equal((results[0] as { received: number }).received, PRODUCERS * RECORDS_EACH);
  } finally {
    for (const producer of producers) producer[Symbol.dispose]();
  }
  // Everything consumed: the ring wrapped (bytes through it / capacity) times, and is empty.
  assert.equal(mailbox.usedBytes, 0);
});

Deno.test("stress: 3 producer workers into the main thread's async receive", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity: CAPACITY });
  mailbox.bindReceiver(Doorbell.create(arena));
  const producers = startProducers(arena, mailbox);
  try {
    const order = new OrderCheck(PRODUCERS);
    let received = 0;
    let wraps = 0;
    const deadline = performance.now() + LIMIT_MS;
    while (received < PRODUCERS * RECORDS_EACH) {
      const length = await mailbox.waitForRecordAsync({ timeout: deadline - performance.now() });
      assert.notEqual(length, EMPTY, `no record in time after ${received}`);
      assert.notEqual(length, CLOSED_AND_DRAINED);
      if (mailbox.recordStart === mailbox.dataOffset + 8) wraps++;
      order.see(...checkRecord(mailbox.bytes, mailbox.recordStart, length, MAX_EXTRA));
      mailbox.release();
      received++;
    }
    const done = await within(
      LIMIT_MS,
      "producers finish",
      Promise.all(producers.map((p) => p.next())),
    );
    for (const result of done) assert.deepEqual(result, { done: true });
    assert.ok(wraps > 1000, `the ring wrapped ${wraps} times`);
  } finally {
    for (const producer of producers) producer[Symbol.dispose]();
  }
});

Deno.test("stress: a producer stalled between reserve and publish costs the consumer no CPU", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity: CAPACITY });
  const control = new SharedArrayBuffer(8);
  const controlWords = new Int32Array(control);
  using staller = startWorker(WORKER);
  using consumer = startWorker(WORKER);
  // The staller is producer 3: its record 0 is the first in the ring, reserved and held back.
  staller.worker.postMessage({
    kind: "stall",
    buffer: arena.buffer,
    offset: mailbox.offset,
    control,
    producer: PRODUCERS,
    count: 1000,
    maxExtra: MAX_EXTRA,
  });
  const reserved = Atomics.waitAsync(controlWords, 0, 0, LIMIT_MS);
  if (reserved.async) await reserved.value;
  assert.equal(Atomics.load(controlWords, 0), 1, "the staller reserved");
  consumer.worker.postMessage({
    kind: "consume",
    buffer: arena.buffer,
    offset: mailbox.offset,
    producers: PRODUCERS + 1,
    count: PRODUCERS * RECORDS_EACH + 1000,
    maxExtra: MAX_EXTRA,
  });
  const others = startProducers(arena, mailbox);
  try {
    // The others fill the ring behind the stalled record and block; the consumer can read
    // nothing. The stall lasts this long so the consumer's CPU time has something to measure
    // against; nothing below depends on what happened during it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    Atomics.store(controlWords, 1, 1);
    Atomics.notify(controlWords, 1);
    type Result = { received: number; firstCpuMicros: number; firstWallMs: number; error?: string };
    const [result, ...rest] = await within(
      LIMIT_MS,
      "stalled run",
      Promise.all([consumer.next<Result>(), staller.next(), ...others.map((p) => p.next())]),
    );
    assert.equal(result.error, undefined);
    for (const other of rest) assert.deepEqual(other, { done: true });
    assert.equal(
      result.received,
      PRODUCERS * RECORDS_EACH + 1000,
      "all arrive, in order per producer",
    );
    // A consumer spinning through the stall would use ~100% of a core; allow a quarter.
    const share = result.firstCpuMicros / 1000 / result.firstWallMs;
    assert.ok(share < 0.25, `the waiting consumer used ${(share * 100).toFixed(1)}% of a core`);
  } finally {
    for (const producer of others) producer[Symbol.dispose]();
  }
});

Deno.test("stress: one thread serves 64 scheduled mailboxes fed by 3 producer workers", async () => {
  const arena = Arena.create({ maxBytes: 1 << 26 });
  const offsets = Array.from({ length: 64 }, () => Mailbox.create(arena, { capacity: 256 }).offset);
  const count = 50_000;
  using server = startWorker(WORKER);
  server.worker.postMessage({
    kind: "serve",
    buffer: arena.buffer,
    offsets,
    producers: PRODUCERS,
    count: PRODUCERS * count,
    maxExtra: 60,
    batch: 8,
  });
  const producers: TestWorker[] = [];
  try {
    for (let producer = 0; producer < PRODUCERS; producer++) {
      const worker = startWorker(WORKER);
      producers.push(worker);
      worker.worker.postMessage({
        kind: "produce-many",
        buffer: arena.buffer,
        offsets,
        producer,
        count,
        maxExtra: 60,
      });
    }
    type Result = { received?: number; error?: string };
    const [served, ...done] = await within(
      LIMIT_MS,
      "scheduled run",
      Promise.all([server.next<Result>(), ...producers.map((p) => p.next<Result>())]),
    );
    assert.equal(served.error, undefined);
    assert.equal(served.received, PRODUCERS * count);
    for (const result of done) assert.deepEqual(result, { done: true });
  } finally {
    for (const producer of producers) producer[Symbol.dispose]();
  }
});

Deno.test("stress: records of 5 to 900 bytes through a 1 KiB ring: padding everywhere, none lost or repeated", async () => {
  // Most records take over a quarter of the ring and many do not fit its tail: the consumer
  // steps over padding often, and producers wait for room at the start of the ring.
  const producers = 2;
  const count = 20_000;
  const maxExtra = 895;
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const mailbox = Mailbox.create(arena, { capacity: CAPACITY });
  using consumer = startWorker(WORKER);
  consumer.worker.postMessage({
    kind: "consume",
    buffer: arena.buffer,
    offset: mailbox.offset,
    producers,
    count: producers * count,
    maxExtra,
  });
  const workers: TestWorker[] = [];
  try {
    for (let producer = 0; producer < producers; producer++) {
      const worker = startWorker(WORKER);
      workers.push(worker);
      worker.worker.postMessage({
        kind: "produce",
        buffer: arena.buffer,
        offset: mailbox.offset,
        producer,
        count,
        maxExtra,
      });
    }
    type Result = { received?: number; error?: string };
    const [result, ...done] = await within(
      LIMIT_MS,
      "mixed sizes run",
      Promise.all([consumer.next<Result>(), ...workers.map((p) => p.next<Result>())]),
    );
    assert.equal(result.error, undefined);
    assert.equal(result.received, producers * count, "all arrive, intact, in order per producer");
    for (const other of done) assert.deepEqual(other, { done: true });
  } finally {
    for (const worker of workers) worker[Symbol.dispose]();
  }
  assert.equal(mailbox.usedBytes, 0);
});
