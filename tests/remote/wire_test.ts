/** Reading a batch's entries refuses what no writer makes, and never loops on it. */
import assert from "node:assert/strict";
import { BatchEntries, BatchWriter, HEAD_BYTES } from "../../src/remote/wire.ts";

Deno.test("wire: an entry length longer than five bytes is refused (147 bytes of 0x80 made it NaN, and the next read never ended)", () => {
  const bytes = new Uint8Array(HEAD_BYTES + 200);
  bytes.fill(0x80, HEAD_BYTES, HEAD_BYTES + 150);
  bytes[HEAD_BYTES + 150] = 0x00;
  const entries = new BatchEntries().reset(bytes);
  assert.throws(() => entries.next(), RangeError);
});

Deno.test("wire: entry lengths of one to four bytes are read back (a 1 MiB record takes four)", () => {
  const writer = new BatchWriter(7);
  const records = [1, 100, 10_000, 1 << 20].map((length) => new Uint8Array(length).fill(3));
  for (const record of records) writer.add(record, 0, record.length);
  const entries = new BatchEntries().reset(writer.take({ sequence: 1 }));
  for (const record of records) {
    assert.equal(entries.next(), true);
    assert.deepEqual(entries.bytes.subarray(entries.start, entries.end), record);
  }
  assert.equal(entries.next(), false);
});
