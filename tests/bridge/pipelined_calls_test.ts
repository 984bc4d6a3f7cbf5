/**
 * Many calls in flight from one Bridge: each gets its own reply or its own failure, at its own
 * deadline, however many share a turn — the pending calls' table and the deadline queues
 * (src/bridge/pending_calls.ts, call_deadlines.ts) under load.
 */
import assert from "node:assert/strict";
import type { SystemObserver } from "../../mod.ts";
import { CallTimeoutError } from "../../errors.ts";
import { Echo } from "../_actors/basic.ts";
import { Recorder } from "../_actors/behaviours.ts";
import { Slow, Stubborn } from "../_actors/supervision.ts";
import { testSystem, within } from "../_system.ts";

const LONG = { timeout: 20_000 };

Deno.test("pipelined calls: 10,000 in flight each get their own reply; aborted ones reject", async () => {
  await using t = testSystem();
  const echoes = [t.system.spawn(Echo), t.system.spawn(Echo)];
  await Promise.all(echoes.map((echo) => t.system.started(echo)));
  const controller = new AbortController();
  const calls = Array.from({ length: 10_000 }, (_, i) =>
    t.bridge.call(echoes[i & 1], i, {
      ...LONG,
      signal: i % 1000 === 7 ? controller.signal : undefined,
    }));
  controller.abort(new Error("not needed any more"));
  const outcomes = await within(60_000, "the calls", Promise.allSettled(calls));
  outcomes.forEach((outcome, i) => {
    if (i % 1000 === 7) {
      assert.equal(outcome.status, "rejected");
      assert.match(String((outcome as PromiseRejectedResult).reason), /not needed any more/);
    } else assert.deepEqual(outcome, { status: "fulfilled", value: i });
  });
  const replies = new Array<unknown>(10_000);
  for await (
    const { index, reply, error } of t.bridge.multiCall(
      Array.from({ length: 10_000 }, (_, i) => [echoes[i & 1], `#${i}`] as const),
      LONG,
    )
  ) {
    assert.equal(error, undefined);
    replies[index] = reply;
  }
  replies.forEach((reply, i) => assert.equal(reply, `#${i}`));
});

Deno.test("pipelined calls: mixed deadlines in one turn each expire at their own, in order", async () => {
  await using t = testSystem();
  const stuck = t.system.spawn(Stubborn);
  assert.equal(await t.bridge.call(stuck, "ready?", LONG), "ready?");
  stuck.send(1500); // busy for 1.5 s: no request below is reached in time but the untimed one
  const started = performance.now();
  const settled: string[] = [];
  const timed = [300, 100, 200].map((timeout) =>
    t.bridge.call(stuck, `within ${timeout}`, { timeout }).then(
      () => assert.fail(`the call with timeout ${timeout} got a reply`),
      (error) => {
        const elapsed = performance.now() - started;
        settled.push(`${timeout}`);
        assert.ok(error instanceof CallTimeoutError, String(error));
        assert.match(error.message, new RegExp(`within ${timeout} ms`));
        assert.ok(elapsed >= timeout, `timed out after ${elapsed} ms, before ${timeout}`);
      },
    )
  );
  const withDefault = t.bridge.call(stuck, "defaulted", { timeout: 150, default: "default" })
    .then((value) => {
      const elapsed = performance.now() - started;
      settled.push("150");
      assert.equal(value, "default");
      assert.ok(elapsed >= 150, `defaulted after ${elapsed} ms, before 150`);
    });
  const untimed = t.bridge.call(stuck, "untimed", { timeout: Infinity });
  await within(20_000, "the timed calls", Promise.all([...timed, withDefault]));
  assert.deepEqual(settled, ["100", "150", "200", "300"]);
  assert.equal(await within(20_000, "the untimed call", untimed), "untimed");
});

Deno.test("pipelined calls: a timed-out call's late reply is dropped, not given to the call now at its tag's place", async () => {
  await using t = testSystem();
  const late = t.system.spawn(Slow, 600);
  const held = t.system.spawn(Slow, 1500);
  const echo = t.system.spawn(Echo);
  await Promise.all([late, held, echo].map((ref) => t.system.started(ref)));
  await assert.rejects(t.bridge.call(late, "answer late", { timeout: 100 }), CallTimeoutError);
  // The tags that follow, one call at a time, come round to the timed-out call's place in the
  // table (64 places while few calls wait): the call there waits while the late reply comes in.
  for (let i = 1; i < 64; i++) assert.equal(await t.bridge.call(echo, i, LONG), i);
  const atSamePlace = t.bridge.call(held, "held", LONG);
  await t.until(
    () => t.deadLetters.some((d) => d.kind === "unanswered" && d.message === "answer late"),
    "the late reply's dead letter",
  );
  assert.equal(await within(20_000, "the held call", atSamePlace), "held");
});

