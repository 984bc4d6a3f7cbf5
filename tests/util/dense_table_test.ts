/** The dense table behind the registry's records and a thread's mailbox handles. */
import assert from "node:assert/strict";
import { DenseTable } from "../../src/util/dense_table.ts";

Deno.test("dense table: values by key, a size that counts keys set, values in key order", () => {
  const table = new DenseTable<string>();
  assert.equal(table.get(0), undefined);
  assert.equal(table.get(1000), undefined, "a key beyond the table reads undefined");
  table.set(3, "c");
  table.set(1, "a");
  table.set(7, "g");
  assert.equal(table.size, 3);
  assert.equal(table.get(3), "c");
  assert.equal(table.get(2), undefined, "a key below the largest, never set, reads undefined");
  table.set(3, "C");
  assert.equal(table.size, 3, "setting a key again replaces its value");
  assert.deepEqual([...table.values()], ["a", "C", "g"]);
  assert.equal(table.delete(3), true);
  assert.equal(table.delete(3), false);
  assert.equal(table.delete(99), false);
  assert.equal(table.size, 2);
  assert.deepEqual([...table.values()], ["a", "g"]);
});
