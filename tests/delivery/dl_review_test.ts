/**
 * Review of deadlines, dead letters and full-mailbox policies: each test is a bug found, fixed
 * with it.
 */
import assert from "node:assert/strict";
import { type ActorRef, ActorSystem } from "../../mod.ts";
import { Gate } from "../_actors/dl_review.ts";
import { type TestSystem, testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };

/** Blocks `gate`'s Worker until the returned release is called (bounded: 20 s). */
async function block(t: TestSystem, gate: ActorRef<unknown>): Promise<() => Promise<void>> {
  const path = await Deno.makeTempFile();
  await Deno.remove(path);
  assert.equal(await t.bridge.call(gate, `block:${path}`, LONG), "blocked");
  return async () => {
    await Deno.writeTextFile(path, "go");
  };
}

/** Dead letters by `kind: reason`, counted. */
function byKindAndReason(t: TestSystem): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const letter of t.deadLetters) {
    const key = `${letter.kind}: ${letter.reason}`;
    counts[key] = (counts[key] ?? 0) + letter.count;
  }
  return counts;
}

Deno.test("dl review: what the main thread had waiting for room in a killed actor's mailbox is a dead letter 'worker-died', not 'has stopped'", async () => {
  await using t = testSystem();
  const gate = t.system.spawnWith(Gate, { name: "gate", mailboxCapacity: 1024 });
  const release = await block(t, gate);
  try {
    // More than the ring holds: the rest waits for room in the main thread's backlog.
    for (let i = 0; i < 40; i++) gate.send(`fill ${i} ${"x".repeat(50)}`);
    assert.ok(t.system.kill(gate, "enough"));
    await t.until(() => t.system.deadLetters === 40, "40 dead letters");
    assert.deepEqual(byKindAndReason(t), {
      "worker-died: gate ended: its Worker died: gate was killed: enough": 40,
    });
  } finally {
    await release();
  }
});

Deno.test("dl review: a spawn's sendTimeout of 0 is refused, as the system's is, not taken silently for the system's 5 s", async () => {
  await using t = testSystem();
  // The system's own option refuses 0 (a positive number of ms) ...
  assert.throws(() => new ActorSystem({ sendTimeout: 0 }), RangeError);
  // ... a spawn's took it for "the system's default": a send then waited 5 s, not 0.
  assert.throws(
    () => t.system.spawnWith(Gate, { sendTimeout: 0 }),
    (error: Error) => error instanceof RangeError && /sendTimeout/.test(error.message),
  );
  assert.throws(
    () => t.system.spawnWith(Gate, { sendTimeout: "100" as unknown as number }),
    (error: Error) => error instanceof TypeError && /sendTimeout/.test(error.message),
  );
  // What is valid still spawns.
  const gate = t.system.spawnWith(Gate, { sendTimeout: 1 });
  assert.equal(await t.bridge.call(gate, "hi", LONG), "hi");
});
