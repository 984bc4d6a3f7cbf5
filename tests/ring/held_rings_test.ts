/**
 * Rings held back during a run of a receive loop (src/ring/held_rings.ts): a holding handle's
 * sends queue their receiver once, as the run ends; anything about to wait rings first.
 */
import assert from "node:assert/strict";
import {
  Arena,
  Doorbell,
  holdRings,
  Mailbox,
  MailboxFullError,
  ringHeld,
} from "../../src/ring/mod.ts";

/** A scheduled mailbox on a doorbell of this thread, and a producer handle on it. */
function scheduledMailbox(capacity = 256): {
  arena: Arena;
  bell: Doorbell;
  box: Mailbox;
  producer: Mailbox;
} {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const bell = Doorbell.create(arena);
  const box = Mailbox.create(arena, { capacity });
  box.bindReceiver(bell, { scheduled: true });
  const producer = Mailbox.attach(arena, box.offset, 7);
  return { arena, bell, box, producer };
}

Deno.test("held rings: a run's sends through a holding handle ring their receiver once, as the run ends", () => {
  const { bell, box, producer } = scheduledMailbox();
  producer.holdsRings = true;
  holdRings();
  try {
    assert.ok(producer.trySend(new Uint8Array([1])));
    assert.ok(producer.trySend(new Uint8Array([2])));
    assert.equal(bell.nextReady(), 0, "not rung while the run goes on");
  } finally {
    ringHeld(true);
  }
  assert.equal(bell.nextReady(), box.offset, "rung as the run ended");
  assert.equal(bell.nextReady(), 0, "once for both records");
  assert.deepEqual(box.receive(0), new Uint8Array([1]));
  assert.deepEqual(box.receive(0), new Uint8Array([2]));
});

Deno.test("held rings: outside a run, or through a handle that does not hold, a send rings at once", () => {
  const outside = scheduledMailbox();
  outside.producer.holdsRings = true;
  assert.ok(outside.producer.trySend(new Uint8Array([1])));
  assert.equal(outside.bell.nextReady(), outside.box.offset, "no run: at once");

  const plain = scheduledMailbox();
  holdRings();
  try {
    assert.ok(plain.producer.trySend(new Uint8Array([1])));
    assert.equal(plain.bell.nextReady(), plain.box.offset, "a handle that does not hold: at once");
  } finally {
    ringHeld(true);
  }
});

Deno.test("held rings: a sender meeting a full mailbox, or a thread about to park, rings what the run held first", () => {
  const full = scheduledMailbox(64);
  full.producer.holdsRings = true;
  holdRings();
  try {
    while (full.producer.trySend(new Uint8Array(8)));
    assert.equal(full.bell.nextReady(), 0);
    // Its receiver frees room only once it knows of the records: it is told before the wait.
    assert.throws(() => full.producer.send(new Uint8Array(8), 0), MailboxFullError);
    assert.equal(full.bell.nextReady(), full.box.offset, "rung before waiting for room");

    const parked = scheduledMailbox();
    parked.producer.holdsRings = true;
    assert.ok(parked.producer.trySend(new Uint8Array([1])));
    assert.equal(parked.bell.nextReady(), 0);
    Doorbell.create(parked.arena).park(() => true, 0);
    assert.equal(parked.bell.nextReady(), parked.box.offset, "rung before the thread parks");
  } finally {
    ringHeld(true);
  }
});