Deno.test("pipelined calls: multiCall sends when iterated; a break leaves its other calls to settle", async () => {
  await using t = testSystem();
  const recorder = t.system.spawn(Recorder);
  const echo = t.system.spawn(Echo);
  await Promise.all([recorder, echo].map((ref) => t.system.started(ref)));
  const unread = t.bridge.multiCall([[recorder, "not yet"]], { timeout: 50 });
  assert.deepEqual(await t.bridge.call(recorder, "dump", LONG), [], "nothing sent before next()");
  const calls = Array.from({ length: 100 }, (_, i) => [echo, i] as const);
  let first: unknown;
  for await (const { reply } of t.bridge.multiCall(calls, LONG)) {
    first = reply;
    break;
  }
  assert.equal(typeof first, "number");
  // The 99 calls left settle with their replies, unread: the Bridge answers the next call.
  assert.equal(await t.bridge.call(echo, "after", LONG), "after");
  assert.equal((await unread.next()).done, false, "sent at the first next()");
});

Deno.test("pipelined calls: multiCall's next() called again before a result is in: each gets a result of its own, in turn, then done", async () => {
  await using t = testSystem();
  const echo = t.system.spawn(Echo);
  await t.system.started(echo);
  const results = t.bridge.multiCall([[echo, "a"], [echo, "b"]], LONG);
  // As an async generator would: the next()s made at once settle in order, one result each.
  const [first, second, third] = await within(
    5_000,
    "three next() made at once",
    Promise.all([results.next(), results.next(), results.next()]),
  );
  assert.deepEqual([first.value?.reply, second.value?.reply].sort(), ["a", "b"]);
  assert.equal(third.done, true);
  // A return() while next()s wait settles them as done.
  const more = t.bridge.multiCall([[echo, "c"]], LONG);
  const waiting = [more.next(), more.next()];
  await more.return!();
  const settled = await within(5_000, "the next()s waiting at return()", Promise.all(waiting));
  assert.equal(settled[1].done, true, "the one left waiting is done");
});

Deno.test("pipelined calls: calls made while replies are read (by a calls observer) each get their own reply", async () => {
  // 2,000 replies of 1 KiB do not fit the Bridge's ring: its actors wait for room while the
  // observer, told of each settled call, makes one more call from inside the reading.
  const followUps: Promise<unknown>[] = [];
  let callAgain: ((request: string) => Promise<unknown>) | null = null;
  const observer: SystemObserver = {
    attach: () => ({
      calls: {
        started: (_target, request) => (ok) => {
          if (ok && typeof request === "string" && request.startsWith("first")) {
            followUps.push(callAgain!(`then ${request}`));
          }
        },
      },
      [Symbol.dispose]() {},
    }),
  };
  await using t = testSystem({ observer });
  const echoes = [t.system.spawn(Echo), t.system.spawn(Echo)];
  await Promise.all(echoes.map((echo) => t.system.started(echo)));
  callAgain = (request) => t.bridge.call(echoes[request.length & 1], request, LONG);
  const padding = "x".repeat(1000);
  const requests = Array.from({ length: 2000 }, (_, i) => `first ${i} ${padding}`);
  const replies = await within(
    60_000,
    "the first calls",
    Promise.all(requests.map((request, i) => t.bridge.call(echoes[i & 1], request, LONG))),
  );
  replies.forEach((reply, i) => assert.equal(reply, requests[i]));
  assert.equal(followUps.length, requests.length);
  const thens = await within(60_000, "the calls made while reading", Promise.all(followUps));
  assert.deepEqual(
    new Set(thens),
    new Set(requests.map((request) => `then ${request}`)),
  );
  assert.deepEqual(t.deadLetters, []);
});

Deno.test("pipelined calls: a calls observer that throws fails no call and stops no reading; what it threw is reported", async () => {
  let starts = 0;
  let ends = 0;
  const observer: SystemObserver = {
    attach: () => ({
      calls: {
        started: () => {
          // Every third call's start throws, and every other settle.
          if (++starts % 3 === 0) throw new Error("the observer's start failed");
          return () => {
            if (++ends % 2 === 0) throw new Error("the observer's end failed");
          };
        },
      },
      [Symbol.dispose]() {},
    }),
  };
  const reported: unknown[][] = [];
  const consoleError = console.error;
  console.error = (...data: unknown[]) => reported.push(data);
  try {
    await using t = testSystem({ observer });
    const echo = t.system.spawn(Echo);
    await t.system.started(echo);
    const single = await within(
      20_000,
      "plain calls",
      Promise.all(Array.from({ length: 30 }, (_, i) => t.bridge.call(echo, i, LONG))),
    );
    assert.deepEqual(single, Array.from({ length: 30 }, (_, i) => i));
    const replies: unknown[] = [];
    await within(
      20_000,
      "a multiCall",
      (async () => {
        for await (
          const { reply, error } of t.bridge.multiCall(
            Array.from({ length: 30 }, (_, i) => [echo, i] as const),
            LONG,
          )
        ) {
          if (error !== undefined) throw error;
          replies.push(reply);
        }
      })(),
    );
    assert.deepEqual(replies.sort((a, b) => (a as number) - (b as number)), single);
  } finally {
    console.error = consoleError;
  }
  assert.ok(reported.length > 0, "what the observer threw is reported");
  assert.ok(
    reported.every((data) => /calls observer threw/.test(String(data[0]))),
    `only the observer's errors: ${reported.map((data) => data[0]).join("; ")}`,
  );
});
