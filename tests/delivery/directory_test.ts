/** The directory without a Worker: slots, generations, states, the free list, counters. */
import assert from "node:assert/strict";
import { ArenaFullError } from "../../errors.ts";
import { Directory, SlotState } from "../../src/delivery/mod.ts";
import { Arena } from "../../src/ring/mod.ts";

function directory(capacity = 8): Directory {
  return Directory.create(Arena.create({ maxBytes: 1 << 20 }), capacity);
}

Deno.test("directory: a slot is live for its generation only while running or starting", () => {
  const d = directory();
  const slot = d.allocate(4096, 3);
  assert.ok(slot > 0, "slot 0 is never used");
  const generation = d.generation(slot);
  assert.equal(d.state(slot), SlotState.Starting);
  assert.equal(d.owner(slot), 3);
  assert.equal(d.liveMailbox(slot, generation), 4096, "starting actors take messages");
  d.setState(slot, SlotState.Running);
  assert.equal(d.liveMailbox(slot, generation), 4096);
  assert.equal(d.liveMailbox(slot, generation + 1), 0, "another generation is not live");
  assert.ok(d.transition(slot, SlotState.Running, SlotState.Stopping));
  assert.ok(!d.transition(slot, SlotState.Running, SlotState.Dead), "only from the state named");
  assert.equal(d.liveMailbox(slot, generation), 0, "a stopping actor takes no more");
  assert.equal(d.liveMailbox(0, 0), 0);
  assert.equal(d.liveMailbox(999, 1), 0, "a slot beyond the directory is no actor");
});

Deno.test("directory: a freed slot is reused with a new generation; old refs stay dead", () => {
  const d = directory();
  const first = d.allocate(4096, 1);
  const old = d.generation(first);
  assert.equal(d.live, 1);
  d.retire(first);
  assert.equal(d.state(first), SlotState.Dead);
  assert.equal(d.mailbox(first), 0);
  d.free(first);
  d.free(first); // twice is harmless
  assert.equal(d.live, 0);
  const again = d.allocate(8192, 2);
  assert.equal(again, first, "the free list hands it back");
  assert.notEqual(d.generation(again), old);
  d.setState(again, SlotState.Running);
  assert.equal(d.liveMailbox(again, old), 0);
  assert.equal(d.liveMailbox(again, d.generation(again)), 8192);
});

Deno.test("directory: a full directory says so; dead letters are counted, in all and by kind", () => {
  const d = directory(4);
  for (let i = 1; i < 4; i++) d.allocate(64 * i, 1);
  assert.throws(() => d.allocate(999, 1), ArenaFullError);
  assert.throws(() => d.allocate(999, 1), /maxActors/);
  assert.deepEqual(d.deadLettersByKind(), {});
  assert.equal(d.countDeadLetter("stopped"), 1);
  assert.equal(d.countDeadLetter("lost-in-transit", 5), 6);
  assert.equal(d.deadLetters, 6);
  assert.deepEqual(d.deadLettersByKind(), { stopped: 1, "lost-in-transit": 5 });
});

Deno.test("directory: kept slots are slots beyond maxActors, which the full system's error leaves out", () => {
  // maxActors 3 (slot 0 is never used), and 2 kept: 5 slots in all, every thread sees it.
  const arena = Arena.create({ maxBytes: 1 << 20 });
  const d = Directory.create(arena, 4, 2);
  assert.equal(Directory.attach(arena, d.offset).kept, 2);
  for (let i = 0; i < 5; i++) d.allocate(4096, 1);
  assert.throws(() => d.allocate(4096, 1), (error: unknown) => {
    assert.ok(error instanceof ArenaFullError);
    assert.match(error.message, /full: its maxActors \(3\) slots are all taken/);
    return true;
  });
});
