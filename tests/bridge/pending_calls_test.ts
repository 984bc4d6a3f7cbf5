import assert from "node:assert/strict";
import { ActorRef } from "../../src/actor/mod.ts";
import { CallTerms, PendingCall, PendingCalls } from "../../src/bridge/pending_calls.ts";

/** A call to `target` with no timeout (no timer), its outcome dropped. */
function callTo(target: ActorRef<unknown>): PendingCall {
  return new PendingCall(target, new CallTerms(Infinity, {}), () => {}, () => {});
}

Deno.test("pending calls: they wait on this process only while a call to one of its actors is pending", () => {
  const calls = new PendingCalls(() => "actor", () => {});
  const far = callTo(new ActorRef(3, 1, 0, null, 77));
  const near = callTo(new ActorRef(3, 1, 0, null));
  assert.equal(calls.waitsOnThisProcess, false);
  calls.add(far);
  assert.equal(
    calls.waitsOnThisProcess,
    false,
    "a reply from another node comes through this thread",
  );
  calls.add(near);
  assert.equal(calls.waitsOnThisProcess, true);
  calls.settle(near, true, "reply");
  assert.equal(calls.waitsOnThisProcess, false);
  calls.nodeDown(77, "gone");
  assert.equal(calls.size, 0);
  assert.equal(calls.waitsOnThisProcess, false);
  calls.add(callTo(new ActorRef(4, 1, 0, null)));
  assert.equal(calls.waitsOnThisProcess, true);
});
