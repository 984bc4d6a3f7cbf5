/**
 * Remote actors, for real: a second node in a process of its own, on a nats-server this test
 * starts on 127.0.0.1, reached through refs that work like any other.
 */
import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix
import { connect } from "npm:@nats-io/transport-node@3.4.0";
import { ActorSystem, Bridge } from "../../mod.ts";
import {
  ActorDeadError,
  ClusterJoinError,
  ClusterUnavailableError,
  NameNotFoundError,
  NameTakenError,
  SpawnError,
  UndeliverableError,
} from "../../errors.ts";
import { Doubler, Keeper, Task } from "../_actors/basic.ts";
import { Asker, AskFor, AskThenMark, MarkingAsker, Relay, Relayer } from "../_actors/relay.ts";
import { Quitter } from "../_actors/bridge_watches.ts";
import { internalsOf } from "../../src/system/internal.ts";
import { Flaky, Watcher, WatchIt } from "../_actors/supervision.ts";
import { eventually, within } from "../_system.ts";
import { startNatsServer, withDeadline } from "./_nats_server.ts";
import { startNode } from "./_nodes.ts";
import { restartingPair } from "./_joined_pair.ts";

Deno.test("remote: Bridge calls reach an actor of another process and come back", async () => {
  await using server = await startNatsServer();
  await using other = await startNode(server.url, "calls");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "calls" } });
  await system.joined;
  assert.notEqual(system.node, 0);
  using bridge = new Bridge(system);
  const doubler = await system.lookup<Task | number>("doubler");
  assert.equal(doubler.node, other.node, "the ref names the node it lives on");
  assert.equal(await bridge.call(doubler, new Task(21)), 42);
  const many = await Promise.all(
    Array.from({ length: 200 }, (_, i) => bridge.call(doubler, i)),
  );
  assert.deepEqual(many, Array.from({ length: 200 }, (_, i) => i * 2));
  // A ref crosses inside a message and still names the same actor.
  const echo = await system.lookup("echo");
  const back = await bridge.call(echo, { ref: doubler });
  assert.ok((back as { ref: typeof doubler }).ref.equals(doubler));
});

Deno.test("remote: an actor in a Worker asks an actor of another process", async () => {
  await using server = await startNatsServer();
  await using _other = await startNode(server.url, "asks");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "asks" } });
  using bridge = new Bridge(system);
  const doubler = await system.lookup<number>("doubler");
  const relayer = system.spawn(Relayer);
  const answers = await Promise.all(
    [1, 2, 3].map((n) => bridge.call(relayer, new Relay(doubler, n))),
  );
  assert.deepEqual(answers, [2, 4, 6]);
});

