/**
 * Decoding bad bytes: truncated, corrupt, forged lengths, unknown classes, too deep, refs with
 * no ref codec: always a CodecError naming the path and the byte, never anything else.
 */

import assert from "node:assert/strict";
import {
  CodecError,
  decode,
  encode,
  MAX_DEPTH,
  Reader,
  registerMessage,
  Writer,
} from "../../src/codec/mod.ts";
import { TestRef, withRefCodec } from "./_util.ts";

function assertCorrupt(bytes: number[] | Uint8Array, ...patterns: RegExp[]): CodecError {
  let error: unknown;
  try {
    decode(Uint8Array.from(bytes));
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof CodecError, `expected a CodecError, got ${error}`);
  assert.match(error.message, /^cannot decode message/);
  for (const p of patterns) assert.match(error.message, p);
  return error;
}

Deno.test("corrupt bytes: CodecError with the path and the byte", async (t) => {
  await t.step("truncated anywhere", () => {
    const bytes = encode({ items: [1, "two", { three: [3n, 4.5, new Date(0)] }], z: "end" });
    for (let n = 0; n < bytes.length; n++) {
      const e = assertCorrupt(bytes.subarray(0, n), /truncated/);
      assert.ok(e.path.startsWith("message"));
    }
  });
  await t.step("the path of the failure", () => {
    const bytes = encode({ items: [0, 1, 2, { name: "abcdef" }] });
    const e = assertCorrupt(bytes.subarray(0, bytes.length - 2), /truncated/);
    assert.equal(e.path, "message.items[3].name");
  });
  await t.step("trailing bytes", () => {
    assertCorrupt([...encode(1), 0], /1 unexpected bytes after the value, at byte 1/);
  });
  await t.step("forged lengths are refused before allocating", () => {
    const huge = [0xff, 0xff, 0xff, 0xff, 0x0f]; // a varuint near 2^32
    assertCorrupt([0xb9, ...huge], /needed \d+ bytes/); // string
    assertCorrupt([0xba, ...huge], /needed \d+ bytes/); // Uint8Array
    assertCorrupt([0xbc, ...huge], /needed \d+ bytes/); // object with that many keys
    assertCorrupt([0xbf, 0x01, ...huge], /needed \d+ bytes/); // Map
    assertCorrupt([0xbf, 0x02, ...huge], /needed \d+ bytes/); // Set
    assertCorrupt([0xbf, 0x04, ...huge], /needed \d+ bytes/); // bigint
    assertCorrupt([0xbf, 0x06, ...huge], /needed \d+ bytes/); // ArrayBuffer
    assertCorrupt([0xbf, 0x0a, ...huge], /needed \d+ bytes/); // UTF-16 string
    assertCorrupt([0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], /array length/);
    assertCorrupt([0xb5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], /longer than 8/);
    assertCorrupt([0xb5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], /above 2\^53-1/);
  });
  await t.step("a sparse array's length is honoured without preallocating it", () => {
    // [length 2^28, a run of 2^28 holes]: a few bytes, a long but empty array.
    const bytes = [0xbb, 0x80, 0x80, 0x80, 0x80, 0x01, 0xbf, 0x00, 0x80, 0x80, 0x80, 0x80, 0x01];
    const a = decode(Uint8Array.from(bytes)) as unknown[];
    assert.equal(a.length, 2 ** 28);
    assert.ok(!(0 in a));
    assertCorrupt([0xa9, 0xbf, 0x00, 0x02], /run of 2 holes/);
    assertCorrupt([0xbf, 0x00, 0x01], /holes outside an array/);
  });
  await t.step("an unknown class id", () => {
    const e = assertCorrupt(
      [0xc1, 0x23, 0x45],
      /unknown message class id 0x012345/,
      /Import the module/,
    );
    assert.equal(e.path, "message");
  });
  await t.step("deeper than MAX_DEPTH", () => {
    const bytes = new Array(MAX_DEPTH + 1).fill(0xa9); // arrays of one element, nested
    assertCorrupt([...bytes, 0], /deeper than the limit of 512/);
    assert.ok(decode(Uint8Array.from([...bytes.slice(1), 0])));
  });
  await t.step("a ref with no ref codec installed", () => {
    const bytes = withRefCodec(() => encode({ to: new TestRef(1, 2) }));
    const e = assertCorrupt(bytes, /no ref codec is installed/);
    assert.equal(e.path, "message.to");
  });
  await t.step("shape references, keys and tags that cannot be", () => {
    assertCorrupt([0xa4], /reference to shape 0 when 0 are defined/);
    assertCorrupt([0x99, 0x01, 0x01], /object key that is not a string/);
    assertCorrupt([0xbf, 0x7f], /unknown extension kind 127/);
    assertCorrupt([0xbf, 0x10 + 3, 0x01, 0x00], /1 bytes for a Uint16Array/);
    assertCorrupt([0xbf, 0x03, 0xb1], /Date whose time is not a number/);
    assertCorrupt([0xbf, 0x09, 0x81, 0x28, 0x80], /invalid RegExp/);
    assertCorrupt([0xbf, 0x08, 0x20], /error flags/);
    assertCorrupt([0xbf, 0x08, 0x00, 0x01, 0x80], /error name that is not a string/);
  });
  await t.step("invalid UTF-8 decodes to U+FFFD, as TextDecoder does", () => {
    assert.equal(decode(Uint8Array.from([0x82, 0xff, 0x41])), "\ufffdA");
  });
});

