/**
 * An actor that has stopped (not restarted) is gone: code it left behind — a timer's callback, a
 * promise's `then` — that calls its `this.context` afterwards reaches nothing of its cell, as after
 * a restart (incarnation_test.ts). Calls that would start something are refused with a TypeError
 * that says the actor has stopped; calls that only take back what it had do nothing; `self` and
 * `name` still read. Its postStop, which runs before, still has a working context.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { Echo, Leave, Opener, Probe, type Report, Stopping } from "../_actors/stopped_context.ts";
import { eventually, type TestSystem, testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };
const STOPPED = /^Stopping has stopped: its context .+ any more \(code it left behind/;

type How = "bridge.stop" | "context.stop()";

interface Case {
  t: TestSystem;
  actor: ActorRef<unknown>;
  other: ActorRef<unknown>;
  report: Report;
  log: () => Promise<unknown[]>;
}

/**
 * Spawns a Stopping next to an Opener (a pool of one Worker), sets it up with `setup`, has it
 * leave code behind for `op` and stops it (`how`); once it is gone, lets that code run and hands
 * its report over.
 */
async function leftBehind(
  op: string,
  how: How,
  setup: string[],
  check: (c: Case) => Promise<void> | void,
): Promise<void> {
  await using t = testSystem();
  const pool = t.system.createPool({ workers: 1 });
  const probe = t.system.spawn(Probe);
  const other = t.system.spawn(Echo);
  const actor = pool.spawn(Stopping, probe, other);
  const opener = pool.spawnWith(Opener, { near: actor as ActorRef<never> });
  const log = () => t.bridge.call(probe, "dump", LONG) as Promise<unknown[]>;
  for (const m of setup) await t.bridge.call(actor, m, LONG);
  const ended = t.bridge.whenTerminated(actor);
  // Awaited below; a failed assertion before must not leave it rejecting unheard at the close.
  ended.catch(() => {});
  assert.equal(await t.bridge.call(actor, new Leave(op, how === "context.stop()"), LONG), "left");
  if (how === "bridge.stop") await t.bridge.stop([actor as ActorRef<never>], 5_000);
  await ended;
  assert.equal(await t.bridge.call(opener, "open", LONG), "open");
  let report: Report | undefined;
  await eventually(async () => {
    report = (await log()).find((m): m is Report =>
      typeof m === "object" && m !== null && (m as Report).op === op
    );
    return report !== undefined;
  }, `the report of ${op}`);
  await check({ t, actor, other, report: report!, log });
}

/** The stopped actor's call was refused, with a TypeError naming the actor and its stop. */
function refused({ report }: Case): void {
  assert.equal(report.outcome.ok, false, `${report.op} went through: ${Deno.inspect(report)}`);
  assert.equal(report.outcome.name, "TypeError", Deno.inspect(report));
  assert.match(report.outcome.message!, STOPPED);
}

/** The stopped actor's call did nothing, and threw nothing. */
function noOp({ report }: Case): void {
  assert.deepEqual(report.outcome, { ok: true, value: undefined });
}

/** Each case once, stopped one way or the other in turn: both ways end in finish(). */
const cases: [string, string[], string, (c: Case) => Promise<void> | void][] = [
  ["become", [], "is refused", refused],
  ["stash", [], "is refused", refused],
  ["watch", [], "is refused", refused],
  ["spawn", [], "is refused", refused],
  ["spawnWith", [], "is refused", refused],
  ["receive", [], "is refused", refused],
  ["ask", [], "is refused", refused],
  ["pipeToSelf", [], "is refused", refused],
  ["sendAfter", [], "is refused: no timer outlives the actor", refused],
  ["sendEvery", [], "is refused: no timer outlives the actor", refused],
  ["setReceiveTimeout", [], "is refused", refused],
  ["unbecome", ["become"], "does nothing", noOp],
  ["unstashAll", [], "does nothing", noOp],
  ["unwatch", ["watch"], "does nothing", noOp],
  ["setReceiveTimeout(null)", ["arm"], "does nothing", noOp],
  ["stop", [], "does nothing", (c) => {
    noOp(c);
    assert.deepEqual(c.t.failures, []);
  }],
  ["children", ["spawn"], "are none: they stopped with it", ({ report }) => {
    assert.deepEqual(report.outcome, { ok: true, value: 0 });
  }],
];

let i = 0;
for (const [op, setup, what, check] of cases) {
  const how: How = i++ % 2 === 0 ? "context.stop()" : "bridge.stop";
  Deno.test(`stopped context: ${op} from code an actor left behind once it has stopped (${how}) ${what}`, async () => {
    await leftBehind(op, how, setup, check);
  });
}

for (const how of ["context.stop()", "bridge.stop"] as const) {
  Deno.test(`stopped context: self, name and parent, read from code an actor left behind once it has stopped (${how}), still read`, async () => {
    for (const op of ["self", "name", "parent"]) {
      await leftBehind(op, how, [], ({ actor, report }) => {
        const expected = { self: String(actor), name: "Stopping", parent: null }[op];
        assert.deepEqual(report.outcome, { ok: true, value: expected });
      });
    }
  });
}

Deno.test("stopped context: an async postStop still has a working context after its await", async () => {
  await using t = testSystem();
  const probe = t.system.spawn(Probe);
  const other = t.system.spawn(Echo);
  const actor = t.system.spawn(Stopping, probe, other, true);
  await t.system.started(actor);
  await t.bridge.stop([actor as ActorRef<never>], 5_000);
  const log = await t.bridge.call(probe, "dump", LONG) as unknown[];
  assert.deepEqual(log, ["postStop asked: bye"]);
});