Deno.test("remote: a Worker's ask that an actor of another process cannot take names that actor as its node knows it, as a Bridge call's error does", async () => {
  await using server = await startNatsServer();
  await using _other = await startNode(server.url, "ask-names");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "ask-names" } });
  using bridge = new Bridge(system);
  const doubler = await system.lookup<unknown>("doubler");
  const asker = system.spawn(Asker);
  const failed = await bridge.call(asker, new AskFor(doubler, "not a number"));
  assert.match(String(failed), /^UndeliverableError: no reply from Doubler \(ActorRef\(/);
  const called = await bridge.call(doubler, "not a number").then(() => null, (e) => e);
  assert.ok(called instanceof UndeliverableError, String(called));
  assert.match(called.message, /^no reply from Doubler \(ActorRef\(/);
});

Deno.test("remote: a Worker's ask of an actor of another node settles at once when that actor stops, or loses its Worker, as a Bridge call does", async () => {
  await using server = await startNatsServer();
  await using nodes = await restartingPair(server.url, "ask-ends");
  const { here, there } = nodes;
  using bridge = new Bridge(here);
  using local = new Bridge(there);
  const asker = here.spawn(Asker);
  const slow = { timeout: 20_000 }; // longer than the ask's own 10 s: its timeout would show
  // It stops without answering.
  const quitter = await here.spawnOn(there.node, Quitter);
  const stopped = await bridge.call(asker, new AskFor(quitter, "quit"), slow);
  assert.match(String(stopped), /^ActorDeadError: /);
  // It loses its Worker with the request, and is restarted.
  const flaky = there.spawn(Flaky);
  await there.register("flaky", flaky);
  const far = await here.lookup<string>("flaky");
  const asking = bridge.call(asker, new AskFor(far, "inc"), slow); // "inc" gets no answer
  await eventually(
    async () => await local.call(flaky, "count", { timeout: 10_000 }) === 1,
    "the actor took the request",
    10_000,
  );
  assert.ok(there.kill(flaky, "killed by the test"));
  const lost = await within(15_000, "the ask whose request died with the Worker", asking);
  assert.match(String(lost), /^ActorDeadError: .*being restarted/);
  // The ended actor is watched no more; the restarted one still is, as one of the Worker's
  // targets asked lately (see asks.ts).
  await eventually(
    () => internalsOf(there).clusterSizes()!.watchersFromAfar === 1,
    "only the restarted actor's watch left",
    10_000,
  );
});

Deno.test("remote: a Worker killed right after it asked an actor of another node leaves no watch of that actor behind", async () => {
  await using server = await startNatsServer();
  await using nodes = await restartingPair(server.url, "ask-dead-desk");
  const { here, there } = nodes;
  const asker = here.spawn(MarkingAsker);
  await here.started(asker);
  const far = await here.spawnOn(there.node, Flaky); // "inc" gets no answer: the ask waits
  const marker = await Deno.makeTempFile();
  await Deno.remove(marker);
  try {
    asker.send(new AskThenMark(far, "inc", marker));
    // This thread stays busy until the ask is made, then kills its Worker: the guardian reads
    // the Worker's AskWatch only after its death.
    const deadline = performance.now() + 10_000;
    for (;;) {
      try {
        Deno.statSync(marker);
        break;
      } catch {
        if (performance.now() > deadline) throw new Error("the asker did not ask within 10 s");
      }
    }
    assert.ok(here.kill(asker, "killed by the test"));
  } finally {
    await Deno.remove(marker).catch(() => {});
  }
  // A later ask's watch shows the guardian has read the dead Worker's AskWatch.
  const other = here.spawn(Asker);
  const kept = await here.spawnOn(there.node, Quitter);
  using bridge = new Bridge(here);
  assert.deepEqual(await bridge.call(other, new AskFor(kept, "hi"), { timeout: 20_000 }), ["hi"]);
  assert.equal(internalsOf(here).clusterSizes()!.endWaits, 1, "only the live Worker's watch");
});

Deno.test("remote: a Worker's ask to an actor of a killed process fails fast with ActorDeadError", async () => {
  await using server = await startNatsServer();
  await using other = await startNode(server.url, "ask-deaths");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "ask-deaths" } });
  using bridge = new Bridge(system);
  const doubler = await system.lookup<number>("doubler");
  const relayer = system.spawn(Relayer);
  assert.equal(await bridge.call(relayer, new Relay(doubler, 1)), 2);
  other.kill("SIGKILL");
  await other.exited;
  const began = performance.now();
  assert.equal(
    await bridge.call(relayer, new Relay(doubler, 2), { timeout: 20_000 }),
    "failed: ActorDeadError",
  );
  assert.ok(performance.now() - began < 8_000, "well before the ask's own 10 s timeout");
});

Deno.test("remote: a call to an actor of a frozen process fails once it stops answering", async () => {
  await using server = await startNatsServer();
  await using other = await startNode(server.url, "frozen");
  await using system = new ActorSystem({
    cluster: { servers: server.url, name: "frozen", downAfterMs: 1000 },
  });
  using bridge = new Bridge(system);
  const doubler = await system.lookup<number>("doubler");
  assert.equal(await bridge.call(doubler, 1), 2);
  other.kill("SIGSTOP");
  try {
    await assert.rejects(bridge.call(doubler, 2, { timeout: 20_000 }), ActorDeadError);
  } finally {
    other.kill("SIGCONT");
  }
});

