/**
 * Chaos across processes, seeded and bounded: while calls and one-way traffic flow to a node in a
 * second process, that node is frozen for a while (SIGSTOP, then SIGCONT), the NATS server is
 * restarted, and at last the node is killed (SIGKILL). Whatever happens, no call settles after
 * its own timeout (plus a margin for a loaded machine), every failure is a typed error, and what
 * one sender's messages reach the node in keeps their order.
 */
import assert from "node:assert/strict";
import { ActorSystem, Bridge, type DeadLetter, RingmailError } from "../../mod.ts";
import { ActorDeadError } from "../../errors.ts";
import { NumberLog, SlowSink, Tally } from "../_actors/number_log.ts";
import { Probe } from "../_actors/supervision.ts";
import { Doubler } from "../_actors/basic.ts";
import { eventually } from "../_system.ts";
import { startNatsServer, withDeadline } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";

const SEED = 20261206;
const CALL_TIMEOUT_MS = 1500;
/** What a settle may take beyond its timeout on a loaded 2-core machine. */
const MARGIN_MS = 1500;

/** A small seeded generator (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

Deno.test("chaos: freeze, server restart and kill of a node while calls and sends flow", async () => {
  const next = random(SEED);
  await using server = await startNatsServer();
  await using other = await startNode(server.url, "chaos");
  await using system = new ActorSystem({
    cluster: { servers: server.url, name: "chaos", downAfterMs: 3000 },
  });
  using bridge = new Bridge(system);
  const echo = await system.lookup<number>("echo");
  const probe = await system.lookup<unknown>("probe");
  const settled: { ok: boolean; late: number; error?: unknown }[] = [];
  let calling = true;
  let sent = 0;
  const lane = async () => {
    while (calling) {
      const began = performance.now();
      const n = sent++;
      probe.send(n); // one-way traffic between the calls, in the order of n
      try {
        assert.equal(await bridge.call(echo, n, { timeout: CALL_TIMEOUT_MS }), n);
        settled.push({ ok: true, late: performance.now() - began - CALL_TIMEOUT_MS });
      } catch (error) {
        settled.push({ ok: false, late: performance.now() - began - CALL_TIMEOUT_MS, error });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 20)));
    }
  };
  const lanes = Array.from({ length: 4 }, lane);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await pause(300);
  other.kill("SIGSTOP");
  await pause(500 + Math.floor(next() * 500));
  other.kill("SIGCONT");
  await pause(300);
  await server.restart();
  await pause(1000 + Math.floor(next() * 500));
  // What reached the node of one sender's messages came in the order they were sent (some may
  // be lost with the server's restart: counted there, not delivered out of order).
  const log = await bridge.call(probe, "dump", { timeout: 5000 }) as number[];
  assert.ok(log.length > 0, "some one-way messages arrived");
  for (let i = 1; i < log.length; i++) {
    assert.ok(log[i] > log[i - 1], `out of order: ${log[i - 1]} then ${log[i]}`);
  }
  other.kill("SIGKILL");
  await other.exited;
  await pause(CALL_TIMEOUT_MS + 500);
  calling = false;
  await Promise.all(lanes);

  assert.ok(settled.some((s) => s.ok), "some calls were answered");
  for (const s of settled) {
    assert.ok(s.late <= MARGIN_MS, `a call settled ${Math.round(s.late)} ms after its timeout`);
    if (!s.ok) assert.ok(s.error instanceof RingmailError, `untyped: ${s.error}`);
  }
  // After the kill, calls fail at once (the node is down), not at their timeout.
  const last = settled.slice(-4);
  assert.ok(
    last.every((s) => !s.ok && s.error instanceof ActorDeadError && s.late < 0),
    `the last calls failed before their timeout with ActorDeadError: the node is gone (${
      last.map((s) => `${s.error}`).join("; ")
    })`,
  );
});

Deno.test("chaos: across NATS server restarts, every one-way message is delivered or reported lost, once, few are lost, and what arrives is in order", async () => {
  await using server = await startNatsServer();
  const lostHere: DeadLetter[] = [];
  const lostThere: DeadLetter[] = [];
  const cluster = "accounting";
  await using here = new ActorSystem({
    cluster: { servers: server.url, name: cluster, downAfterMs: 10_000 },
    onDeadLetter: (d) => lostHere.push(d),
  });
  await using there = new ActorSystem({
    cluster: { servers: server.url, name: cluster, downAfterMs: 10_000 },
    onDeadLetter: (d) => lostThere.push(d),
  });
  await Promise.all([here.joined, there.joined]);
  await there.register("log", there.spawnWith(NumberLog, { mailboxCapacity: 1 << 20 }));
  const far = await here.lookup<number | string>("log");
  using bridge = new Bridge(here);
  const next = random(SEED);
  const MESSAGES = 20_000;
  let sent = 0;
  const sending = (async () => {
    while (sent < MESSAGES) {
      const burst = Math.min(MESSAGES - sent, 1 + Math.floor(next() * 200));
      for (let i = 0; i < burst; i++) far.send(sent++);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 3)));
    }
  })();
  for (let restarts = 0; restarts < 2; restarts++) {
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(next() * 200)));
    await server.restart();
  }
  await sending;
  // Each message is in one place: the log, a dead letter here (with its message), or a count
  // of lost ones there. The asks for the log are messages too: the log counts those it got.
  const countThere = () => lostThere.reduce((sum, d) => sum + (d.count ?? 1), 0);
  let log: number[] = [];
  let asked = 0;
  let asksGot = 0;
  await eventually(
    async () => {
      // An ask may be lost with a restart too (at most once): then it is asked again.
      asked++;
      const answer = await bridge.call(far, "dump", { timeout: 2_000 }).catch(() => null);
      if (answer === null) return false;
      [log, asksGot] = answer as [number[], number];
      const lostHereCount = lostHere.filter((d) => typeof d.message === "number").length;
      return log.length + asksGot + lostHereCount + countThere() >= MESSAGES + asked;
    },
    "every message is accounted for",
    30_000,
  );
  // (A reply to an ask that timed out comes as a dead letter "unanswered" here: not a number.)
  const reported = lostHere.filter((d) => typeof d.message === "number").map((d) =>
    d.message as number
  );
  assert.equal(
    log.length + asksGot + reported.length + countThere(),
    MESSAGES + asked,
    `delivered ${log.length} and ${asksGot} asks of ${asked}, reported here ${reported.length}, ` +
      `counted there ${countThere()}`,
  );
  for (let i = 1; i < log.length; i++) {
    assert.ok(log[i] > log[i - 1], `out of order: ${log[i - 1]} then ${log[i]}`);
  }
  // Records wait while the connection is lost, and until the other node answers again: only
  // what was on the wire as the server went is lost (measured: 0–75 of 20,000; before records
  // waited, about half).
  assert.ok(
    reported.length + countThere() < MESSAGES / 10,
    `${reported.length + countThere()} of ${MESSAGES} lost across two restarts`,
  );
  const delivered = new Set(log);
  assert.ok(reported.every((n) => !delivered.has(n)), "a message reported lost was delivered");
  for (const d of [...lostHere, ...lostThere]) {
    assert.ok(d.reason.length > 0, `a dead letter ${d.kind} without a reason`);
  }
});

Deno.test("chaos: credit granted while the NATS server is down is made good at the next ping: the link does not stall", async () => {
  await using server = await startNatsServer();
  const cluster = "lost-grants";
  await using here = new ActorSystem({
    cluster: { servers: server.url, name: cluster, downAfterMs: 20_000 },
  });
  const lostThere: DeadLetter[] = [];
  const lostCount = () => lostThere.reduce((sum, d) => sum + (d.count ?? 1), 0);
  await using there = new ActorSystem({
    cluster: { servers: server.url, name: cluster, downAfterMs: 20_000 },
    onDeadLetter: (d) => lostThere.push(d),
  });
  await Promise.all([here.joined, there.joined]);
  const slow = there.spawnWith(SlowSink, { name: "slow sink", mailboxCapacity: 1 << 16 }, 4);
  await there.register("slow", slow);
  const far = await here.lookup<Uint8Array>("slow");
  const handled = () => there.inspect().actors.find((a) => a.ref.equals(slow))?.handled ?? 0;
  // 6 MiB: past the 4 MiB window, so the rest waits here for credit, which the other node
  // grants as its backlog drains.
  const COUNT = 192;
  const payload = new Uint8Array(32 * 1024);
  for (let i = 0; i < COUNT; i++) far.send(payload);
  await eventually(
    async () => ((await here.clusterStatus()).links[0]?.waitingForCredit ?? 0) > 0,
    "records wait for credit",
  );
  // Nothing on the wire as the server goes (a loss counted there would bring a grant after).
  const sent = async () => (await here.clusterStatus()).links[0]?.recordsSent ?? 0;
  const got = async () => (await there.clusterStatus()).links[0]?.recordsReceived ?? 0;
  await eventually(async () => await got() === await sent(), "what was sent arrived");
  server.kill("SIGKILL");
  await server.exited;
  // The other node's backlog drains while the server is gone: the grants it makes are lost
  // with the connection, and none comes after.
  await eventually(
    async () => handled() + lostCount() >= await got(),
    "the other node took all it got, granting while cut off",
  );
  await server.restart();
  // Each arrives, or is counted lost (what was on the wire as the server went).
  await eventually(() => handled() + lostCount() >= COUNT, `all ${COUNT} accounted for`, 30_000);
});

Deno.test("a node that shuts down with records still waiting for another node's credit reports each as a dead letter", async () => {
  await using server = await startNatsServer();
  const cluster = "shutdown-kept";
  const lostHere: DeadLetter[] = [];
  const lostThere: DeadLetter[] = [];
  const here = new ActorSystem({
    cluster: { servers: server.url, name: cluster },
    onDeadLetter: (d) => lostHere.push(d),
  });
  await using there = new ActorSystem({
    cluster: { servers: server.url, name: cluster },
    onDeadLetter: (d) => lostThere.push(d),
  });
  try {
    await Promise.all([here.joined, there.joined]);
    const slow = there.spawnWith(SlowSink, { mailboxCapacity: 1 << 16 }, 4);
    await there.register("slow", slow);
    const far = await here.lookup<Uint8Array>("slow");
    const COUNT = 192; // 6 MiB: past the 4 MiB window
    const payload = new Uint8Array(32 * 1024);
    for (let i = 0; i < COUNT; i++) far.send(payload);
    await eventually(
      async () => ((await here.clusterStatus()).links[0]?.waitingForCredit ?? 0) > 0,
      "records wait for credit",
    );
    const report = await here.shutdown();
    const handled = () => there.inspect().actors.find((a) => a.ref.equals(slow))?.handled ?? 0;
    const sent = () => COUNT - lostHere.length;
    await eventually(
      () => handled() + lostThere.length >= sent(),
      "what left this node is taken there",
    );
    assert.ok(lostHere.length > 0, "some never left");
    assert.ok(
      lostHere.every((d) => d.kind === "shutdown" && d.message instanceof Uint8Array),
      lostHere.map((d) => `${d.kind}: ${d.reason}`).slice(0, 3).join("; "),
    );
    assert.equal(handled() + lostHere.length, COUNT, "every message taken or reported");
    assert.equal(report.undelivered, lostHere.length, "the shutdown's report counts them");
  } finally {
    await here.shutdown();
  }
});

Deno.test("a node that leaves while another sends to it: every message is delivered there, or reported on one side, none vanishes", async () => {
  await using server = await startNatsServer();
  const lostHere: DeadLetter[] = [];
  const lostThere: DeadLetter[] = [];
  const cluster = { servers: server.url, name: "leaving-node" };
  await using here = new ActorSystem({ cluster, onDeadLetter: (d) => lostHere.push(d) });
  const there = new ActorSystem({ cluster, onDeadLetter: (d) => lostThere.push(d) });
  await Promise.all([here.joined, there.joined]);
  const sink = here.spawn(Probe);
  await here.register("sink", sink);
  // The tally counts what reaches it, and says how many as it stops.
  await there.register("tally", there.spawn(Tally, await there.lookup<unknown>("sink")));
  const far = await here.lookup<number>("tally");
  using bridge = new Bridge(here);
  let sent = 0;
  let leaving: Promise<unknown> | null = null;
  // A steady one-way stream, a few messages a millisecond; the other node leaves in the middle
  // of it, and the stream goes on until this node knows.
  const downHere = () => lostHere.some((d) => d.kind === "node-down");
  while (!downHere()) {
    for (let i = 0; i < 5; i++) far.send(sent++);
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (sent >= 500) leaving ??= there.shutdown();
  }
  await leaving;
  const tally = async () => {
    const log = await bridge.call(sink, "dump", { timeout: 5_000 }) as unknown[];
    const line = log.find((l) => typeof l === "string" && l.startsWith("tally "));
    return line === undefined ? -1 : Number((line as string).slice(6));
  };
  await eventually(async () => await tally() >= 0, "the tally came back");
  const delivered = await tally();
  const counted = (letters: DeadLetter[]) => letters.reduce((sum, d) => sum + (d.count ?? 1), 0);
  const reported = () => counted(lostHere) + counted(lostThere);
  // What went out just before the leave may be counted at its last ping, a moment later.
  await eventually(() => delivered + reported() >= sent, "every message accounted for", 5_000)
    .catch(() => {});
  assert.equal(
    delivered + reported(),
    sent,
    `sent ${sent}: delivered ${delivered}, reported here ${counted(lostHere)} (${[
      ...new Set(lostHere.map((d) => d.kind)),
    ]}), there ${counted(lostThere)} (${[...new Set(lostThere.map((d) => d.kind))]})`,
  );
  assert.ok(delivered >= 500 - 50, `most of what was sent before the leave arrived (${delivered})`);
});

Deno.test("a node that leaves is down for the nodes that talked to it, and no link at all for the others", async () => {
  await using server = await startNatsServer();
  const cluster = { servers: server.url, name: "leaving-quietly" };
  await using talker = new ActorSystem({ cluster });
  await using stranger = new ActorSystem({ cluster });
  const leaving = new ActorSystem({ cluster });
  await Promise.all([talker.joined, stranger.joined, leaving.joined]);
  await leaving.register("doubler", leaving.spawn(Doubler));
  using bridge = new Bridge(talker);
  assert.equal(await bridge.call(await talker.lookup<number>("doubler"), 21), 42);
  await leaving.shutdown();
  await eventually(async () => {
    const link = (await talker.clusterStatus()).links.find((l) => l.node === leaving.node);
    return link !== undefined && !link.up && /left the cluster/.test(link.reason ?? "");
  }, "the node that talked to it finds it left");
  // The stranger heard the notice too: it shows no link to a node it never talked to.
  assert.deepEqual((await stranger.clusterStatus()).links, []);
});

Deno.test("a node whose NATS server is gone shuts down without it, and its process ends", async () => {
  // With JetStream: the names the node holds are released by requests to the server too.
  await using server = await startNatsServer({ jetstream: true });
  await using node = await startNode(server.url, "server-gone");
  server.kill("SIGKILL");
  await server.exited;
  // Its standard input closes: the node shuts down (tests/remote/_node.ts) and should end.
  const ended = await withDeadline(node.stop().then(() => node.exited), 10_000);
  if (ended === "timeout") node.kill("SIGKILL");
  assert.notEqual(ended, "timeout", "the node's process ended");
  assert.equal(ended === "timeout" ? -1 : ended.code, 0, "its shutdown succeeded");
});

Deno.test("a node whose NATS server is frozen shuts down without its answer, and its process ends", async () => {
  // Frozen, the server keeps the connection and answers nothing: neither the names' release nor
  // the drain of what was published would ever end.
  await using server = await startNatsServer({ jetstream: true });
  await using node = await startNode(server.url, "server-frozen");
  await server.freeze();
  const ended = await withDeadline(node.stop().then(() => node.exited), 15_000);
  if (ended === "timeout") node.kill("SIGKILL");
  assert.notEqual(ended, "timeout", "the node's process ended");
  assert.equal(ended === "timeout" ? -1 : ended.code, 0, "its shutdown succeeded");
});
