import assert from "node:assert/strict";
import { HandledTotal } from "../../src/system/inspector.ts";

// A system that runs for weeks starts Workers again and again (deaths, retirements, pool
// heals): thread ids are never reused, so what the total keeps of each Worker that left use
// must not stay for good, only for a spare, which may come back.
Deno.test("HandledTotal keeps no entry for each Worker that left use for good", () => {
  const running = new Set<number>([1]);
  const total = new HandledTotal((threadId) => running.has(threadId));
  let expected = 0;
  for (let id = 2; id < 2002; id++) {
    running.add(id);
    assert.equal(total.of(new Map([[1, 0], [id, 5]])), expected + 5);
    running.delete(id); // it died or retired: its id never comes back
    expected += 5;
    assert.equal(total.of(new Map([[1, 0]])), expected);
  }
  assert.ok(total.keptLeft <= 1, `kept ${total.keptLeft} Workers that are gone`);
});

Deno.test("HandledTotal counts a spare that comes back once", () => {
  const running = new Set<number>([1, 2]);
  const total = new HandledTotal((threadId) => running.has(threadId));
  assert.equal(total.of(new Map([[1, 3], [2, 4]])), 7);
  assert.equal(total.of(new Map([[1, 3]])), 7); // 2 is a spare now, still running
  assert.equal(total.keptLeft, 1);
  assert.equal(total.of(new Map([[1, 3], [2, 6]])), 9); // taken back: goes on from its count
  assert.equal(total.keptLeft, 0);
  assert.equal(total.of(new Map([[1, 3]])), 9);
  running.delete(2); // the spare retired
  assert.equal(total.of(new Map([[1, 4]])), 10);
  assert.equal(total.keptLeft, 0);
});
