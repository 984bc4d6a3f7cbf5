/** Short byte runs copied four bytes a step: every length, alignment and source gives the bytes. */
import assert from "node:assert/strict";
import { copyBytes, WORD_COPY_MAX } from "../../src/util/copy_bytes.ts";

/** A buffer of `length` bytes, none zero, each telling its place. */
function patterned(length: number, shared = false): Uint8Array {
  const bytes = new Uint8Array(
    shared ? new SharedArrayBuffer(length) : new ArrayBuffer(length),
  );
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + 1) % 255 + 1;
  return bytes;
}

Deno.test("copyBytes: every length and alignment copies exactly its run, touching nothing else", () => {
  const sources = [patterned(600, true), patterned(600)];
  // A view that starts off a word boundary of its buffer, as a ring's or a batch's may.
  sources.push(new Uint8Array(sources[1].buffer, 3, 590));
  for (const from of sources) {
    for (let length = 0; length <= WORD_COPY_MAX + 9; length++) {
      const start = length % 5;
      const at = (length * 3) % 7;
      const to = new Uint8Array(length + 16);
      copyBytes(to, at, from, start, length);
      for (let i = 0; i < to.length; i++) {
        const want = i >= at && i < at + length ? from[start + i - at] : 0;
        assert.equal(to[i], want, `length ${length}, byte ${i}`);
      }
    }
  }
});

Deno.test("copyBytes: alternating between sources and targets never copies from a stale view", () => {
  const a = patterned(64, true);
  const b = patterned(64).reverse();
  const c = patterned(64).map((x) => 255 - x);
  const targets = [new Uint8Array(64), new Uint8Array(new SharedArrayBuffer(64))];
  // Three sources in turn: each time one of them left the two-entry cache.
  for (let round = 0; round < 9; round++) {
    const from = [a, b, c][round % 3];
    const to = targets[round % 2];
    copyBytes(to, 0, from, 0, 64);
    assert.deepEqual([...to], [...from]);
  }
  // A buffer replaced by a larger one: the view of the new one is made, not the old one's kept.
  let grown = new Uint8Array(8);
  copyBytes(grown, 0, a, 0, 8);
  grown = new Uint8Array(32);
  copyBytes(grown, 4, a, 0, 28);
  assert.deepEqual([...grown.subarray(4)], [...a.subarray(0, 28)]);
});

Deno.test("copyBytes: an array that tracks a growable buffer's length is copied into past where it first ended", () => {
  const buffer = new SharedArrayBuffer(16, { maxByteLength: 64 });
  const tracking = new Uint8Array(buffer);
  const from = patterned(48);
  copyBytes(tracking, 0, from, 0, 16);
  buffer.grow(64);
  copyBytes(tracking, 16, from, 16, 32);
  assert.deepEqual([...tracking.subarray(0, 48)], [...from]);
  // And as a source.
  const to = new Uint8Array(48);
  copyBytes(to, 0, tracking, 0, 48);
  assert.deepEqual([...to], [...from]);
});
