/**
 * `WaitingCalls`: which calls an actor that lost its Worker had not taken yet, by reply address
 * (see src/system/waiting_calls.ts); what the Bridges, a Worker's asks and other nodes are told.
 */
import assert from "node:assert/strict";
import { type ReplyAddress, WaitingCalls } from "../../src/system/waiting_calls.ts";

const bridge = (tag: number, node = 0): ReplyAddress => ({ node, slot: 7, generation: 2, tag });

Deno.test("waiting calls: a Bridge keeps exactly the calls that wait; others are told the tag before the first that waits", () => {
  const waiting = WaitingCalls.of([bridge(12), null, bridge(0), bridge(13), bridge(5, 9)]);
  assert.equal(waiting.size, 2, "one address here, one of node 9; untagged senders are no calls");
  assert.ok(waiting.has(0, 7, 2, 12) && waiting.has(0, 7, 2, 13));
  assert.ok(!waiting.has(0, 7, 2, 11), "taken before them");
  assert.ok(!waiting.has(0, 7, 3, 12), "another generation is another address");
  assert.equal(waiting.lostUpTo(0, 7, 2, 40), 11);
  assert.equal(waiting.lostUpTo(9, 7, 2, 40), 4);
  assert.equal(waiting.lostUpTo(0, 8, 2, 40), 40, "none waits: what the caller knew");
  assert.equal(waiting.lostUpTo(0, 8, 2), undefined, "…which may be every call");
});

Deno.test("waiting calls: tags out of order (a call passed on overtook an earlier one) tell no prefix", () => {
  const waiting = WaitingCalls.of([bridge(20), bridge(18)]);
  assert.equal(waiting.lostUpTo(0, 7, 2, 21), 21, "what was taken is not known: all that came");
  assert.ok(waiting.has(0, 7, 2, 18), "the Bridge's own still keeps each that waits");
});

Deno.test("waiting calls: the tag before 1 is the last of the 31-bit serial tags, so no call counts as taken", () => {
  const waiting = WaitingCalls.of([bridge(0x7fff_ffff), bridge(1), bridge(2)]);
  assert.equal(waiting.lostUpTo(0, 7, 2, 2), 0x7fff_fffe, "in order across the wrap");
  assert.equal(WaitingCalls.of([bridge(1)]).lostUpTo(0, 7, 2, 1), 0x7fff_ffff);
});
