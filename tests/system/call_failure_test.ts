/** The one map from why a call got no reply to the caller's error. */
import assert from "node:assert/strict";
import { type DeadLetterKind, RingmailError } from "../../mod.ts";
import {
  ActorDeadError,
  CallTimeoutError,
  MailboxFullError,
  UndeliverableError,
} from "../../errors.ts";
import { callFailure } from "../../src/system/call_failure.ts";

const CALL = { subject: "shop (ActorRef(shop#3.1))", timeout: 1000 };

Deno.test("call failure: each dead letter kind has its class, and a default where it fits", () => {
  const expected: Record<DeadLetterKind, [new (...args: never[]) => RingmailError, boolean]> = {
    "stopped": [ActorDeadError, true],
    "stale": [ActorDeadError, true],
    "worker-died": [ActorDeadError, true],
    "start-failed": [ActorDeadError, true],
    "shutdown": [ActorDeadError, true],
    "node-down": [ActorDeadError, true],
    "lost-in-transit": [ActorDeadError, true],
    "deadline": [CallTimeoutError, true],
    "mailbox-full": [MailboxFullError, true],
    "undecodable": [UndeliverableError, false],
    "no-handler": [UndeliverableError, false],
    "unanswered": [UndeliverableError, false],
  };
  for (const [kind, [cls, defaultStandsIn]] of Object.entries(expected)) {
    const failure = callFailure(kind as DeadLetterKind, CALL, "why");
    assert.ok(failure.error instanceof cls, `${kind}: ${failure.error}`);
    assert.ok(failure.error instanceof RingmailError);
    assert.equal(failure.defaultStandsIn, defaultStandsIn, kind);
    assert.match(failure.error.message, /^no reply from shop \(ActorRef\(shop#3\.1\)\)/);
    if (failure.error instanceof UndeliverableError) assert.equal(failure.error.kind, kind);
  }
});

Deno.test("call failure: the Bridge's own timer and the deadline dead letter read alike", () => {
  const timer = callFailure("deadline", CALL, "");
  assert.equal(timer.error.message, "no reply from shop (ActorRef(shop#3.1)) within 1000 ms");
  const letter = callFailure(
    "deadline",
    CALL,
    "its deadline passed 3 ms before shop could handle it",
  );
  assert.match(letter.error.message, /within 1000 ms: its deadline passed 3 ms before/);
});

Deno.test("call failure: keeps the cause; says what to do", () => {
  const cause = new Error("bad bytes");
  const failure = callFailure("undecodable", CALL, "its reply could not be decoded", cause);
  assert.equal(failure.error.cause, cause);
  assert.equal(callFailure("stopped", CALL, "gone").error.cause, undefined);
  assert.match(callFailure("mailbox-full", CALL, "full").error.message, /mailboxCapacity/);
  assert.match(callFailure("no-handler", CALL, "none").error.message, /@handles/);
  const odd = callFailure("surprise" as DeadLetterKind, CALL, "?");
  assert.ok(odd.error instanceof UndeliverableError && !odd.defaultStandsIn);
});
