/**
 * Why a Bridge call got no reply, one test per cause: each cause has its own error class, so a
 * caller can tell an actor that is gone (not worth a retry) from one that is overloaded or late
 * (worth one) and from a request that can never be handled (a bug to fix).
 */
import assert from "node:assert/strict";
import { type ActorRef, registerMessage } from "../../mod.ts";
import {
  ActorDeadError,
  CallTimeoutError,
  MailboxFullError,
  UndeliverableError,
} from "../../errors.ts";
import { Echo } from "../_actors/basic.ts";
import { Flaky, Stubborn } from "../_actors/supervision.ts";
import { within } from "../_system.ts";
import { placedTests } from "../_placement.ts";

const LONG = { timeout: 20_000 };

/** Registered on this thread only: the Workers, which never load this file, cannot decode it. */
class MainThreadOnly {
  constructor(readonly note = "") {}
}
registerMessage(MainThreadOnly, "tests/bridge_errors/MainThreadOnly");

/**
 * Fills a 1 KiB mailbox with records smaller than any request below, so that none of those
 * fits in what is left (a larger record could leave room for a smaller one).
 */
function fill(target: ActorRef<unknown>): void {
  for (let i = 0; i < 200; i++) target.send("f");
}

placedTests("bridge errors", [
  ["a request that waits in a full mailbox past the send timeout: MailboxFullError", async (t) => {
    const stuck = await t.spawnWith(Stubborn, { mailboxCapacity: 1024, sendTimeout: 50 });
    assert.equal(await t.bridge.call(stuck, "ready?", LONG), "ready?");
    stuck.send(2000); // busy for two seconds: its mailbox cannot empty meanwhile
    fill(stuck);
    const started = performance.now();
    const error = await within(
      20_000,
      "the call",
      t.bridge.call(stuck, "are you there?", LONG).then(() => null, (e) => e),
    );
    assert.ok(error instanceof MailboxFullError, String(error));
    assert.match(error.message, /no reply from Stubborn .*: the mailbox of Stubborn stayed full/);
    assert.ok(performance.now() - started < 1900, "settled at the send timeout, not the call's");
    // With a default, the call resolves to it: the actor is alive but cannot take the call now.
    fill(stuck);
    const fallback = await t.bridge.call(stuck, "and now?", { ...LONG, default: "busy" });
    assert.equal(fallback, "busy");
  }],
  ["a request whose deadline passes while the actor is busy: CallTimeoutError", async (t) => {
    const stuck = await t.spawn(Stubborn);
    assert.equal(await t.bridge.call(stuck, "ready?", LONG), "ready?");
    stuck.send(1500); // busy for 1.5 s
    // The request's deadline is on the wall clock (read every 100 ms, see PendingCalls.add);
    // the Bridge's own timer runs on performance.now(). Here the wall clock reads 3 s early as
    // the call is made, so the deadline passes (at 1 s) long before the Bridge's timer (at 4 s):
    // the actor reaches the request at 1.5 s and its deadline dead letter comes back first, as it
    // does in the race between an actor that reaches a request just late and a timer that fires
    // a little late.
    await new Promise((resolve) => setTimeout(resolve, 150)); // the wall clock is read again
    const realNow = Date.now;
    Date.now = () => realNow() - 3000;
    let pending: Promise<unknown>;
    try {
      pending = t.bridge.call(stuck, "too late", { timeout: 4000 }).then(() => null, (e) => e);
    } finally {
      Date.now = realNow;
    }
    const started = performance.now();
    const error = await within(20_000, "the call", pending);
    const elapsed = performance.now() - started;
    assert.ok(error instanceof CallTimeoutError, String(error));
    assert.match(error.message, /no reply from Stubborn .* within 4000 ms: its deadline passed/);
    assert.ok(elapsed < 3500, `settled by the dead letter (${elapsed} ms), not the timer`);
    await t.until(() => t.deadLetters.some((d) => d.kind === "deadline"), "the dead letter");
  }],
  ["a call never times out early, even when the wall clock steps back a little", async (t) => {
    const stuck = await t.spawn(Stubborn);
    assert.equal(await t.bridge.call(stuck, "ready?", LONG), "ready?");
    stuck.send(3000); // busy for 3 s: nothing below is answered, nor reaches its deadline there
    // A call reads the wall clock; 60 ms later it steps back 50 ms (NTP, say) as the next call
    // is made: its timer must not fire early by the step.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const first = t.bridge.call(stuck, "first", { timeout: 5000, default: null });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const realNow = Date.now;
    Date.now = () => realNow() - 50;
    let second: Promise<unknown>;
    const started = performance.now();
    try {
      second = t.bridge.call(stuck, "second", { timeout: 200 }).then(() => null, (e) => e);
    } finally {
      Date.now = realNow;
    }
    const error = await within(5000, "the second call", second);
    const elapsed = performance.now() - started;
    assert.ok(error instanceof CallTimeoutError, String(error));
    assert.ok(elapsed >= 200, `timed out after ${elapsed.toFixed(1)} ms, before its 200 ms`);
    await first;
  }],
  ["a request its actor's Worker cannot decode: UndeliverableError", async (t) => {
    const echo = await t.spawnWith(Echo, { name: "echo" });
    assert.equal(await t.bridge.call(echo, "ready?", LONG), "ready?");
    const error = await t.bridge.call(echo, new MainThreadOnly("hi"), LONG).then(
      () => null,
      (e) => e,
    );
    assert.ok(error instanceof UndeliverableError, String(error));
    assert.equal(error.kind, "undecodable");
    assert.match(
      error.message,
      /no reply from echo .*: it could not be decoded: .*unknown message class/,
    );
    // A default does not hide it: the request is wrong, not the actor's state.
    const again = t.bridge.call(echo, new MainThreadOnly(), { ...LONG, default: "none" });
    await assert.rejects(again, UndeliverableError);
    assert.equal(await t.bridge.call(echo, "still there?", LONG), "still there?");
  }],
  ["a request its actor has no handler for: UndeliverableError", async (t) => {
    const flaky = await t.spawnWith(Flaky, { name: "flaky" });
    const error = await t.bridge.call(flaky, 42 as never, LONG).then(() => null, (e) => e);
    assert.ok(error instanceof UndeliverableError, String(error));
    assert.equal(error.kind, "no-handler");
    assert.match(error.message, /no reply from flaky .*: flaky has no handler for it/);
    assert.equal(await t.bridge.call(flaky, "count", LONG), 0, "still running");
  }],
  ["a call to a stopped actor: ActorDeadError, or the default", async (t) => {
    const flaky = await t.spawn(Flaky);
    await t.bridge.stop([flaky], 20_000);
    await t.bridge.whenTerminated(flaky);
    await assert.rejects(t.bridge.call(flaky, "count", LONG), ActorDeadError);
    assert.equal(await t.bridge.call(flaky, "count", { ...LONG, default: -1 }), -1);
    const [result] = await Array.fromAsync(t.bridge.multiCall([[flaky, "count"]], LONG));
    assert.ok(result.error instanceof ActorDeadError, String(result.error));
  }],
  [
    "calls made in a row each keep their own options (their default, signal and timeout)",
    async (t) => {
      const flaky = await t.spawn(Flaky);
      await t.bridge.stop([flaky], 20_000);
      await t.bridge.whenTerminated(flaky);
      // Made in one turn, options changing from call to call: calls with equal options share
      // them inside the Bridge, and none may take on another's.
      const aborted = AbortSignal.abort(new Error("given up"));
      const outcomes = await Promise.all([
        { ...LONG, default: -1 },
        LONG,
        { ...LONG, default: -2 },
        { ...LONG, default: undefined },
        { timeout: 15_000, default: -1 },
        { ...LONG, default: -1, signal: aborted },
        { ...LONG, default: -1 },
        LONG,
      ].map((options) =>
        t.bridge.call(flaky, "count", options).then(
          (value) => ["resolved", value],
          (
            error,
          ) => ["rejected", error instanceof ActorDeadError ? "ActorDeadError" : error.message],
        )
      ));
      assert.deepEqual(outcomes, [
        ["resolved", -1],
        ["rejected", "ActorDeadError"],
        ["resolved", -2],
        ["resolved", undefined],
        ["resolved", -1],
        ["rejected", "given up"],
        ["resolved", -1],
        ["rejected", "ActorDeadError"],
      ]);
    },
  ],
  ["multiCall and stop use the same errors", async (t) => {
    const flaky = await t.spawn(Flaky);
    const echo = await t.spawn(Echo);
    const results = await Array.fromAsync(
      t.bridge.multiCall<unknown>([[flaky, 42], [echo, new MainThreadOnly()], [echo, "hi"]], LONG),
    );
    const errors = results.map((r) =>
      r.error instanceof UndeliverableError ? r.error.kind : r.reply
    );
    assert.deepEqual(errors.sort(), ["hi", "no-handler", "undecodable"]);
    // An actor that is gone counts as stopped; one that cannot take its Stop does not.
    await t.bridge.stop([flaky], 20_000);
    assert.equal((await t.bridge.stop([flaky], 20_000)).length, 1);
    const stuck = await t.spawnWith(Stubborn, { mailboxCapacity: 1024, sendTimeout: 50 });
    assert.equal(await t.bridge.call(stuck, "ready?", LONG), "ready?");
    stuck.send(2000);
    fill(stuck);
    await assert.rejects(t.bridge.stop([stuck], 20_000), MailboxFullError);
  }],
]);
