/** The arena's lock-free free stacks (src/ring/free_stacks.ts), on one thread. */
import assert from "node:assert/strict";
import { FreeStacks } from "../../src/ring/mod.ts";

function stacks(linkWord: number) {
  const buffer = new SharedArrayBuffer(4096);
  const heads = new BigInt64Array(buffer, 0, 2);
  return { heads, free: new FreeStacks(heads, new Int32Array(buffer), linkWord) };
}

Deno.test("free stacks: last in, first out, per class; empty gives 0", () => {
  const { free } = stacks(0);
  assert.equal(free.classes, 2);
  assert.equal(free.pop(0), 0);
  free.push(0, 256);
  free.push(0, 512);
  free.push(1, 1024);
  assert.equal(free.pop(0), 512);
  assert.equal(free.pop(0), 256);
  assert.equal(free.pop(0), 0);
  assert.equal(free.pop(1), 1024);
  assert.equal(free.pop(1), 0);
});

Deno.test("free stacks: the link lives at the block's link word; each pop moves the tag on", () => {
  const { heads, free } = stacks(3);
  const words = new Int32Array(heads.buffer);
  free.push(0, 256);
  free.push(0, 512);
  assert.equal(words[(512 >> 2) + 3], 256, "the newer block links to the older one");
  const before = heads[0] >> 32n;
  assert.equal(free.pop(0), 512);
  assert.equal(heads[0] >> 32n, before + 1n, "a head seen before the pop can no longer win");
  assert.equal(Number(heads[0] & 0xffff_ffffn), 256);
});
