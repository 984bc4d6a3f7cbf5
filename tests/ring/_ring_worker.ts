/// <reference lib="deno.worker" />
/**
 * A test worker for the ring layer: produces or consumes checkable records, or blocks in a
 * receive or send so the main thread can test what wakes it. It answers each request with
 * `{ done: true, ... }` or `{ error: "ErrorName: message" }`.
 */
import process from "node:process";
import { Arena, CLOSED_AND_DRAINED, Doorbell, EMPTY, Mailbox } from "../../src/ring/mod.ts";
import { checkRecord, OrderCheck, writeRecord } from "./_records.ts";

export type Request =
  | {
    kind: "produce";
    buffer: SharedArrayBuffer;
    offset: number;
    producer: number;
    count: number;
    maxExtra: number;
  }
  | {
    kind: "consume";
    buffer: SharedArrayBuffer;
    offset: number;
    producers: number;
    count: number;
    maxExtra: number;
  }
  | {
    kind: "stall";
    buffer: SharedArrayBuffer;
    offset: number;
    control: SharedArrayBuffer;
    producer: number;
    count: number;
    maxExtra: number;
  }
  | { kind: "receive"; buffer: SharedArrayBuffer; offset: number; timeout: number }
  | { kind: "send"; buffer: SharedArrayBuffer; offset: number; size: number; timeout: number }
  | { kind: "allocate"; buffer: SharedArrayBuffer; offset: number; rounds: number; seed: number }
  | {
    kind: "produce-many";
    buffer: SharedArrayBuffer;
    offsets: number[];
    producer: number;
    count: number;
    maxExtra: number;
  }
  | {
    kind: "serve";
    buffer: SharedArrayBuffer;
    offsets: number[];
    producers: number;
    count: number;
    maxExtra: number;
    batch: number;
  };

const WAIT_LIMIT_MS = 60_000;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

self.onmessage = (event: MessageEvent<Request>) => {
  try {
    self.postMessage(handle(event.data));
  } catch (error) {
    self.postMessage({ error: describe(error) });
  }
};

function handle(request: Request): unknown {
  const arena = Arena.attach(request.buffer);
  if (request.kind === "allocate") return allocate(arena, request.rounds, request.seed);
  if (request.kind === "produce-many") return produceMany(arena, request);
  if (request.kind === "serve") return serve(arena, request);
  const threadId = arena.newThreadId();
  const mailbox = Mailbox.attach(arena, request.offset, threadId);
  switch (request.kind) {
    case "produce": {
      const scratch = new Uint8Array(request.maxExtra + 5);
      for (let seq = 0; seq < request.count; seq++) {
        const length = writeRecord(scratch, request.producer, seq, request.maxExtra);
        mailbox.send(scratch, WAIT_LIMIT_MS, 0, length);
      }
      return { done: true };
    }
    case "consume": {
      mailbox.bindReceiver(Doorbell.create(arena, threadId));
      const order = new OrderCheck(request.producers);
      const started = process.threadCpuUsage();
      const startedAt = performance.now();
      let firstCpuMicros = -1;
      let firstWallMs = -1;
      let received = 0;
      while (received < request.count) {
        const length = mailbox.waitForRecord(WAIT_LIMIT_MS);
        if (received === 0) {
          // Until the first record this consumer could only wait: how much CPU did waiting cost?
          const cpu = process.threadCpuUsage(started);
          firstCpuMicros = cpu.user + cpu.system;
          firstWallMs = performance.now() - startedAt;
        }
        if (length === EMPTY) {
          throw new Error(`no record within ${WAIT_LIMIT_MS} ms after ${received}`);
        }
        if (length === CLOSED_AND_DRAINED) throw new Error(`closed after ${received} records`);
        const [producer, seq] = checkRecord(
          mailbox.bytes,
          mailbox.recordStart,
          length,
          request.maxExtra,
        );
        order.see(producer, seq);
        mailbox.release();
        received++;
      }
      // Exactly once: nothing more is in the ring.
      if (mailbox.read() !== EMPTY) throw new Error("a record beyond the expected count arrived");
      mailbox.flush(); // hand back the space of the last records (reading alone does it in batches)
      const cpu = process.threadCpuUsage(started);
      return {
        done: true,
        received,
        cpuMicros: cpu.user + cpu.system,
        firstCpuMicros,
        firstWallMs,
      };
    }
    case "stall": {
      // Reserve a record, then stop before publishing it until the main thread says go on.
      const control = new Int32Array(request.control);
      const scratch = new Uint8Array(request.maxExtra + 5);
      const length = writeRecord(scratch, request.producer, 0, request.maxExtra);
      const at = mailbox.reserve(length);
      if (at < 0) throw new Error("mailbox full at the first reserve");
      Atomics.store(control, 0, 1);
      Atomics.notify(control, 0);
      if (Atomics.wait(control, 1, 0, WAIT_LIMIT_MS) === "timed-out") {
        throw new Error("never released");
      }
      mailbox.bytes.set(scratch.subarray(0, length), at);
      mailbox.commit();
      for (let seq = 1; seq < request.count; seq++) {
        const n = writeRecord(scratch, request.producer, seq, request.maxExtra);
        mailbox.send(scratch, WAIT_LIMIT_MS, 0, n);
      }
      return { done: true };
    }
    case "receive": {
      mailbox.bindReceiver(Doorbell.create(arena, threadId));
      const record = mailbox.receive(request.timeout);
      return { done: true, record };
    }
    case "send": {
      mailbox.send(new Uint8Array(request.size), request.timeout);
      return { done: true };
    }
  }
}

