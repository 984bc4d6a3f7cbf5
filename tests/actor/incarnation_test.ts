/**
 * A restarted actor's old instance is gone (Akka's rule): code it left behind — a timer's callback,
 * an event listener — that calls its `this.context` after the restart never reaches the fresh
 * instance. Calls that would start something (a behaviour, a timer, a watch, a child...) are
 * refused with a TypeError that says the instance was replaced by a restart; calls that only take
 * back what the old instance had (unbecome, unwatch, unstashAll, clearing its receive timeout,
 * stop) do nothing, as what they would take back went with it.
 */
import assert from "node:assert/strict";
import type { ActorRef } from "../../mod.ts";
import { Echo, Leave, LeaveAsync, Probe, Replaced, type Report } from "../_actors/incarnation.ts";
import { eventually, type TestSystem, testSystem } from "../_system.ts";

const LONG = { timeout: 20_000 };
const REPLACED = /Replaced's instance was replaced by a restart/;

type Entry = [unknown, ActorRef<unknown> | null];

interface Case {
  t: TestSystem;
  actor: ActorRef<unknown>;
  other: ActorRef<unknown>;
  report: Report;
  log: () => Promise<string[]>;
  entries: () => Promise<Entry[]>;
  state: () => Promise<{ by: string; children: number }>;
}

/**
 * Spawns a Replaced, has it leave code behind for `op` (`by` a timer or a listener) and fail; sets
 * the fresh instance up with `setup`; lets the left-behind code run; hands its report over.
 */
async function leftBehind(
  op: string,
  by: "timer" | "listener" | "async",
  setup: string[],
  check: (c: Case) => Promise<void>,
): Promise<void> {
  await using t = testSystem({ supervision: { onFailure: "restart" } });
  const probe = t.system.spawn(Probe);
  const other = t.system.spawn(Echo);
  const actor = t.system.spawn(Replaced, probe, other);
  const entries = () => t.bridge.call(probe, "dump", LONG) as Promise<Entry[]>;
  const log = async () =>
    (await entries()).map(([m]) => m).filter((m): m is string => typeof m === "string");
  actor.send(by === "async" ? new LeaveAsync(op) : new Leave(op, by));
  await eventually(async () => (await log()).includes("instance 2 started"), "the restart");
  for (const m of setup) await t.bridge.call(actor, m, LONG);
  await t.bridge.call(actor, "open", LONG);
  let report: Report | undefined;
  await eventually(async () => {
    report = (await entries()).map(([m]) => m).find((m): m is Report =>
      typeof m === "object" && m !== null && (m as Report).op === op
    );
    return report !== undefined;
  }, `the report of ${op}`);
  const state = () =>
    t.bridge.call(actor, "state", LONG) as Promise<{ by: string; children: number }>;
  await check({ t, actor, other, report: report!, log, entries, state });
}

/** The old instance's call was refused, with a TypeError naming the actor and the restart. */
function refused({ report }: Case): void {
  assert.equal(report.outcome.ok, false, `${report.op} went through: ${Deno.inspect(report)}`);
  assert.equal(report.outcome.name, "TypeError");
  assert.match(report.outcome.message!, REPLACED);
}

/** The old instance's call did nothing, and threw nothing. */
function noOp({ report }: Case): void {
  assert.deepEqual(report.outcome, { ok: true, value: undefined });
}

const count = (log: string[], entry: string) => log.filter((m) => m === entry).length;

for (const by of ["timer", "listener"] as const) {
  Deno.test(`incarnation: become from code a restarted instance left behind (${by}) is refused; the fresh instance keeps its handlers`, async () => {
    await leftBehind("become", by, [], async (c) => {
      refused(c);
      assert.equal((await c.state()).by, "handlers");
    });
  });

  Deno.test(`incarnation: stash from code a restarted instance left behind (${by}) is refused; the fresh instance's message is not stashed`, async () => {
    await leftBehind("stash", by, [], async (c) => {
      refused(c);
      await c.t.bridge.call(c.actor, "unstash", LONG);
      await c.state();
      assert.equal(
        count(await c.log(), "handlers: open"),
        1,
        "open was stashed, and handled again",
      );
    });
  });

  Deno.test(`incarnation: stop from code a restarted instance left behind (${by}) does nothing; the fresh instance runs on`, async () => {
    await leftBehind("stop", by, [], async (c) => {
      noOp(c);
      assert.equal((await c.state()).by, "handlers");
      assert.deepEqual(c.t.failures.length, 1, "the one failure on purpose");
    });
  });

  Deno.test(`incarnation: receive from code a restarted instance left behind (${by}) is refused; it takes no message of the fresh instance`, async () => {
    await leftBehind("receive", by, [], async (c) => {
      refused(c);
      assert.equal(await c.t.bridge.call(c.actor, "next", LONG), "next");
    });
  });
}

