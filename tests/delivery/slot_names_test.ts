/**
 * The actors' names in shared memory (slot_names.ts): any thread names any actor, by its slot
 * and generation, and never by the name of another actor that had its slot.
 */
import assert from "node:assert/strict";
import { Directory } from "../../src/delivery/mod.ts";
import { MAX_NAME_BYTES } from "../../src/delivery/slot_names.ts";
import { Arena } from "../../src/ring/mod.ts";
import { startWorker, within } from "../ring/_worker.ts";
import { expectedName } from "./_slot_names_expected.ts";
import type { ReadOrder } from "./_slot_names_reader.ts";

function directory(capacity = 8): Directory {
  return Directory.create(Arena.create({ maxBytes: 1 << 20 }), capacity);
}

/** Allocates a slot and names its actor, as a claim does. */
function claim(d: Directory, name: string): { slot: number; generation: number } {
  const slot = d.allocate(4096, 1);
  const generation = d.generation(slot);
  d.names.write(slot, generation, name);
  return { slot, generation };
}

Deno.test("slot names: an actor is named by its slot and generation, from any handle on the directory", () => {
  const arena = Arena.create({ maxBytes: 1 << 20 });
  const d = Directory.create(arena, 8);
  const { slot, generation } = claim(d, "Gate");
  assert.equal(d.names.nameOf(slot, generation), "Gate");
  const elsewhere = Directory.attach(Arena.attach(arena.buffer), d.offset);
  assert.equal(
    elsewhere.names.nameOf(slot, generation),
    "Gate",
    "another thread's handle reads it",
  );
  assert.equal(d.names.nameOf(slot, generation + 1), undefined, "no later actor of the slot yet");
  assert.equal(d.names.nameOf(slot, generation - 1), undefined, "nor an earlier one");
  const unnamed = d.allocate(4096, 1);
  assert.equal(d.names.nameOf(unnamed, d.generation(unnamed)), undefined, "a slot never named");
  for (const out of [0, -1, d.capacity, 1e9]) {
    assert.equal(d.names.nameOf(out, 1), undefined, `slot ${out}: out of range`);
  }
});

Deno.test("slot names: an ended actor keeps its name until its slot is reused; then only the new actor is named", () => {
  const d = directory();
  const old = claim(d, "Old");
  d.retire(old.slot);
  d.free(old.slot);
  assert.equal(d.names.nameOf(old.slot, old.generation), "Old", "free, not yet reused");
  const renewed = claim(d, "New");
  assert.equal(renewed.slot, old.slot, "the slot is reused");
  assert.equal(d.names.nameOf(renewed.slot, renewed.generation), "New");
  assert.equal(d.names.nameOf(old.slot, old.generation), undefined, "never the new one's name");
});

Deno.test("slot names: a slot named again and again gives each old name's block back", () => {
  const arena = Arena.create({ maxBytes: 1 << 20 });
  const d = Directory.create(arena, 8);
  let { slot } = claim(d, "first");
  const used = arena.usedBytes;
  for (let i = 0; i < 1000; i++) {
    d.retire(slot);
    d.free(slot);
    ({ slot } = claim(d, `actor number ${i}`));
  }
  assert.equal(d.names.nameOf(slot, d.generation(slot)), "actor number 999");
  assert.ok(arena.usedBytes - used <= 64, `${arena.usedBytes - used} bytes more`);
});

Deno.test("slot names: any text, and a long name cut at a character's end", () => {
  const d = directory();
  for (const name of ["Zählwerk", "計数器", "🦕 dino", "x"]) {
    const { slot, generation } = claim(d, name);
    assert.equal(d.names.nameOf(slot, generation), name);
  }
  const long = "é".repeat(MAX_NAME_BYTES); // two bytes each
  const { slot, generation } = claim(d, long);
  assert.equal(d.names.nameOf(slot, generation), "é".repeat(MAX_NAME_BYTES / 2));
  const odd = "a" + "🦕".repeat(MAX_NAME_BYTES); // four bytes each, after one
  const cut = claim(d, odd);
  assert.equal(
    d.names.nameOf(cut.slot, cut.generation),
    "a" + "🦕".repeat((MAX_NAME_BYTES - 4) / 4),
    "no half character",
  );
});

Deno.test("slot names: a thread reading while another renames the slots gets each actor's own name or none", async () => {
  const arena = Arena.create({ maxBytes: 1 << 22 });
  const d = Directory.create(arena, 8);
  const slots = 4;
  for (let i = 0; i < slots; i++) claim(d, "first");
  const done = new SharedArrayBuffer(4);
  using reader = startWorker(new URL("./_slot_names_reader.ts", import.meta.url));
  const order: ReadOrder = {
    buffer: arena.buffer,
    directory: d.offset,
    slots,
    reads: 200_000,
    done,
  };
  reader.worker.postMessage(order);
  // Each slot freed and claimed again, its name's block freed and taken by the next slot's:
  // until the reader is done (bounded by the clock, for a reader that never starts).
  const flag = new Int32Array(done);
  const until = performance.now() + 10_000;
  let renamed = 0;
  while (Atomics.load(flag, 0) === 0 && performance.now() < until) {
    const freed = 1 + (renamed % slots);
    d.retire(freed);
    d.free(freed);
    const slot = d.allocate(4096, 1);
    const generation = d.generation(slot);
    d.names.write(slot, generation, expectedName(slot, generation));
    renamed++;
  }
  const { named, wrong } = await within(
    10_000,
    "the reader's report",
    reader.next<{ named: number; wrong: string[] }>(),
  );
  assert.deepEqual(wrong, []);
  assert.ok(named > 1000, `only ${named} names read`);
  assert.ok(renamed > 1000, `only ${renamed} renames`);
});