/**
 * Allocates and frees blocks of random sizes, filling each with this thread's tag; returns the
 * blocks it still holds so the main thread can check no two threads ever shared a byte.
 */
function allocate(arena: Arena, rounds: number, seed: number): unknown {
  const tag = (seed % 250) + 1;
  const held: { offset: number; size: number }[] = [];
  let state = seed;
  const random = () => (state = Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5 >>> 0);
  for (let round = 0; round < rounds; round++) {
    if (held.length > 0 && random() % 3 === 0) {
      const [block] = held.splice(random() % held.length, 1);
      const bytes = arena.bytes(block.offset, block.size);
      if (bytes.some((b) => b !== tag)) throw new Error(`block at ${block.offset} was overwritten`);
      arena.free(block.offset, block.size);
    } else {
      const size = 1 + (random() % 3000);
      const offset = arena.allocate(size);
      const bytes = arena.bytes(offset, size);
      if (bytes.some((b) => b !== 0)) throw new Error(`block at ${offset} was not zeroed`);
      bytes.fill(tag);
      held.push({ offset, size });
    }
  }
  return { done: true, tag, held };
}

/** Sends records to many mailboxes, choosing each record's mailbox from its sequence number. */
function produceMany(arena: Arena, request: Extract<Request, { kind: "produce-many" }>): unknown {
  const id = arena.newThreadId();
  const boxes = request.offsets.map((offset) => Mailbox.attach(arena, offset, id));
  const scratch = new Uint8Array(request.maxExtra + 5);
  for (let seq = 0; seq < request.count; seq++) {
    const length = writeRecord(scratch, request.producer, seq, request.maxExtra);
    boxes[seq % boxes.length].send(scratch, WAIT_LIMIT_MS, 0, length);
  }
  return { done: true };
}

/**
 * Serves many scheduled mailboxes from one thread, as an actor worker does: take a ready mailbox,
 * read up to `batch` records, then either requeue it locally (more to read) or end its turn.
 * Checks every record, and per producer that records arrive in order within each mailbox.
 */
function serve(arena: Arena, request: Extract<Request, { kind: "serve" }>): unknown {
  const id = arena.newThreadId();
  const bell = Doorbell.create(arena, id);
  const boxes = new Map<number, Mailbox>();
  for (const offset of request.offsets) {
    const box = Mailbox.attach(arena, offset, id);
    box.bindReceiver(bell, { scheduled: true });
    boxes.set(offset, box);
  }
  const expected = request.offsets.map(() => new Array(request.producers).fill(-1));
  const local: number[] = [];
  let received = 0;
  let wakeups = 0;
  const deadline = performance.now() + WAIT_LIMIT_MS;
  while (received < request.count) {
    let offset = local.shift() ?? bell.nextReady();
    if (offset === 0) {
      wakeups++;
      if (performance.now() > deadline) throw new Error(`stuck after ${received} records`);
      bell.park(() => bell.hasReady(), 1000);
      continue;
    }
    const box = boxes.get(offset)!;
    const index = request.offsets.indexOf(offset);
    let taken = 0;
    for (; taken < request.batch; taken++) {
      const length = box.read();
      if (length < 0) break;
      const [producer, seq] = checkRecord(box.bytes, box.recordStart, length, request.maxExtra);
      if (seq <= expected[index][producer]) {
        throw new Error(`mailbox ${index}: ${producer}/${seq} out of order`);
      }
      expected[index][producer] = seq;
      box.release();
      received++;
    }
    if (taken === request.batch) local.push(offset);
    else if (box.endTurn()) local.push(offset);
    offset = 0;
  }
  for (const box of boxes.values()) {
    if (box.read() !== EMPTY) throw new Error("a record beyond the expected count arrived");
  }
  return { done: true, received, wakeups };
}
