/**
 * A large message dropped by its mailbox's "drop" policy: the arena block it was written into
 * goes back (a review found it pinned to the sending handle).
 */
import assert from "node:assert/strict";
import { Blocker } from "../_actors/watch_review.ts";
import { INTERNALS } from "../../src/system/internal.ts";
import { eventually, testSystem } from "../_system.ts";

Deno.test("drop policy: a large message its mailbox's whenFull 'drop' policy dropped leaves no arena block pinned", async () => {
  await using t = testSystem();
  const { system, bridge } = t;
  const arena = system[INTERNALS].bridgeHost.arena;
  const SIZE = 1 << 20;
  /** Whether a block of SIZE bytes is free in the arena now (taken from its free blocks). */
  const blockFree = () => {
    const used = arena.usedBytes;
    const block = arena.allocate(SIZE, false);
    const reused = arena.usedBytes === used;
    arena.free(block, SIZE);
    return reused;
  };
  const blocker = system.spawnWith(Blocker, { whenFull: "drop", mailboxCapacity: 256 });
  // Control: a large message delivered gives its block back once read.
  blocker.send(new Uint8Array(SIZE - 4096));
  assert.equal(await bridge.call(blocker, "ping", { timeout: 5_000 }), "ping");
  assert.ok(blockFree(), "precondition: the block of a large message read is free again");
  // Its Worker reads nothing for a while (bounded): the ring fills.
  assert.equal(await bridge.call(blocker, "busy:4000", { timeout: 5_000 }), "busy");
  let sent = 0;
  while (system.deadLetters === 0 && sent < 1000) {
    blocker.send("x".repeat(16));
    sent++;
  }
  // Then the smallest records, until one is dropped too: not even an external record's fits.
  const first = system.deadLetters;
  while (system.deadLetters === first && sent < 2000) {
    blocker.send(0);
    sent++;
  }
  assert.ok(system.deadLetters > 0, "precondition: the ring is full, sends are dropped");
  const dropped = system.deadLetters;
  blocker.send(new Uint8Array(SIZE - 4096)); // larger than the ring: an external record, dropped
  assert.equal(system.deadLetters, dropped + 1, "precondition: the large message was dropped");
  // The actor wakes and drains; nothing of the dropped message can ever be sent again.
  await eventually(
    () => bridge.call(blocker, "ping", { timeout: 1_000 }).then((r) => r === "ping", () => false),
    "the actor answers again",
    10_000,
  );
  assert.ok(
    blockFree(),
    `the dropped message's ${SIZE}-byte arena block stays pinned to the sending handle`,
  );
});
