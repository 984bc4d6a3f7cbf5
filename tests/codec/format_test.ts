/**
 * Golden bytes: the examples of docs/codec.md and one value of each tag, pinned, so that a change
 * of format is a deliberate one (with a new CODEC_VERSION) and a second implementation has test
 * vectors.
 */

import assert from "node:assert/strict";
import { decode, encode, registerMessage } from "../../src/codec/mod.ts";
import { classId } from "../../src/codec/class_id.ts";
import { assertSameValue } from "./_util.ts";

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

class GoldenEmpty {}
registerMessage(GoldenEmpty, "golden/Empty");

class GoldenPair {
  constructor(public a: unknown = 0, public b: unknown = 0) {}
}
registerMessage(GoldenPair, "golden/Pair");

function idBytes(name: string): number[] {
  const id = classId(name);
  return [0xc0 | (id >>> 16), (id >>> 8) & 0xff, id & 0xff];
}

const GOLDEN: [string, unknown, number[]][] = [
  ["0", 0, [0x00]],
  ["127", 127, [0x7f]],
  ["128", 128, [0xb4, 0x80]],
  ["300", 300, [0xb5, 0xac, 0x02]],
  ["-1", -1, [0xb6, 0x00]],
  ["-300", -300, [0xb6, 0xab, 0x02]],
  ["2^32", 2 ** 32, [0xb5, 0x80, 0x80, 0x80, 0x80, 0x10]],
  ["1.5", 1.5, [0xb7, 0x00, 0x00, 0xc0, 0x3f]],
  ["-0", -0, [0xb7, 0x00, 0x00, 0x00, 0x80]],
  ["0.1", 0.1, [0xb8, 0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f]],
  ["undefined", undefined, [0xb0]],
  ["null", null, [0xb1]],
  ["false", false, [0xb2]],
  ["true", true, [0xb3]],
  ['""', "", [0x80]],
  ['"hi"', "hi", [0x82, ...ascii("hi")]],
  ['"é"', "é", [0x82, 0xc3, 0xa9]],
  ["24 chars", "x".repeat(24), [0xb9, 24, ...ascii("x".repeat(24))]],
  ["lone surrogate", "\ud800", [0xbf, 10, 1, 0x00, 0xd8]],
  ["[]", [], [0xa8]],
  ["[1, , 3]", [1, , 3], [0xab, 0x01, 0xbf, 0x00, 0x01, 0x03]], // holes on purpose
  ["8 elements", [0, 0, 0, 0, 0, 0, 0, 0], [0xbb, 8, 0, 0, 0, 0, 0, 0, 0, 0]],
  ["{}", {}, [0x98]],
  [
    "records",
    [{ id: 1, name: "a" }, { id: 2, name: "b" }],
    [
      0xaa,
      0x9a,
      0x82,
      ...ascii("id"),
      0x84,
      ...ascii("name"),
      0x01,
      0x81,
      0x61,
      0xa4,
      0x02,
      0x81,
      0x62,
    ],
  ],
  ["Uint8Array", new Uint8Array([1, 2]), [0xba, 2, 1, 2]],
  ["Map", new Map([[1, 2]]), [0xbf, 1, 1, 1, 2]],
  ["Set", new Set(["a"]), [0xbf, 2, 1, 0x81, 0x61]],
  ["Date", new Date(5), [0xbf, 3, 5]],
  ["0n", 0n, [0xbf, 4, 0]],
  ["-258n", -258n, [0xbf, 5, 2, 0x02, 0x01]],
  ["ArrayBuffer", new Uint8Array([7]).buffer, [0xbf, 6, 1, 7]],
  ["DataView", new DataView(new Uint8Array([7, 8]).buffer, 1), [0xbf, 7, 1, 8]],
  ["RegExp", /a/g, [0xbf, 9, 0x81, 0x61, 0x81, 0x67]],
  ["Int16Array", new Int16Array([-2]), [0xbf, 16 + 2, 2, 0xfe, 0xff]],
  ["Float64Array", new Float64Array([1]), [0xbf, 16 + 8, 8, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]],
  ["a field-less class", new GoldenEmpty(), idBytes("golden/Empty")],
  ["a class with fields", new GoldenPair(1, "z"), [...idBytes("golden/Pair"), 0x01, 0x81, 0x7a]],
];

Deno.test("golden bytes", async (t) => {
  for (const [name, value, bytes] of GOLDEN) {
    await t.step(name, () => {
      assert.deepEqual([...encode(value)], bytes);
      assertSameValue(decode(Uint8Array.from(bytes)), value);
    });
  }
});

Deno.test("an error's layout", () => {
  const e = new TypeError("m");
  const stack = e.stack!;
  const bytes = [...encode(e)];
  const stackBytes = [...new TextEncoder().encode(stack)];
  const header = stackBytes.length <= 23
    ? [0x80 | stackBytes.length]
    : [0xb9, ...varuint(stackBytes.length)];
  assert.deepEqual(bytes, [
    0xbf,
    8,
    1, // flags: a stack
    0x89,
    ...ascii("TypeError"),
    0x81,
    ...ascii("m"),
    ...header,
    ...stackBytes,
  ]);
});

function varuint(n: number): number[] {
  const out = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

Deno.test("numbers written as literals in the hot paths match their named constants", async () => {
  const { MAX_TRIE_KEYS } = await import("../../src/codec/shape_trie.ts");
  const { CYCLE_CHECK_DEPTH, MAX_DEPTH } = await import("../../src/codec/limits.ts");
  assert.equal(MAX_TRIE_KEYS, 32);
  assert.equal(CYCLE_CHECK_DEPTH, 16);
  assert.equal(MAX_DEPTH, 512);
});
