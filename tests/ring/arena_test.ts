import assert from "node:assert/strict";
import { Arena, ArenaFullError, Mailbox } from "../../src/ring/mod.ts";
import { startWorker, within } from "./_worker.ts";

const WORKER = new URL("./_ring_worker.ts", import.meta.url);

Deno.test("arena: blocks are 64-byte aligned, zeroed, and reused after free", () => {
  const arena = Arena.create({ initialBytes: 1 << 16, maxBytes: 1 << 20 });
  const a = arena.allocate(100);
  const b = arena.allocate(100);
  assert.equal(a % 64, 0);
  assert.equal(b % 64, 0);
  assert.ok(Math.abs(a - b) >= 128, "a 100-byte request takes a 128-byte block");
  arena.bytes(a, 100).fill(9);
  arena.free(a, 100);
  const c = arena.allocate(128);
  assert.equal(c, a, "the freed block of the same size class comes back first");
  assert.ok(arena.bytes(c, 128).every((byte) => byte === 0), "and comes back zeroed");
});

Deno.test("arena: grows on demand up to its maximum, then refuses with ArenaFullError", () => {
  const arena = Arena.create({ initialBytes: 1 << 16, maxBytes: 1 << 20 });
  const before = arena.buffer.byteLength;
  const offsets: number[] = [];
  assert.throws(
    () => {
      for (;;) offsets.push(arena.allocate(60_000));
    },
    (error: unknown) =>
      error instanceof ArenaFullError && /larger arena maxBytes/.test(error.message),
  );
  assert.ok(arena.buffer.byteLength > before);
  assert.ok(arena.buffer.byteLength <= 1 << 20);
  assert.ok(offsets.length >= 14);
  arena.free(offsets[0], 60_000);
  assert.equal(arena.allocate(60_000), offsets[0], "freed space is usable again when full");
});

Deno.test("arena: pretouch changes no byte, allocates nothing, keeps within maxBytes, and stops once far enough ahead", () => {
  const arena = Arena.create({ initialBytes: 1 << 16, maxBytes: 1 << 20 });
  const inUse = arena.allocate(3000);
  arena.bytes(inUse, 3000).fill(7);
  const used = arena.usedBytes;
  assert.equal(arena.pretouch(64 << 10, 16 << 10), true);
  assert.equal(arena.usedBytes, used, "touching is not allocating");
  assert.ok(arena.bytes(inUse, 3000).every((byte) => byte === 7), "a block in use is as it was");
  let rounds = 1;
  while (arena.pretouch(64 << 10, 16 << 10)) rounds++;
  // 64 KiB past the bump, from the page the bump is in: 16 KiB a call.
  assert.ok(rounds === 4 || rounds === 5, `${rounds} calls`);
  assert.equal(arena.pretouch(64 << 10, 16 << 10), false, "then it only looks");
  // Blocks from the touched span are zeroed and usable, as any fresh block.
  const fresh = arena.allocate(20_000);
  assert.ok(arena.bytes(fresh, 20_000).every((byte) => byte === 0));
  arena.bytes(fresh, 20_000).fill(1);
  assert.ok(arena.bytes(inUse, 3000).every((byte) => byte === 7));
  // Never past the arena's maximum, however far ahead it is asked to go.
  const small = Arena.create({ initialBytes: 1 << 16, maxBytes: 1 << 17 });
  while (small.pretouch(1 << 20, 16 << 10));
  assert.ok(small.buffer.byteLength <= 1 << 17);
  assert.ok(small.allocate(60_000) > 0, "and allocating still works up to it");
});

Deno.test("arena: bad options and foreign buffers are refused with clear errors", () => {
  assert.throws(() => Arena.create({ maxBytes: 100 }), RangeError);
  assert.throws(() => Arena.create({ maxBytes: 2 ** 32 }), RangeError);
  assert.throws(
    () => Arena.attach(new SharedArrayBuffer(1024, { maxByteLength: 2048 })),
    /not a ringmail arena/,
  );
  assert.throws(() => Arena.attach(new SharedArrayBuffer(1024)), /growable/);
  const arena = Arena.create();
  assert.throws(() => Mailbox.create(arena, { capacity: 1000 }), /power of two/);
  assert.throws(() => Mailbox.create(arena, { capacity: 32 }), RangeError);
  assert.throws(() => Mailbox.attach(arena, arena.allocate(128)), /no mailbox/);
});

Deno.test("arena: growth in one thread is seen by another, and mailboxes made after it work there", async () => {
  const arena = Arena.create({ initialBytes: 1 << 16, maxBytes: 1 << 26 });
  using worker = startWorker(WORKER);
  // The worker attaches after this send; the mailbox below lies past the arena's first size.
  const mailbox = Mailbox.create(arena, { capacity: 1 << 20 });
  assert.ok(mailbox.offset + (1 << 20) > 1 << 16);
  const { Doorbell } = await import("../../src/ring/mod.ts");
  mailbox.bindReceiver(Doorbell.create(arena));
  worker.worker.postMessage({
    kind: "produce",
    buffer: arena.buffer,
    offset: mailbox.offset,
    producer: 0,
    count: 100,
    maxExtra: 500,
  });
  assert.deepEqual(await within(30_000, "producer", worker.next()), { done: true });
  let count = 0;
  while (mailbox.read() >= 0) {
    mailbox.release();
    count++;
  }
  assert.equal(count, 100);
});

Deno.test("arena: threads allocating and freeing at once never share a byte", async () => {
  const arena = Arena.create({ initialBytes: 1 << 16, maxBytes: 1 << 28 });
  const workers = [startWorker(WORKER), startWorker(WORKER), startWorker(WORKER)];
  try {
    workers.forEach((w, i) =>
      w.worker.postMessage({
        kind: "allocate",
        buffer: arena.buffer,
        offset: 0,
        rounds: 20_000,
        seed: 11 + i,
      })
    );
    type Result = { tag: number; held: { offset: number; size: number }[]; error?: string };
    const results = await within(
      60_000,
      "allocators",
      Promise.all(workers.map((w) => w.next<Result>())),
    );
    const spans: [number, number, number][] = [];
    for (const result of results) {
      assert.equal(result.error, undefined);
      for (const { offset, size } of result.held) {
        assert.ok(
          arena.bytes(offset, size).every((byte) => byte === result.tag),
          `block ${offset} intact`,
        );
        spans.push([offset, offset + size, result.tag]);
      }
    }
    spans.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) {
      assert.ok(spans[i - 1][1] <= spans[i][0], "blocks overlap");
    }
  } finally {
    for (const w of workers) w[Symbol.dispose]();
  }
});
