import assert from "node:assert/strict";
import { PROBE_EVERY, SpinPolicy } from "../../src/ring/spin_policy.ts";

Deno.test("spin policy: failed spins halve the limit down to its minimum", () => {
  const policy = new SpinPolicy({ spins: 1024, minSpins: 16 });
  assert.equal(policy.spin(() => false), false);
  assert.equal(policy.limit, 512);
  for (let i = 0; i < 20; i++) policy.spin(() => false);
  assert.equal(policy.limit, 16);
});

Deno.test("spin policy: a late success raises the limit to twice the wait, up to the maximum", () => {
  const policy = new SpinPolicy({ spins: 100, minSpins: 10, maxSpins: 1000 });
  let calls = 0;
  assert.equal(policy.spin(() => ++calls > 80), true);
  assert.equal(policy.limit, 160);
  calls = 0;
  policy.spin(() => ++calls > 150);
  assert.equal(policy.limit, 300);
  calls = 0;
  policy.spin(() => ++calls > 290);
  policy.spin(() => ++calls > 1e9);
  assert.ok(policy.limit <= 1000);
});

Deno.test("spin policy: a shrunken limit probes the default again now and then", () => {
  const policy = new SpinPolicy({ spins: 512, minSpins: 8 });
  for (let i = 0; i < PROBE_EVERY - 1; i++) policy.spin(() => false);
  assert.equal(policy.limit, 8);
  let calls = 0;
  // The probe spins the default limit, so work arriving after 300 checks is caught.
  assert.equal(policy.spin(() => ++calls > 300), true);
  assert.equal(policy.limit, 600);
});

Deno.test("spin policy: nonsense limits are refused", () => {
  assert.throws(() => new SpinPolicy({ spins: -1 }), RangeError);
  assert.throws(() => new SpinPolicy({ spins: 10, minSpins: 20 }), RangeError);
  assert.throws(() => new SpinPolicy({ spins: 1.5 }), RangeError);
});
