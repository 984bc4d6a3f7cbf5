/**
 * BacklogBytes: a backlog's waiting records in one growing buffer. Records of every size are
 * appended and released oldest first in patterns that make the buffer grow, move its live run
 * to the front, and start over when empty; each record must read back as it went in.
 */
import assert from "node:assert/strict";
import { BacklogBytes } from "../../src/delivery/backlog_bytes.ts";

/** A record of `length` bytes, each telling its record (`id`) and place. */
function recordOf(id: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (id * 31 + i) & 0xff);
}

function readBack(bytes: BacklogBytes, at: number, length: number): Uint8Array {
  const offset = bytes.offsetOf(at);
  return bytes.buffer.slice(offset, offset + length);
}

Deno.test("backlog bytes: records read back as they went in, through growth and moves", () => {
  const bytes = new BacklogBytes();
  const waiting: { id: number; at: number; length: number }[] = [];
  // A seeded walk: mostly small records, now and then one larger than the copy-by-byte limit.
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let next = 0;
  let released = 0;
  for (let step = 0; step < 20_000; step++) {
    if (random() < 0.55) {
      const length = random() < 0.1
        ? 65 + Math.floor(random() * 900)
        : 1 + Math.floor(random() * 64);
      // Appended from the middle of a larger array, as a writer's bytes are.
      const source = new Uint8Array(length + 10);
      source.set(recordOf(next, length), 5);
      waiting.push({ id: next, at: bytes.append(source, 5, 5 + length), length });
      next++;
    } else if (waiting.length > 0) {
      const head = waiting.shift()!;
      assert.deepEqual(readBack(bytes, head.at, head.length), recordOf(head.id, head.length));
      bytes.release(head.at + head.length);
      released++;
    }
    // Every waiting record is still whole, wherever the buffer moved it.
    if (step % 997 === 0) {
      for (const record of waiting) {
        assert.deepEqual(
          readBack(bytes, record.at, record.length),
          recordOf(record.id, record.length),
        );
      }
    }
  }
  assert.ok(released > 1000, `the walk released ${released} records`);
});

Deno.test("backlog bytes: an emptied backlog starts again at its buffer's front", () => {
  const bytes = new BacklogBytes();
  const first = bytes.append(recordOf(1, 40), 0, 40);
  bytes.release(first + 40);
  const second = bytes.append(recordOf(2, 40), 0, 40);
  assert.equal(bytes.offsetOf(second), 0);
  assert.deepEqual(bytes.copyOf(second, 40), recordOf(2, 40));
});

Deno.test("backlog bytes: a copy of a record does not change when the buffer moves on", () => {
  const bytes = new BacklogBytes();
  const at = bytes.append(recordOf(3, 20), 0, 20);
  const copy = bytes.copyOf(at, 20);
  for (let i = 0; i < 100; i++) bytes.append(recordOf(i, 50), 0, 50);
  assert.deepEqual(copy, recordOf(3, 20));
  assert.deepEqual(bytes.copyOf(at, 20), recordOf(3, 20));
});
