import assert from "node:assert/strict";
import { CallDeadlines, type Expiring } from "../../src/bridge/call_deadlines.ts";
import { within } from "../_system.ts";

/** A call stand-in: its deadline, its queue, and its name. */
class Item implements Expiring {
  deadlines: Expiring["deadlines"] = null;
  constructor(readonly name: string, readonly deadline: number) {}
}

/** Deadlines whose expiries are recorded; `expired` resolves once `count` expired. */
function recorder(count: number) {
  const expired: { name: string; deadline: number; late: number }[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => done = resolve);
  const deadlines = new CallDeadlines<Item>((item) => {
    assert.equal(item.deadlines, null, "an expired item is out of its queue");
    expired.push({
      name: item.name,
      deadline: item.deadline,
      late: performance.now() - item.deadline,
    });
    if (expired.length === count) done();
  });
  const add = (name: string, timeout: number) => {
    const item = new Item(name, performance.now() + timeout);
    deadlines.add(item, timeout);
    return item;
  };
  return { deadlines, expired, add, all };
}

Deno.test("call deadlines: mixed timeouts each expire at their own deadline, never early", async () => {
  const { deadlines, expired, add, all } = recorder(4);
  add("300", 300);
  add("100", 100);
  const settled = add("150 settled", 150);
  add("200", 200);
  add("50", 50);
  deadlines.settled(settled);
  await within(10_000, "the expiries", all);
  assert.deepEqual(expired.map((e) => e.name), ["50", "100", "200", "300"]);
  for (const { name, late } of expired) assert.ok(late >= 0, `${name} expired ${-late} ms early`);
  assert.equal(deadlines.size, 0);
});

Deno.test("call deadlines: one queue per timeout keeps its order when calls settle out of order", async () => {
  const { deadlines, expired, add, all } = recorder(3);
  const items = Array.from({ length: 3000 }, (_, i) => add(`${i}`, 80));
  // Settle all but three, from the back, the middle and the front: what is left still expires.
  for (let i = items.length - 1; i >= 0; i--) {
    if (i !== 0 && i !== 1500 && i !== 2999) deadlines.settled(items[i]);
  }
  assert.equal(deadlines.size, 3);
  deadlines.settled(items[1500]); // settling twice changes nothing
  deadlines.settled(items[1500]);
  add("late", 120);
  await within(10_000, "the expiries", all);
  assert.deepEqual(expired.map((e) => e.name), ["0", "2999", "late"]);
});

Deno.test("call deadlines: a timeout computed per call (many queues) still fires in order", async () => {
  const { expired, add, all } = recorder(200);
  const timeouts = Array.from({ length: 200 }, (_, i) => 20 + i);
  for (let i = timeouts.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [timeouts[i], timeouts[j]] = [timeouts[j], timeouts[i]];
  }
  const start = performance.now();
  for (const timeout of timeouts) add(`${timeout}`, timeout);
  await within(10_000, "the expiries", all);
  // Deadlines 1 ms apart may come out together: each is expired by the one timer, never early.
  for (const { name, late } of expired) assert.ok(late >= 0, `${name} expired ${-late} ms early`);
  // In the order of their deadlines — not of their timeouts: adding 200 calls can take longer
  // than the 1 ms between two timeouts on a busy machine.
  const order = expired.map((e) => e.deadline);
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  assert.ok(performance.now() - start >= 219);
});

Deno.test("call deadlines: no timer holds the process once no call waits (the sanitizer sees none)", () => {
  const { deadlines, add } = recorder(1);
  const items = [add("a", 10_000), add("b", 60_000), add("c", 10_000)];
  for (const item of items) deadlines.settled(item);
  assert.equal(deadlines.size, 0);
});

Deno.test("call deadlines: calls one after another, each settled before the next, share one timer", async () => {
  const realSetTimeout = globalThis.setTimeout;
  let timersSet = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timersSet++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  const { deadlines, expired, add, all } = recorder(1);
  try {
    for (let i = 0; i < 100; i++) deadlines.settled(add(`${i}`, 10_000));
    assert.equal(timersSet, 1, "the first call's timer is taken up by each next one");
    add("earlier", 30);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(timersSet, 2, "an earlier deadline sets its own timer");
  await within(10_000, "the earlier call's expiry", all);
  assert.deepEqual(expired.map((e) => e.name), ["earlier"]);
  assert.equal(deadlines.size, 0);
});