Deno.test("incarnation: unbecome from code a restarted instance left behind does nothing; the fresh instance keeps its own behaviour", async () => {
  await leftBehind("unbecome", "timer", ["become"], async (c) => {
    noOp(c);
    assert.equal((await c.state()).by, "fresh behaviour");
  });
});

Deno.test("incarnation: unstashAll from code a restarted instance left behind does nothing; the fresh instance keeps what it stashed", async () => {
  await leftBehind("unstashAll", "timer", ["hold"], async (c) => {
    noOp(c);
    await c.state();
    assert.equal(
      count(await c.log(), "handlers: hold"),
      1,
      "hold was unstashed, and handled again",
    );
  });
});

Deno.test("incarnation: setReceiveTimeout from code a restarted instance left behind is refused", async () => {
  await leftBehind("setReceiveTimeout", "timer", [], async (c) => {
    refused(c);
    await c.state();
    assert.equal(count(await c.log(), "handlers: ReceiveTimeout"), 0);
  });
});

Deno.test("incarnation: setReceiveTimeout(null) from code a restarted instance left behind does nothing; the fresh instance's receive timeout stays on", async () => {
  await leftBehind("setReceiveTimeout(null)", "timer", ["arm"], async (c) => {
    noOp(c);
    // The fresh instance's timeout (30 ms of quiet) comes again after the call, as long as it is on.
    const before = (await c.log()).length;
    await eventually(
      async () => (await c.log()).slice(before).includes("handlers: ReceiveTimeout"),
      "a ReceiveTimeout of the fresh instance after the call",
      5_000,
    );
  });
});

for (const op of ["sendAfter", "sendEvery"]) {
  Deno.test(`incarnation: ${op} from code a restarted instance left behind is refused: the restart cancelled its timers, none comes back`, async () => {
    await leftBehind(op, "timer", [], async (c) => {
      refused(c);
      await c.state();
      assert.equal(count(await c.log(), "tick"), 0);
    });
  });
}

Deno.test("incarnation: watch from code a restarted instance left behind is refused", async () => {
  await leftBehind("watch", "timer", [], (c) => {
    refused(c);
    return Promise.resolve();
  });
});

Deno.test("incarnation: unwatch from code a restarted instance left behind does nothing; the fresh instance's watch stays", async () => {
  await leftBehind("unwatch", "timer", ["watch"], async (c) => {
    noOp(c);
    await c.t.bridge.stop([c.other as ActorRef<never>], 5_000);
    await eventually(
      async () => (await c.log()).includes("handlers: Terminated"),
      "the fresh instance's Terminated",
      5_000,
    );
  });
});

Deno.test("incarnation: spawn from code a restarted instance left behind is refused; the fresh instance gets no child", async () => {
  await leftBehind("spawn", "timer", [], async (c) => {
    refused(c);
    assert.equal((await c.state()).children, 0);
  });
});

Deno.test("incarnation: children seen from code a restarted instance left behind are none: the fresh instance's are not the old one's", async () => {
  await leftBehind("children", "timer", ["spawn"], async (c) => {
    assert.deepEqual(c.report.outcome, { ok: true, value: 0 });
    assert.equal((await c.state()).children, 1);
  });
});

Deno.test("incarnation: ask from code a restarted instance left behind is refused", async () => {
  await leftBehind("ask", "timer", [], (c) => {
    refused(c);
    return Promise.resolve();
  });
});

Deno.test("incarnation: pipeToSelf from code a restarted instance left behind is refused; nothing reaches the fresh instance", async () => {
  await leftBehind("pipeToSelf", "timer", [], async (c) => {
    refused(c);
    await c.state();
    assert.equal(count(await c.log(), "handlers: piped"), 0);
  });
});

Deno.test("incarnation: self, read from code a restarted instance left behind, is still the actor's ref", async () => {
  await leftBehind("self", "timer", [], (c) => {
    assert.equal(c.report.outcome.ok, true);
    assert.equal(c.report.outcome.value, String(c.actor));
    return Promise.resolve();
  });
});

for (const by of ["timer", "async"] as const) {
  Deno.test(`incarnation: a send from code a restarted instance left behind (${by === "async" ? "an async handler's timer" : "a timer"}) has no implicit sender: replies never reach the fresh instance`, async () => {
    await leftBehind("send", by, [], async (c) => {
      assert.equal(c.report.outcome.ok, true);
      const sent = (await c.entries()).find(([m]) => m === "sent by the old instance");
      assert.ok(sent !== undefined);
      assert.equal(sent[1], null, `sent as ${sent[1]}`);
    });
  });
}
