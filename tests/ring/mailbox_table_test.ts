/** Values per mailbox, kept by the mailbox's number: what a thread's handles and cells use. */
import assert from "node:assert/strict";
import { Arena, Mailbox, MailboxTable } from "../../src/ring/mod.ts";

Deno.test("mailbox table: a value per mailbox, found by its offset; offset 0 has none", () => {
  const arena = Arena.create({ maxBytes: 1 << 22 });
  const [a, b] = [Mailbox.create(arena, { capacity: 64 }), Mailbox.create(arena, { capacity: 64 })];
  assert.equal(Mailbox.numberAt(arena, b.offset), Mailbox.numberAt(arena, a.offset) + 1);
  const table = new MailboxTable<string>(arena);
  assert.equal(table.get(a.offset), undefined);
  table.set(b.offset, "b");
  table.set(a.offset, "a");
  assert.equal(table.get(a.offset), "a");
  assert.equal(table.get(b.offset), "b");
  assert.equal(table.get(0), undefined, "0 (an empty ready queue's answer) is no mailbox");
  assert.equal(table.size, 2);
  assert.deepEqual([...table.values()], ["a", "b"], "in the order the mailboxes were made");
  assert.equal(table.delete(a.offset), true);
  assert.equal(table.get(a.offset), undefined);
  assert.equal(table.size, 1);
});