Deno.test("remote: a call to an actor of a killed process fails fast with ActorDeadError", async () => {
  await using server = await startNatsServer();
  await using other = await startNode(server.url, "deaths");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "deaths" } });
  using bridge = new Bridge(system);
  const doubler = await system.lookup<number>("doubler");
  assert.equal(await bridge.call(doubler, 1), 2);
  other.kill("SIGKILL");
  await other.exited;
  const began = performance.now();
  await assert.rejects(bridge.call(doubler, 2, { timeout: 10_000 }), ActorDeadError);
  assert.ok(performance.now() - began < 5_000, "well before the call's own timeout");
  await assert.rejects(bridge.call(doubler, 3, { timeout: 10_000 }), /node-down|unreachable/);
});

Deno.test("remote: an actor watches actors of another node: their end, then the node's", async () => {
  await using server = await startNatsServer();
  await using other = await startNode(server.url, "watch");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "watch" } });
  using bridge = new Bridge(system);
  const echo = await system.lookup<never>("echo");
  const doubler = await system.lookup<never>("doubler");
  const watcher = system.spawn(Watcher);
  assert.equal(await bridge.call(watcher, new WatchIt(echo)), "ok");
  assert.equal(await bridge.call(watcher, new WatchIt(doubler)), "ok");
  const ends = async (count: number) => {
    let seen: { kind: string; actor: string }[] = [];
    await eventually(async () => {
      seen = await bridge.call(watcher, "ends") as typeof seen;
      return seen.length >= count;
    }, "Terminated");
    return seen;
  };
  // The remote actor stops: its node tells the watcher, with how it ended.
  await bridge.stop([echo]);
  assert.deepEqual((await ends(1)).map((end) => [end.kind, end.actor]), [
    ["stopped", String(echo.slot)],
  ]);
  // The Bridge waits for ends across nodes too.
  const doublerEnd = bridge.whenTerminated(doubler);
  // Its node dies: this node tells the watcher of the actors it still watched there.
  other.kill("SIGKILL");
  await other.exited;
  assert.deepEqual((await ends(2)).map((end) => [end.kind, end.actor]), [
    ["stopped", String(echo.slot)],
    ["node-down", String(doubler.slot)],
  ]);
  assert.equal((await doublerEnd).kind, "node-down");
  assert.equal((await bridge.whenTerminated(echo)).kind, "node-down", "the node is gone now");
});

Deno.test("remote: an actor spawned on another node runs there and answers", async () => {
  await using server = await startNatsServer();
  await using other = await startNode(server.url, "spawns");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "spawns" } });
  using bridge = new Bridge(system);
  const there = await system.spawnOn(other.node, Doubler, { name: "far doubler" });
  assert.equal(there.node, other.node);
  assert.equal(await bridge.call(there, new Task(5)), 10);
  const here = await system.spawnOn(system.node, Doubler);
  assert.equal(here.node, 0, "this node's own id spawns here");
  assert.equal(await bridge.call(here, 4), 8);
  const alsoHere = await system.spawnOn(here.node, Doubler);
  assert.equal(alsoHere.node, 0, "so does 0, a ref of this process's node");
  assert.equal(await bridge.call(alsoHere, 5), 10);
  for (const node of [-1, 1.5, 2 ** 32, Number.NaN, "7" as never]) {
    await assert.rejects(system.spawnOn(node, Doubler), RangeError, `node ${node}`);
  }
  await assert.rejects(system.spawnOn(12345, Doubler), ActorDeadError);
  await assert.rejects(
    system.spawnOn(other.node, Doubler, { pool: system.createPool({ workers: 1 }) }),
    TypeError,
  );
});

