/**
 * A call whose handler fails gets no reply: it fails at once with HandlerFailedError, what the
 * handler threw as its cause, rather than waiting out its timeout. The actor goes on as its
 * supervisor decided, and the failure is reported as any handler's.
 */
import assert from "node:assert/strict";
import { HandlerFailedError } from "../../errors.ts";
import { AskFaulty, Faulty, Gate, PassOn, PassThenFail, StashThenFail } from "../_actors/causes.ts";
import { testSystem } from "../_system.ts";

/** A timeout no test waits out: a call that settles does so long before. */
const NEVER = { timeout: 600_000 };

Deno.test("handler failed: a call whose handler throws, or rejects, fails at once with the cause", async () => {
  await using t = testSystem();
  const faulty = t.system.spawn(Faulty);
  for (const [request, cause] of [["throw", "division by zero"], ["reject", "rejected later"]]) {
    const error = await t.bridge.call(faulty, request, NEVER).then(() => null, (e) => e);
    assert.ok(error instanceof HandlerFailedError, String(error));
    assert.match(
      error.message,
      new RegExp(`Faulty failed while handling string: RangeError: ${cause}`),
    );
    assert.equal((error.cause as Error).message, cause);
    assert.equal((error.cause as Error).name, "RangeError");
  }
  // A default does not stand in: the same request would fail the same way.
  await assert.rejects(
    t.bridge.call(faulty, "throw", { ...NEVER, default: "none" }),
    HandlerFailedError,
  );
  // The actor goes on (resumed, its supervisor's default) and the failures were reported.
  assert.equal(await t.bridge.call(faulty, "still here", NEVER), "still here");
  await t.until(() => t.failures.length === 3, "the failures reported");
  assert.deepEqual(t.deadLetters, []);
});

Deno.test("handler failed: a reply sent before the handler failed is the call's answer", async () => {
  await using t = testSystem();
  const faulty = t.system.spawn(Faulty);
  assert.equal(await t.bridge.call(faulty, "reply, then throw", NEVER), "replied");
  await t.until(() => t.failures.length === 1, "the failure reported");
  assert.equal(await t.bridge.call(faulty, "after", NEVER), "after");
  assert.deepEqual(t.deadLetters, [], "the late news of the failure is nobody's dead letter");
});

Deno.test("handler failed: an ask whose handler fails rejects at once too", async () => {
  await using t = testSystem();
  const asker = t.system.spawn(Faulty);
  const asked = t.system.spawn(Faulty);
  assert.match(
    await t.bridge.call(asker, new AskFaulty(asked, "throw"), NEVER) as string,
    /^HandlerFailedError: no reply from .*Faulty failed while handling string: RangeError: division by zero/,
  );
  assert.equal(await t.bridge.call(asker, new AskFaulty(asked, "fine"), NEVER), "fine");
});

Deno.test("handler failed: a request the failing handler stashed is answered by the restarted instance", async () => {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const actor = t.system.spawn(StashThenFail);
  assert.equal(await t.bridge.call(actor, "req", NEVER), "req handled by instance 2");
  await t.until(() => t.failures.length === 1, "the failure reported");
  assert.deepEqual(t.deadLetters, [], "no reply lost");
});

Deno.test("handler failed: a request passed on with its sender before the handler failed gets the other actor's answer", async () => {
  await using t = testSystem();
  const gate = t.system.spawn(Gate);
  const passer = t.system.spawn(PassThenFail);
  const call = t.bridge.call(passer, new PassOn(gate, "hello"), NEVER);
  await t.until(() => t.failures.length === 1, "the passer's failure reported");
  gate.send("open");
  assert.equal(await call, "hello");
});
