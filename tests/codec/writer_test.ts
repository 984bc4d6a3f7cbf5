/** The Writer: primitives, scratch growth and reuse, region mode, copying out. */

import assert from "node:assert/strict";
import { CodecError, Reader, Writer, WriterFullError } from "../../src/codec/mod.ts";

Deno.test("primitives round-trip through a Reader", () => {
  const w = new Writer(4);
  w.reset();
  w.u8(255);
  w.u16(0xbeef);
  w.u32(0xdeadbeef);
  w.f32(1.5);
  w.f64(-0);
  w.f64(NaN);
  const varuints = [
    0,
    1,
    127,
    128,
    16383,
    16384,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 45 + 3,
    2 ** 53 - 1,
  ];
  for (const v of varuints) w.varuint(v);
  const varints = [
    0,
    -1,
    1,
    -64,
    64,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 40,
    -(2 ** 40),
    2 ** 52 - 1,
    -(2 ** 52),
  ];
  for (const v of varints) w.varint(v);
  w.string("");
  w.string("héllo");
  w.string("x".repeat(300));
  w.string("\ud800"); // lone surrogate: U+FFFD with the untagged primitive
  w.bytesWithLength(new Uint8Array([1, 2, 3]));
  w.raw(new Uint8Array([4, 5]));

  const r = new Reader().reset(w.toBytes());
  assert.equal(r.u8(), 255);
  assert.equal(r.u16(), 0xbeef);
  assert.equal(r.u32(), 0xdeadbeef);
  assert.equal(r.f32(), 1.5);
  assert.ok(Object.is(r.f64(), -0));
  assert.ok(Number.isNaN(r.f64()));
  for (const v of varuints) assert.equal(r.varuint(), v);
  for (const v of varints) assert.equal(r.varint(), v);
  assert.equal(r.string(), "");
  assert.equal(r.string(), "héllo");
  assert.equal(r.string(), "x".repeat(300));
  assert.equal(r.string(), "\ufffd");
  assert.deepEqual(r.bytesWithLength(), new Uint8Array([1, 2, 3]));
  assert.deepEqual(r.raw(2), new Uint8Array([4, 5]));
  r.expectEnd();
});

Deno.test("varuint and varint refuse what they cannot write", () => {
  const w = new Writer();
  for (const bad of [-1, 1.5, 2 ** 53, NaN, Infinity]) {
    assert.throws(() => w.varuint(bad), CodecError);
  }
  for (const bad of [2 ** 52, -(2 ** 52) - 2, 0.5]) {
    assert.throws(() => w.varint(bad), CodecError);
  }
});

Deno.test("the scratch buffer grows, is reused, and shrinks back after a huge message", () => {
  const w = new Writer(16);
  w.reset();
  w.value("y".repeat(10_000));
  assert.equal(w.length, 10_003);
  const big = w.bytes;
  w.reset();
  w.value(1);
  assert.equal(w.bytes, big, "reused, not reallocated");
  w.reset();
  w.value(new Uint8Array(3 << 20));
  w.reset(); // the last message was huge: kept
  w.value(1);
  w.reset(); // the last message was small: given back
  assert.ok(w.bytes.length < 1 << 20);
});

Deno.test("region mode: writes into the caller's buffer, throws WriterFullError when full", () => {
  const target = new Uint8Array(new SharedArrayBuffer(32));
  const w = new Writer();
  w.resetInto(target, 8, 16);
  w.value("hello");
  assert.equal(w.length, 6);
  assert.deepEqual([...target.subarray(8, 14)], [0x85, 104, 101, 108, 108, 111]);
  w.resetInto(target, 8, 16);
  const e = assert.throws(() => w.value("far too long for eight bytes"), WriterFullError);
  void e;
  try {
    w.resetInto(target, 8, 16);
    w.value({ list: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
  } catch (err) {
    assert.ok(err instanceof WriterFullError);
    assert.ok(err instanceof CodecError);
    assert.equal(err.capacity, 8);
    assert.ok(err.needed > 8);
  }
  assert.throws(() => w.resetInto(target, 10, 40), RangeError);
  // Back to scratch mode after a region.
  w.reset();
  w.value("far too long for eight bytes");
  assert.equal(w.length, 30);
});

Deno.test("copyTo and toBytes copy; view aliases", () => {
  const w = new Writer();
  w.reset();
  w.value("some text that is longer than thirty-two bytes, for the set() path");
  const out = new Uint8Array(200);
  const n = w.copyTo(out, 5);
  assert.equal(n, w.length);
  assert.deepEqual(out.subarray(5, 5 + n), w.toBytes());
  assert.equal(w.view().buffer, w.bytes.buffer);
  assert.notEqual(w.toBytes().buffer, w.bytes.buffer);
  assert.throws(() => w.copyTo(new Uint8Array(10), 0), RangeError);
});

Deno.test("copyTo into alternating and growing shared targets", () => {
  const w = new Writer();
  const a = new Uint8Array(new SharedArrayBuffer(512));
  const growable = new SharedArrayBuffer(64, { maxByteLength: 4096 });
  const b = new Uint8Array(growable); // length-tracking
  for (const [target, at] of [[a, 3], [b, 0], [a, 100], [b, 600]] as const) {
    w.reset();
    w.value({ text: "x".repeat(40), n: at });
    if (target === b && at === 600) growable.grow(1024); // the cached view must be remade
    const n = w.copyTo(target, at);
    assert.deepEqual(target.slice(at, at + n), w.toBytes());
  }
  assert.equal(b.length, 1024);
});