Deno.test("remote: a spawn on a frozen node fails with ActorDeadError once the node is down, not at its timeout", async () => {
  await using server = await startNatsServer();
  await using other = await startNode(server.url, "frozen-spawn");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "frozen-spawn" } });
  await system.spawnOn(other.node, Doubler);
  await other.freeze();
  try {
    const began = performance.now();
    await assert.rejects(system.spawnOn(other.node, Doubler), ActorDeadError);
    // The spawn's own timeout is 10 s; a frozen node is down in ~2 s.
    assert.ok(performance.now() - began < 8_000, "well before the spawn's own timeout");
    // Down already: the next spawn fails at once.
    await assert.rejects(system.spawnOn(other.node, Doubler), ActorDeadError);
  } finally {
    other.kill("SIGCONT");
  }
});

Deno.test("remote: a node that shuts down while a spawn request still loads the actor's module starts no actor, and its process ends", async () => {
  await using server = await startNatsServer();
  let loading: () => void;
  const atIt = new Promise<void>((resolve) => loading = resolve);
  await using other = await startNode(server.url, "spawn-leaving", undefined, (line) => {
    if (line === "loading slow actor") loading();
  });
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "spawn-leaving" } });
  const { SlowToLoad } = await import("./_slow_actor.ts");
  const spawned = system.spawnOn(other.node, SlowToLoad).then(() => "spawned", (e) => e);
  await atIt;
  const stopping = other.stop(); // closes its standard input: the node shuts down
  // The module loads on (1.5 s), then its spawn must be refused, not start a Worker that keeps
  // the process alive.
  const ended = await withDeadline(other.exited, 10_000);
  if (ended === "timeout") other.kill("SIGKILL");
  await stopping;
  assert.notEqual(ended, "timeout", "the node's process ended");
  // The node said it left: the spawn fails at once, saying so, not at its 10 s timeout.
  const outcome = await withDeadline(spawned, 5_000);
  assert.ok(outcome instanceof ActorDeadError, `the spawn failed as the node left: ${outcome}`);
  assert.match(outcome.message, /left the cluster/);
});

Deno.test("remote: a spawn whose arguments the NATS server cannot take fails with a SpawnError that says so", async () => {
  await using server = await startNatsServer({ maxPayload: 16 * 1024 });
  await using other = await startNode(server.url, "large-spawn");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "large-spawn" } });
  const refused = await system.spawnOn(other.node, Keeper, {}, new Uint8Array(64 * 1024)).then(
    () => assert.fail("spawned"),
    (error: unknown) => error,
  );
  assert.ok(refused instanceof SpawnError, String(refused));
  assert.match(refused.message, /max_payload|16384/);
  // Arguments that fit still go.
  const kept = await system.spawnOn(other.node, Keeper, {}, new Uint8Array(1024));
  assert.equal(kept.node, other.node);
});

Deno.test("remote: a spawn on another node while this node's connection is down fails at once with a SpawnError that says so, not as a node that died", async () => {
  await using server = await startNatsServer();
  const cluster = "spawn-offline";
  await using here = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  await using there = new ActorSystem({ cluster: { servers: server.url, name: cluster } });
  await Promise.all([here.joined, there.joined]);
  server.kill("SIGKILL");
  await server.exited;
  await eventually(async () => !(await here.clusterStatus()).connected, "this node is cut off");
  const refused = await here.spawnOn(there.node, Doubler).then(
    () => assert.fail("spawned"),
    (error: unknown) => error,
  );
  assert.ok(refused instanceof SpawnError, String(refused));
  assert.match(refused.message, /this node's connection to the NATS server is down/);
  await server.restart();
  // Back: the spawn goes, once the other node has answered this one.
  await eventually(async () => {
    try {
      return (await here.spawnOn(there.node, Doubler)).node === there.node;
    } catch (error) {
      if (error instanceof SpawnError) return false; // not answered since the reconnect yet
      throw error;
    }
  }, "a spawn goes once the connection is back");
});

Deno.test("remote: names are unique in a cluster, and a missing one says so", async () => {
  await using server = await startNatsServer();
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "names" } });
  const doubler = system.spawn(Doubler);
  await system.register("one", doubler);
  await assert.rejects(system.register("one", system.spawn(Doubler)), NameTakenError);
  await assert.rejects(system.lookup("none"), NameNotFoundError);
  await assert.rejects(system.register("two", 42 as never), TypeError);
  await assert.rejects(system.register("", doubler), TypeError);
  for (const timeout of [0, -1, Number.NaN]) {
    await assert.rejects(system.lookup("one", { timeout }), RangeError, `timeout ${timeout}`);
  }
  const found = await system.lookup("one");
  assert.ok(found.equals(doubler), "a name of this node is a ref of this process");
});

