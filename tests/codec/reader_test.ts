/** The Reader: bounds on every primitive, regions, limits. */

import assert from "node:assert/strict";
import { CodecError, MAX_MESSAGE_BYTES, Reader, Writer } from "../../src/codec/mod.ts";

Deno.test("every primitive is bounds-checked against the region's end", () => {
  const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 0x80, 0x80]);
  const r = new Reader();
  const reads: [string, (r: Reader) => unknown][] = [
    ["u8", (r) => r.u8()],
    ["u16", (r) => r.u16()],
    ["u32", (r) => r.u32()],
    ["f32", (r) => r.f32()],
    ["f64", (r) => r.f64()],
    ["varuint", (r) => r.varuint()],
    ["varint", (r) => r.varint()],
    ["string", (r) => r.string()],
    ["raw", (r) => r.raw(3)],
    ["value", (r) => r.value()],
  ];
  for (const [name, read] of reads) {
    // A region of 0 bytes inside a buffer that has more: the bytes beyond must not be read.
    r.reset(bytes, 4, 4);
    assert.throws(() => read(r), CodecError, name);
  }
  r.reset(bytes, 8, 10); // an unterminated varuint at the end
  assert.throws(() => r.varuint(), /truncated/);
  r.reset(new Uint8Array([5, 1, 2]));
  assert.throws(() => r.string(), /needed 5 bytes at byte 1 but the message ends at byte 3/);
});

Deno.test("reset checks the region", () => {
  const r = new Reader();
  assert.throws(() => r.reset(new Uint8Array(4), 2, 8), RangeError);
  assert.throws(() => r.reset(new Uint8Array(4), 3, 2), RangeError);
  // Zero-filled memory is not touched: this costs no real memory.
  const huge = new Uint8Array(MAX_MESSAGE_BYTES + 1);
  assert.throws(() => r.reset(huge), /larger than the limit/);
  r.reset(huge, 0, 16);
  assert.equal(r.remaining, 16);
});

Deno.test("raw copies out of the buffer", () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const r = new Reader().reset(bytes);
  const copy = r.raw(3);
  bytes[0] = 9;
  assert.deepEqual([...copy], [1, 2, 3]);
  assert.throws(() => new Reader().reset(bytes).raw(-1), CodecError);
});

Deno.test("varuint: every length reads back, at a region's very end and with bytes after it", () => {
  const writer = new Writer(64);
  const reader = new Reader();
  const values = [0, 1, 0x7f, 0x80];
  for (let bits = 8; bits <= 53; bits++) {
    values.push(2 ** bits - 1, 2 ** bits, 2 ** (bits - 1) + 12345);
  }
  for (const value of values.filter((v) => v <= Number.MAX_SAFE_INTEGER)) {
    writer.reset();
    writer.varuint(value);
    const length = writer.length;
    const bytes = new Uint8Array(length + 6).fill(0xff);
    writer.copyTo(bytes, 0);
    // Alone in its region (the short paths must not look past the end), then with bytes after.
    reader.reset(bytes, 0, length);
    assert.equal(reader.varuint(), value);
    assert.equal(reader.pos, length);
    reader.reset(bytes);
    assert.equal(reader.varuint(), value, `${value} with bytes after it`);
    assert.equal(reader.pos, length);
  }
});
