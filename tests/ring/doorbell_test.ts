import assert from "node:assert/strict";
import { Arena, AWAKE, Doorbell, Mailbox, PARKED } from "../../src/ring/mod.ts";
import { within } from "./_worker.ts";

Deno.test("doorbell: several async receivers on one thread's bell each get their own record", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const bell = Doorbell.create(arena);
  const boxes = [0, 1, 2].map(() => Mailbox.create(arena, { capacity: 256 }));
  for (const box of boxes) box.bindReceiver(bell);
  const controller = new AbortController();
  const pending = boxes.map((box, i) =>
    box.receiveAsync(i === 1 ? { signal: controller.signal } : {})
  );
  assert.equal(bell.parked, true);
  controller.abort();
  boxes[2].trySend(new Uint8Array([2]));
  boxes[0].trySend(new Uint8Array([0]));
  const [zero, one, two] = await within(10_000, "receivers", Promise.all(pending));
  assert.deepEqual(zero, new Uint8Array([0]));
  assert.equal(one, null, "the aborted receive resolves to null and leaves the others waiting");
  assert.deepEqual(two, new Uint8Array([2]));
  assert.equal(
    bell.parked,
    false,
    "no waiter left: the bell is AWAKE, nothing keeps the loop alive",
  );
});

Deno.test("doorbell: a send from the receiving thread itself wakes its async receiver without Atomics.notify", async () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const bell = Doorbell.create(arena);
  const box = Mailbox.create(arena, { capacity: 256 });
  box.bindReceiver(bell);
  const pending = box.receiveAsync();
  assert.equal(bell.parked, true);
  // A notify's wake-up of this thread's own waitAsync would come as a task, after a turn of the
  // event loop: the receiver is looked at again in the microtasks instead.
  const notify = Atomics.notify;
  let notified = 0;
  Atomics.notify = ((view: Int32Array, index: number, count?: number) => (
    notified++, notify(view, index, count)
  )) as typeof notify;
  try {
    box.trySend(new Uint8Array([7]));
    assert.equal(notified, 0);
  } finally {
    Atomics.notify = notify;
  }
  assert.deepEqual(await within(10_000, "receiver", pending), new Uint8Array([7]));
  assert.equal(bell.parked, false, "no waiter left: the bell is AWAKE");
});

Deno.test("doorbell: park returns false after its timeout, true when work is already there", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const bell = Doorbell.create(arena);
  assert.equal(bell.park(() => false, 5), false);
  assert.equal(bell.park(() => true, 60_000), true);
  const view = arena.lineView(bell.offset);
  assert.equal(Atomics.load(view, (bell.offset & 63) >> 2), AWAKE);
  assert.notEqual(AWAKE, PARKED);
});

Deno.test("doorbell: a node being pushed (exchanged, not linked) does not count as ready", () => {
  const arena = Arena.create({ maxBytes: 1 << 24 });
  const bell = Doorbell.create(arena);
  const node = arena.allocate(128);
  Atomics.store(arena.words, (node >> 2) + 6, 0);
  const previous = Atomics.exchange(bell.view, 2, node); // a pusher stopped between its two steps
  assert.equal(bell.hasReady(), false, "a receiver would spin on it");
  assert.equal(bell.nextReady(), 0);
  Atomics.store(arena.words, (previous >> 2) + 6, node); // the pusher links
  assert.equal(bell.hasReady(), true);
  assert.equal(bell.nextReady(), node);
  assert.equal(bell.hasReady(), false);
});
