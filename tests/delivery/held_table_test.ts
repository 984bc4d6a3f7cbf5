/**
 * A Worker's held table: its backlogs' lengths per actor in shared memory, chained blocks as it
 * grows, read back (and freed) by whoever recovers the Worker.
 */
import assert from "node:assert/strict";
import {
  HELD_ENTRIES,
  HELD_TABLE_WORD,
  HeldTable,
  takeHeld,
} from "../../src/delivery/held_table.ts";
import { Arena, Mailbox } from "../../src/ring/mod.ts";

function fixture() {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const home = Mailbox.create(arena, { capacity: 256 });
  return { arena, home, table: new HeldTable(arena, home) };
}

Deno.test("held table: no block until something is held; counts read back per actor", () => {
  const { arena, home, table } = fixture();
  assert.equal(home.userWord(HELD_TABLE_WORD), 0, "a Worker that never queues has no table");
  assert.deepEqual(takeHeld(arena, home), []);
  const a = table.take(7, 3);
  const outbox = table.take(-1, 0);
  assert.notEqual(home.userWord(HELD_TABLE_WORD), 0);
  a.words[a.at] = 12;
  outbox.words[outbox.at] = 5;
  const idle = table.take(9, 1); // taken, nothing held yet: not reported
  assert.equal(idle.words[idle.at], 0);
  // Another thread's view of the same memory reads the same counts.
  const there = Mailbox.attach(Arena.attach(arena.buffer), home.offset);
  assert.deepEqual(takeHeld(arena, there), [
    { slot: 7, generation: 3, count: 12 },
    { slot: -1, generation: 0, count: 5 },
  ]);
  assert.equal(home.userWord(HELD_TABLE_WORD), 0, "read once: the table is freed");
});

Deno.test("held table: a released entry is reused and no longer counts", () => {
  const { arena, home, table } = fixture();
  const a = table.take(1, 1);
  a.words[a.at] = 4;
  table.release(a);
  const b = table.take(2, 5);
  assert.equal(b.at, a.at, "the same entry again");
  b.words[b.at] = 1;
  assert.deepEqual(takeHeld(arena, home), [{ slot: 2, generation: 5, count: 1 }]);
});

Deno.test("held table: more actors than a block holds chain a second block, all read back", () => {
  const { arena, home, table } = fixture();
  const actors = HELD_ENTRIES * 2 + 3;
  for (let slot = 0; slot < actors; slot++) {
    const entry = table.take(slot, 1);
    entry.words[entry.at] = slot + 1;
  }
  const held = takeHeld(arena, home);
  assert.equal(held.length, actors);
  assert.deepEqual(
    held.map((h) => h.count).sort((x, y) => x - y),
    Array.from({ length: actors }, (_, i) => i + 1),
  );
});

Deno.test("held table: a Worker that ends by itself frees its blocks", () => {
  const { arena, home, table } = fixture();
  const entries = Array.from({ length: HELD_ENTRIES + 1 }, (_, slot) => table.take(slot, 1));
  for (const entry of entries) table.release(entry);
  const used = arena.usedBytes;
  table.close();
  assert.equal(home.userWord(HELD_TABLE_WORD), 0);
  // Its two blocks are free again: the next two tables reuse them, the arena grows no further.
  const next = new HeldTable(arena, home);
  for (let slot = 0; slot < HELD_ENTRIES + 1; slot++) next.take(slot, 1);
  assert.equal(arena.usedBytes, used);
});
