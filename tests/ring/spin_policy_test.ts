import assert from "node:assert/strict";
import { PROBE_EVERY, SpinPolicy } from "../../src/ring/spin_policy.ts";

Deno.test("spin policy: a few misses barely shorten the spin", () => {
  const policy = new SpinPolicy({ maxSpins: 1000, minSpins: 10 });
  assert.equal(policy.limit, 1000);
  for (let i = 0; i < 3; i++) assert.equal(policy.spin(() => false), false);
  assert.ok(policy.limit > 800, `after 3 misses the limit is ${policy.limit}`);
});

Deno.test("spin policy: waits that never pay drive the spin down to its minimum", () => {
  const policy = new SpinPolicy({ maxSpins: 1000, minSpins: 10 });
  for (let i = 0; i < 200; i++) policy.spin(() => false);
  assert.equal(policy.limit, 10);
});

Deno.test("spin policy: hits bring the spin back", () => {
  const policy = new SpinPolicy({ maxSpins: 1000, minSpins: 10 });
  for (let i = 0; i < 200; i++) policy.spin(() => false);
  let calls = 0;
  // Work that arrives within a short spin raises the hit rate, and with it the budget.
  for (let i = 0; i < 100; i++) assert.equal(policy.spin(() => ++calls % 5 === 0), true);
  assert.ok(policy.limit > 900, `after 100 hits the limit is ${policy.limit}`);
});

Deno.test("spin policy: a policy that stopped spinning probes, and spins again when it pays", () => {
  const policy = new SpinPolicy({ maxSpins: 512, minSpins: 8 });
  for (let i = 0; i < 200; i++) policy.spin(() => false);
  assert.equal(policy.limit, 8);
  // Now work comes after 300 checks: the next probe (a full 512 spin) catches it, and from then
  // on the spin is long enough to catch it every time.
  let hits = 0;
  for (let i = 0; i < PROBE_EVERY * 2; i++) {
    let calls = 0;
    if (policy.spin(() => ++calls > 300)) hits++;
  }
  assert.equal(policy.limit as number, 512);
  assert.ok(hits > PROBE_EVERY, `caught the work ${hits} times`);
});

Deno.test("spin policy: nonsense budgets are refused", () => {
  assert.throws(() => new SpinPolicy({ maxSpins: -1 }), RangeError);
  assert.throws(() => new SpinPolicy({ maxSpins: 10, minSpins: 20 }), RangeError);
  assert.throws(() => new SpinPolicy({ maxSpins: 1.5 }), RangeError);
});

Deno.test("spin policy: a short park after a cut-short spin restores spinning; after a full one it does not", () => {
  const policy = new SpinPolicy({ maxSpins: 1000, minSpins: 10 });
  for (let i = 0; i < 200; i++) policy.spin(() => false);
  assert.equal(policy.limit, 10);
  // The spin gave up after 10 checks and the work came 0.01 ms into the park: spin longer.
  for (let i = 0; i < 5; i++) {
    if (policy.spin(() => false)) throw new Error("unexpected hit");
    policy.parked(0.01);
  }
  assert.equal(policy.limit, 1000);
  // A full spin that missed, then a short park: likely oversubscribed cores; no raise.
  const full = new SpinPolicy({ maxSpins: 1000, minSpins: 10 });
  full.spin(() => false);
  const after = full.hitRate;
  full.parked(0.01);
  assert.equal(full.hitRate, after);
  // A long park raises nothing either.
  policy.spin(() => false);
  const before = policy.hitRate;
  policy.parked(5);
  assert.equal(policy.hitRate, before);
});

Deno.test("spin policy: a spin with a time limit ends by the clock, however many checks are left, as a miss", () => {
  const policy = new SpinPolicy({ maxSpins: 2 ** 30, minSpins: 0 });
  let checks = 0;
  // Over a billion checks would take seconds; 1 ms by the clock ends it after far fewer.
  assert.equal(policy.spin(() => (checks++, false), 1), false);
  assert.ok(checks < 2 ** 30, `${checks} checks`);
  assert.ok(policy.hitRate < 1, "it counts as a miss");
  let found = 0;
  assert.equal(policy.spin(() => ++found === 3, 1), true, "work that comes in time is found");
});