Deno.test("remote: a name whose node is frozen is neither found nor taken: the cluster is unavailable for it, within the lookup's timeout", async () => {
  await using server = await startNatsServer();
  await using other = await startNode(server.url, "frozen-names");
  await using system = new ActorSystem({ cluster: { servers: server.url, name: "frozen-names" } });
  await system.lookup("doubler");
  await other.freeze();
  try {
    const began = performance.now();
    await assert.rejects(system.lookup("doubler", { timeout: 300 }), ClusterUnavailableError);
    assert.ok(performance.now() - began < 3_000, "within about the lookup's timeout");
    await assert.rejects(
      system.register("doubler", system.spawn(Doubler)),
      ClusterUnavailableError,
    );
  } finally {
    other.kill("SIGCONT");
  }
});

Deno.test("remote: without a cluster, or without a server, the cluster's calls say why", async () => {
  await using alone = new ActorSystem();
  await assert.rejects(alone.register("x", alone.spawn(Doubler)), ClusterJoinError);
  assert.equal(alone.node, 0);
  const noServer = new ActorSystem({ cluster: { servers: "nats://127.0.0.1:1" } });
  await assert.rejects(noServer.joined, ClusterJoinError);
  await noServer.shutdown();
  assert.throws(() => new ActorSystem({ cluster: { servers: "" } }), TypeError);
  assert.throws(
    () => new ActorSystem({ cluster: { servers: "nats://x", name: "a.b" } }),
    /letters, digits/,
  );
});

Deno.test("remote: a join that fails after its link was made leaves no timer running", async () => {
  await using server = await startNatsServer();
  // The server does not confirm the link's subscriptions: the join fails at its last step.
  const nc = await connect({ servers: server.url });
  const proto = Object.getPrototypeOf(nc) as { flush: () => Promise<void> };
  await nc.close();
  const flush = proto.flush;
  proto.flush = () => Promise.reject(new Error("refused for the test"));
  // The intervals started and not cleared.
  const running = new Set<ReturnType<typeof setInterval>>();
  const { setInterval: realSet, clearInterval: realClear } = globalThis;
  globalThis.setInterval = ((fn: () => void, ms?: number) => {
    const id = realSet(fn, ms);
    running.add(id);
    return id;
  }) as typeof setInterval;
  globalThis.clearInterval = ((id?: ReturnType<typeof setInterval>) => {
    if (id !== undefined) running.delete(id);
    realClear(id);
  }) as typeof clearInterval;
  let failure: unknown = null;
  try {
    const system = new ActorSystem({ cluster: { servers: server.url, name: "join-fails" } });
    await system.joined.catch((error) => failure = error);
    await system.shutdown();
  } finally {
    proto.flush = flush;
    globalThis.setInterval = realSet;
    globalThis.clearInterval = realClear;
  }
  const left = [...running];
  for (const id of left) realClear(id);
  assert.ok(failure instanceof ClusterJoinError, String(failure));
  assert.equal(left.length, 0, "intervals left running after the shutdown");
});
