/** Class ids: 22 bits of FNV-1a over the name's UTF-8, xor-folded; stable and documented. */

import assert from "node:assert/strict";
import { classId, classIdBytes, formatClassId } from "../../src/codec/class_id.ts";

/** Reference FNV-1a 32-bit, written independently of the implementation. */
function fnv1a(name: string): number {
  let h = 2166136261n;
  for (const b of new TextEncoder().encode(name)) {
    h ^= BigInt(b);
    h = (h * 16777619n) % 2n ** 32n;
  }
  return Number(h);
}

Deno.test("class ids are FNV-1a, xor-folded to 22 bits", () => {
  for (const name of ["", "Ping", "app/Ping", "Überweisung", "😀", "x".repeat(300)]) {
    const h = fnv1a(name);
    assert.equal(classId(name), ((h >>> 22) ^ (h & 0x3fffff)) >>> 0, name);
    assert.ok(classId(name) < 2 ** 22);
  }
  // Fixed vectors: other implementations of the format must agree with these.
  assert.equal(
    formatClassId(classId("Ping")),
    "0x" + classId("Ping").toString(16).padStart(6, "0"),
  );
  assert.equal(fnv1a("a"), 0xe40c292c);
});

Deno.test("an id is written as the tag's low 6 bits and two more bytes, big-endian", () => {
  assert.deepEqual(classIdBytes(0x3fffff), [0xff, 0xff, 0xff]);
  assert.deepEqual(classIdBytes(0), [0xc0, 0, 0]);
  assert.deepEqual(classIdBytes(0x123456), [0xc0 | 0x12, 0x34, 0x56]);
});

/** Two distinct names with the same id (a birthday search: a few thousand names). */
export function collidingNames(prefix: string): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0;; i++) {
    const name = `${prefix}${i}`;
    const id = classId(name);
    const other = seen.get(id);
    if (other !== undefined) return [other, name];
    seen.set(id, name);
  }
}

Deno.test("collisions exist and are found quickly (which is why registration checks them)", () => {
  const [a, b] = collidingNames("tests/ids/");
  assert.notEqual(a, b);
  assert.equal(classId(a), classId(b));
});
