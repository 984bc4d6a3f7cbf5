/**
 * A thread's handles on mailboxes: one per mailbox, whoever asks (the pool, the courier, a
 * ref), so that what a thread keeps per mailbox (what waits for room, its local receiver) is
 * never split between two handles.
 */
import assert from "node:assert/strict";
import { Arena, Mailbox } from "../../src/ring/mod.ts";
import { Directory } from "../../src/delivery/directory.ts";
import { MailboxHandles } from "../../src/delivery/mailbox_handles.ts";
import { MailboxPool } from "../../src/system/mailbox_pool.ts";

Deno.test("mailbox handles: the pool and later lookups give a thread one handle per mailbox", () => {
  const arena = Arena.create({ maxBytes: 1 << 22 });
  const directory = Directory.create(arena, 16);
  const handles = new MailboxHandles(arena, arena.newThreadId(), 1 << 20);
  const pool = new MailboxPool(arena, directory, handles);
  const fresh = pool.acquire({ capacity: 256 });
  assert.equal(handles.of(fresh.offset), fresh, "a new mailbox's handle is the thread's");
  assert.equal(fresh.maxExternal, 1 << 20);
  fresh.close();
  pool.release(fresh);
  const reused = pool.acquire({ capacity: 256 });
  assert.equal(reused.offset, fresh.offset);
  assert.equal(reused, fresh, "a recycled mailbox keeps the thread's handle");
  assert.ok(!reused.closed);
  // Another thread (another set of handles) has a handle of its own on the same mailbox.
  const other = new MailboxHandles(arena, arena.newThreadId(), 0);
  assert.notEqual(other.of(fresh.offset), fresh);
  assert.equal(other.of(fresh.offset), other.of(fresh.offset));
});

Deno.test("mailbox handles: mailboxes are numbered 1, 2, … as they are made; an offset with no mailbox is refused", () => {
  const arena = Arena.create({ maxBytes: 1 << 22 });
  const handles = new MailboxHandles(arena, arena.newThreadId(), 0);
  const made = [0, 1, 2].map(() => handles.create({ capacity: 64 }));
  assert.deepEqual(made.map((mailbox) => Mailbox.numberAt(arena, mailbox.offset)), [1, 2, 3]);
  // Another thread's handles find the same mailboxes by their numbers.
  const other = new MailboxHandles(arena, arena.newThreadId(), 0);
  for (const mailbox of made) assert.equal(other.of(mailbox.offset).offset, mailbox.offset);
  // The data ring of the first mailbox holds no header: its number word is 0, no handle is made.
  assert.throws(() => other.of(made[0].dataOffset), TypeError);
});