Deno.test("custom decoders are held to what their encoder wrote", async (t) => {
  class Greedy {
    constructor(public n = 0) {}
  }
  registerMessage(Greedy, {
    name: "tests/read/Greedy",
    encode(w, v) {
      w.varuint(v.n);
    },
    decode(r) {
      const g = new Greedy(r.varuint());
      r.varuint(); // reads past its payload: refused, as truncated
      return g;
    },
  });
  class Lazy {
    constructor(public n = 0) {}
  }
  registerMessage(Lazy, {
    name: "tests/read/Lazy",
    encode(w, v) {
      w.varuint(v.n);
      w.varuint(v.n);
    },
    decode(r) {
      return new Lazy(r.varuint());
    },
  });
  class Liar {}
  registerMessage(Liar, {
    name: "tests/read/Liar",
    encode() {},
    decode() {
      return {} as Liar;
    },
  });
  class Thrower {}
  registerMessage(Thrower, {
    name: "tests/read/Thrower",
    encode() {},
    decode() {
      throw new TypeError("nope");
    },
  });
  await t.step("reading past the payload", () => {
    assertCorrupt(encode({ g: new Greedy(1) }), /Greedy read past its \d+-byte payload/);
  });
  await t.step("reading less than the payload", () => {
    const e = assertCorrupt(encode([new Lazy(1)]), /Lazy read 1 bytes but its encode wrote 2/);
    assert.equal(e.path, "message[0]");
  });
  await t.step("returning something else", () => {
    assertCorrupt(encode(new Liar()), /instead of an instance of Liar/);
  });
  await t.step("throwing", () => {
    const e = assertCorrupt(
      encode(new Thrower()),
      /custom decode of message class .*Thrower threw TypeError: nope/,
    );
    assert.ok(
      e.cause instanceof CodecError || e.cause === undefined || e.cause instanceof TypeError,
    );
  });
});

Deno.test("decoding from shared memory never aliases it", () => {
  const sab = new SharedArrayBuffer(1 << 16);
  const ring = new Uint8Array(sab);
  const message = {
    text: "a string long enough to take the TextDecoder path, not the hand-decoded one",
    short: "hi",
    bytes: new Uint8Array([1, 2, 3, 4]),
    floats: new Float64Array([1.5, 2.5]),
    buffer: new Uint8Array([9, 8, 7]).buffer,
    view: new DataView(new Uint8Array([5, 6]).buffer),
    big: 2n ** 100n,
    keys: { alpha: 1, beta: 2 },
  };
  const writer = new Writer();
  writer.reset();
  writer.value(message);
  const n = writer.copyTo(ring, 100);
  const reader = new Reader();
  reader.reset(ring, 100, 100 + n);
  const back = reader.value() as typeof message;
  const snapshot = Deno.inspect(back, { depth: 5 });
  ring.fill(0xee); // what another thread writing the ring would do
  assert.equal(Deno.inspect(back, { depth: 5 }), snapshot);
  for (const v of [back.bytes, back.floats]) {
    assert.ok(v.buffer instanceof ArrayBuffer && !(v.buffer instanceof SharedArrayBuffer));
    assert.equal(v.byteOffset, 0);
    assert.equal(v.buffer.byteLength, v.byteLength);
  }
  assert.ok(back.buffer instanceof ArrayBuffer);
  assert.ok(back.view.buffer instanceof ArrayBuffer);
});

Deno.test("decoding from a growable SharedArrayBuffer view", () => {
  const sab = new SharedArrayBuffer(64, { maxByteLength: 1 << 16 });
  const ring = new Uint8Array(sab); // length-tracking
  const writer = new Writer();
  writer.reset();
  writer.value({ before: "growth" });
  const n = writer.copyTo(ring, 0);
  sab.grow(4096);
  writer.reset();
  writer.value({ after: "growth".repeat(100) });
  const m = writer.copyTo(ring, 1000);
  const reader = new Reader();
  assert.deepEqual(reader.reset(ring, 0, n).value(), { before: "growth" });
  assert.deepEqual(reader.reset(ring, 1000, 1000 + m).value(), { after: "growth".repeat(100) });
});

Deno.test("errors inside compiled shapes still name the key", () => {
  const records = Array.from({ length: 20 }, (_, i) => ({ id: i, name: "user" + i }));
  const bytes = encode(records);
  // Decode once whole, so the shape gets compiled, then truncated in the last record's name.
  decode(bytes);
  const e = assertCorrupt(bytes.subarray(0, bytes.length - 2), /truncated/);
  assert.equal(e.path, "message[19].name");
});

Deno.test("forged array lengths allocate no more than the bytes justify", () => {
  // An array of arrays, each claiming nearly all the bytes left as its length and holding one
  // run of holes that long: 9 bytes apiece. Preallocating each would take ~100 KiB per 9 bytes.
  const count = 2000;
  const bytes: number[] = [0xbb, ...varuint(count)];
  for (let i = 0; i < count; i++) {
    const n = (count - i) * 9; // what is left, about
    bytes.push(0xbb, ...varuint4(n), 0xbf, 0x00, ...varuint4(n));
  }
  const before = Deno.memoryUsage().heapUsed;
  const back = decode(Uint8Array.from(bytes)) as unknown[][];
  const grew = Deno.memoryUsage().heapUsed - before;
  assert.equal(back.length, count);
  assert.equal(back[0].length, count * 9);
  assert.ok(!(0 in back[0]));
  // ~18 KiB of input: a few hundred KiB of arrays is its fair size; preallocated, ~1 GiB.
  assert.ok(grew < 64 * 1024 * 1024, `the decoded value took ${grew} bytes of heap`);
});

/** A varuint, shortest form. */
function varuint(n: number): number[] {
  const out: number[] = [];
  for (; n > 0x7f; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return out;
}

/** A varuint padded to 4 bytes (decoders accept longer forms up to 8 bytes). */
function varuint4(n: number): number[] {
  return [(n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, ((n >> 14) & 0x7f) | 0x80, n >> 21];
}
